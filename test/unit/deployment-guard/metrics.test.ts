import { guardMetrics } from '../../../functions/deployment-guard/adapters/metrics';
import { Metric } from '../../../shared/metric-names';
import { captureEmf, emfPoints } from '../../helpers/emf';

it('writes each datapoint at once with the Service dimension only', async () => {
  const lines = await captureEmf(() => {
    guardMetrics.add(Metric.RollbacksIssued, 'web', 1, 'Count');
    guardMetrics.add(Metric.TimeToAction, 'worker', 42, 'Seconds');
  });

  expect(lines).toHaveLength(2);
  expect(lines[0]).not.toHaveProperty('service');
  expect(emfPoints(lines)).toEqual([
    { name: Metric.RollbacksIssued, unit: 'Count', value: 1, dims: { Service: 'web' } },
    { name: Metric.TimeToAction, unit: 'Seconds', value: 42, dims: { Service: 'worker' } },
  ]);
});
