import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { Dimension, Metric } from '../../../shared/metric-names';
import type { StopMetrics } from '../ports';

/**
 * EMF metrics through Powertools; Powertools adds its default `service` dimension (ops-sentinel).
 * `TasksStopped` goes to the invocation's buffer (one stopped task per invocation, flushed by
 * the logMetrics middleware); notification counts carry other dimensions, so each is a single
 * metric flushed at once.
 */
export function powertoolsStopMetrics(metrics: Metrics): StopMetrics {
  return {
    taskStopped(service, category) {
      metrics.addDimension(Dimension.Service, service);
      metrics.addDimension(Dimension.Category, category);
      metrics.addMetric(Metric.TasksStopped, MetricUnit.Count, 1);
    },
    notification(service, sent) {
      const m = metrics.singleMetric();
      m.addDimension(Dimension.Service, service);
      m.addMetric(sent ? Metric.StopNotificationsSent : Metric.StopNotificationsSuppressed, MetricUnit.Count, 1);
    },
  };
}
