import type { DriftReport } from '../../../functions/queue-drift/core';
import { driftMetrics } from '../../../functions/queue-drift/adapters/metrics';
import { captureEmf, emfPoints } from '../../helpers/emf';

it('emits drift, actual and expected per queue and one finding count per finding', async () => {
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

  const lines = await captureEmf(() => driftMetrics.run(report));

  expect(lines).toHaveLength(4); // one line per queue's figures, one per finding
  expect(emfPoints(lines)).toEqual([
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
