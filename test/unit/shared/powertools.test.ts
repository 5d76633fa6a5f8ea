import { emitMetrics, metrics, singleMetric } from '../../../shared/powertools';

describe('metrics dimensions', () => {
  it('a single metric carries exactly the dimensions given, as alarms and the dashboard query them', () => {
    const single = singleMetric();
    single.addDimensions({ Queue: 'celery' });

    // (Read before addMetric, which flushes a single metric at once.)
    expect(single.serializeMetrics()._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['Queue']]);
  });

  it('the shared instance has no default `service` dimension either', () => {
    metrics.addDimension('Service', 'web');
    metrics.addMetric('TasksStopped', 'Count', 1);

    expect(metrics.serializeMetrics()._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['Service']]);
    metrics.clearMetrics();
    metrics.clearDimensions();
  });
});

describe('emitMetrics', () => {
  it('writes one EMF line at once with exactly the dimensions given and every point', () => {
    const saved = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false'; // test/helpers/env.ts disables metrics
    const lines: string[] = [];
    const log = jest
      .spyOn(console, 'log')
      .mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      emitMetrics({ Target: 'web' }, [
        { name: 'TargetHealthy', unit: 'Count', value: 1 },
        { name: 'TargetLatency', unit: 'Milliseconds', value: 80 },
      ]);
      emitMetrics({ Target: 'web' }, []);
    } finally {
      log.mockRestore();
      if (saved === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = saved;
    }
    expect(lines).toHaveLength(1);
    const emf = JSON.parse(lines[0]!) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: Array<{ Dimensions: string[][] }> };
    };
    expect(emf._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['Target']]);
    expect(emf).toMatchObject({ Target: 'web', TargetHealthy: 1, TargetLatency: 80 });
    expect(emf).not.toHaveProperty('service');
  });
});
