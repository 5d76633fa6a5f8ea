import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from './metric-names';
import { jsonRedactor } from './redact';

export const SERVICE_NAME = 'ops-sentinel';
export { METRICS_NAMESPACE };

/** The one logger. Every line passes through the redactor, so secrets never reach CloudWatch. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME,
  jsonReplacerFn: jsonRedactor,
});

/**
 * The one metrics instance (CloudWatch embedded metric format, namespace `OpsSentinel`).
 * Powertools adds a `service` dimension to every metric by default; it is removed so a metric
 * carries exactly the dimensions in `metric-names.ts`, which is what alarms and the dashboard
 * query (a CloudWatch metric only matches when every dimension matches).
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME,
});
metrics.clearDefaultDimensions();

/**
 * A metric flushed on its own, with its own dimensions. Powertools' `singleMetric()` starts again
 * from the `service` default dimension; this one carries exactly the dimensions given.
 */
export function singleMetric(): Metrics {
  const single = metrics.singleMetric();
  single.clearDefaultDimensions();
  return single;
}
