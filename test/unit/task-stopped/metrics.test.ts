import { stopMetrics } from '../../../functions/task-stopped/adapters/metrics';
import { captureEmf, type EmfLine } from '../../helpers/emf';

const dimensionsOf = (emf: EmfLine) => emf._aws.CloudWatchMetrics[0]!.Dimensions;

describe('stopMetrics', () => {
  it('emits TasksStopped with exactly the Service and Category dimensions the thrash alarm uses', async () => {
    const [emf, ...rest] = await captureEmf(() => stopMetrics.taskStopped('web', 'elb-health-check'));

    expect(rest).toEqual([]);
    expect(dimensionsOf(emf!)).toEqual([['Service', 'Category']]);
    expect(emf).toMatchObject({ Service: 'web', Category: 'elb-health-check', TasksStopped: 1 });
    expect(emf).not.toHaveProperty('service');
  });

  it('emits sent and suppressed notification counts per service', async () => {
    const emfs = await captureEmf(() => {
      stopMetrics.notification('web', true);
      stopMetrics.notification('worker', false);
    });

    expect(emfs).toEqual([
      expect.objectContaining({ Service: 'web', StopNotificationsSent: 1 }),
      expect.objectContaining({ Service: 'worker', StopNotificationsSuppressed: 1 }),
    ]);
    expect(emfs.map(dimensionsOf)).toEqual([[['Service']], [['Service']]]);
  });
});
