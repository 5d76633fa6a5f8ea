import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { Dimension, Metric } from '../../../shared/metric-names';
import type { StopMetrics } from '../ports';

type MetricSink = Pick<Metrics, 'singleMetric'>;

/**
 * EMF metrics through Powertools, each flushed at once as a single metric. The Powertools
 * default `service` dimension is cleared: the dashboard and the thrash alarm address
 * `TasksStopped` by exactly Service + Category.
 */
export function powertoolsStopMetrics(metrics: MetricSink): StopMetrics {
  const emit = (name: string, dimensions: Record<string, string>) => {
    const single = metrics.singleMetric();
    single.clearDefaultDimensions();
    single.addDimensions(dimensions);
    single.addMetric(name, MetricUnit.Count, 1);
  };
  return {
    taskStopped: (service, category) =>
      emit(Metric.TasksStopped, { [Dimension.Service]: service, [Dimension.Category]: category }),
    notification: (service, sent) =>
      emit(sent ? Metric.StopNotificationsSent : Metric.StopNotificationsSuppressed, { [Dimension.Service]: service }),
  };
}
