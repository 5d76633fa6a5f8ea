import type { DriftReport } from '../../../functions/queue-drift/core';
import { emitMetrics } from '../../../functions/queue-drift/metrics';

function recordingMetrics() {
  const points: Array<{ name: string; unit: string; value: number; dims: Record<string, string> }> = [];
  const sink = {
    singleMetric() {
      let dims: Record<string, string> = {};
      const single = {
        addDimensions(d: Record<string, string>) {
          dims = { ...dims, ...d };
          return single;
        },
        addMetric(name: string, unit: string, value: number) {
          points.push({ name, unit, value, dims });
        },
      };
      return single;
    },
  };
  return { points, sink: sink as unknown as Parameters<typeof emitMetrics>[1] };
}

it('emits drift, actual and expected per queue and one finding count per finding', () => {
  const { points, sink } = recordingMetrics();
  const report = {
    observations: [
      { queue: 'celery', expected: 360, actual: 30 },
      { queue: 'gone', expected: 360 },
    ],
    findings: [
      {
        key: 'celery#VisibilityTimeoutDrift',
        kind: 'VisibilityTimeoutDrift',
        queue: 'celery',
        severity: 'critical',
        message: '',
      },
      { key: 'gone#QueueMissing', kind: 'QueueMissing', queue: 'gone', severity: 'critical', message: '' },
    ],
  } as unknown as DriftReport;

  emitMetrics(report, sink);

  expect(points).toEqual([
    { name: 'VisibilityTimeoutActual', unit: 'Seconds', value: 30, dims: { Queue: 'celery' } },
    { name: 'VisibilityTimeoutExpected', unit: 'Seconds', value: 360, dims: { Queue: 'celery' } },
    { name: 'VisibilityTimeoutDrift', unit: 'Seconds', value: -330, dims: { Queue: 'celery' } },
    { name: 'VisibilityTimeoutExpected', unit: 'Seconds', value: 360, dims: { Queue: 'gone' } },
    {
      name: 'QueueFindings',
      unit: 'Count',
      value: 1,
      dims: { Queue: 'celery', Finding: 'VisibilityTimeoutDrift' },
    },
    { name: 'QueueFindings', unit: 'Count', value: 1, dims: { Queue: 'gone', Finding: 'QueueMissing' } },
  ]);
});
