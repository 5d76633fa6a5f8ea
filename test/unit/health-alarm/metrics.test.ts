import { alarmMetrics } from '../../../functions/health-alarm/adapters/metrics';
import { captureEmf, emfPoints } from '../../helpers/emf';

it('counts a notification with exactly the AlarmKind and State dimensions, one line each', async () => {
  const lines = await captureEmf(() => {
    alarmMetrics.notified('alb-unhealthy', 'ALARM');
    alarmMetrics.notified('deep-health', 'OK');
  });

  expect(lines).toHaveLength(2);
  expect(lines[0]).not.toHaveProperty('service');
  expect(emfPoints(lines)).toEqual([
    {
      name: 'AlarmNotifications',
      unit: 'Count',
      value: 1,
      dims: { AlarmKind: 'alb-unhealthy', State: 'ALARM' },
    },
    { name: 'AlarmNotifications', unit: 'Count', value: 1, dims: { AlarmKind: 'deep-health', State: 'OK' } },
  ]);
});
