import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Dimension, Metric } from '../../../shared/metric-names';
import { emitMetrics } from '../../../shared/powertools';
import type { StopMetrics } from '../ports';

/**
 * EMF metrics through the shared `emitMetrics`: `TasksStopped` with exactly Service + Category
 * (what the dashboard and the thrash alarm address), notification counts with Service only.
 */
export const stopMetrics: StopMetrics = {
  taskStopped(service, category) {
    emitMetrics({ [Dimension.Service]: service, [Dimension.Category]: category }, [
      { name: Metric.TasksStopped, unit: MetricUnit.Count, value: 1 },
    ]);
  },
  notification(service, sent) {
    emitMetrics({ [Dimension.Service]: service }, [
      {
        name: sent ? Metric.StopNotificationsSent : Metric.StopNotificationsSuppressed,
        unit: MetricUnit.Count,
        value: 1,
      },
    ]);
  },
};
