import { publishMetricPoints } from '../../../functions/deep-healthcheck/adapters/report';
import { metricPoints } from '../../../functions/deep-healthcheck/core';
import { captureEmf } from '../../helpers/emf';

describe('publishMetricPoints', () => {
  it('writes one EMF blob per dimension set, without the Powertools service dimension', async () => {
    const points = metricPoints({
      target: 'web',
      url: 'https://app.example.com/ht/',
      healthy: false,
      reason: 'component',
      detail: 'x',
      status: 500,
      latencyMs: 80,
      components: [{ name: 'DatabaseBackend', state: 'unavailable', message: 'Database error' }],
      checkedAt: '2026-11-24T03:00:00.000Z',
    });

    const blobs = await captureEmf(() => publishMetricPoints(points));

    expect(blobs).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            {
              Namespace: 'OpsSentinel',
              Dimensions: [['Target']],
              Metrics: [
                { Name: 'TargetHealthy', Unit: 'Count' },
                { Name: 'TargetDegraded', Unit: 'Count' },
                { Name: 'TargetLatency', Unit: 'Milliseconds' },
              ],
            },
          ],
        }),
        Target: 'web',
        TargetHealthy: 0,
        TargetDegraded: 0,
        TargetLatency: 80,
      }),
      expect.objectContaining({ Target: 'web', Component: 'DatabaseBackend', ComponentHealthy: 0 }),
      expect.objectContaining({ Target: 'web', Reason: 'component', ProbeFailures: 1 }),
    ]);
    expect(JSON.stringify(blobs)).not.toContain('"service"');
  });
});
