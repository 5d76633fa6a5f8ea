import { Metrics } from '@aws-lambda-powertools/metrics';
import { powertoolsStopMetrics } from '../../../functions/task-stopped/adapters/metrics';

function capture(run: (metrics: Metrics) => void): Array<Record<string, unknown>> {
  const saved = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false'; // test/helpers/env.ts disables metrics
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const metrics = new Metrics({ namespace: 'OpsSentinel', serviceName: 'ops-sentinel' });
    run(metrics);
    metrics.publishStoredMetrics();
  } finally {
    log.mockRestore();
    warn.mockRestore();
    if (saved === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = saved;
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

const dimensionsOf = (emf: Record<string, unknown>) =>
  (emf._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][] }> }).CloudWatchMetrics[0]!.Dimensions;

describe('powertoolsStopMetrics', () => {
  it('emits TasksStopped with exactly the Service and Category dimensions the thrash alarm uses', () => {
    const [emf] = capture((m) => powertoolsStopMetrics(m).taskStopped('web', 'elb-health-check'));

    expect(dimensionsOf(emf!)).toEqual([['Service', 'Category']]);
    expect(emf).toMatchObject({ Service: 'web', Category: 'elb-health-check', TasksStopped: 1 });
    expect(emf).not.toHaveProperty('service');
  });

  it('emits sent and suppressed notification counts per service', () => {
    const emfs = capture((m) => {
      const port = powertoolsStopMetrics(m);
      port.notification('web', true);
      port.notification('worker', false);
    });

    expect(emfs).toEqual([
      expect.objectContaining({ Service: 'web', StopNotificationsSent: 1 }),
      expect.objectContaining({ Service: 'worker', StopNotificationsSuppressed: 1 }),
    ]);
    expect(emfs.map(dimensionsOf)).toEqual([[['Service']], [['Service']]]);
  });
});
