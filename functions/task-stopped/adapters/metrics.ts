import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { Dimension, Metric } from '../../../shared/metric-names';
import type { StopMetrics } from '../ports';

/**
 * EMF metrics through Powertools. The dashboard and the thrash alarm address `TasksStopped` by
 * exactly Service + Category, so the Powertools default `service` dimension is cleared (this
 * function's bundle is the only user of its `metrics` instance). `TasksStopped` is buffered and
 * flushed by the logMetrics middleware (one stopped task per invocation); notification counts
 * carry other dimensions, so each is a single metric flushed at once.
 */
export function powertoolsStopMetrics(metrics: Metrics): StopMetrics {
  metrics.clearDefaultDimensions();
  return {
    taskStopped(service, category) {
      metrics.addDimension(Dimension.Service, service);
      metrics.addDimension(Dimension.Category, category);
      metrics.addMetric(Metric.TasksStopped, MetricUnit.Count, 1);
    },
    notification(service, sent) {
      const single = metrics.singleMetric();
      single.clearDefaultDimensions();
      single.addDimension(Dimension.Service, service);
      single.addMetric(
        sent ? Metric.StopNotificationsSent : Metric.StopNotificationsSuppressed,
        MetricUnit.Count,
        1,
      );
    },
  };
}
