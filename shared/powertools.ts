import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, type MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from './metric-names';
import type { Log } from './ports';
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

export type MetricUnitValue = (typeof MetricUnit)[keyof typeof MetricUnit];

/** One datapoint for `emitMetrics`. */
export interface MetricPoint {
  name: string;
  unit: MetricUnitValue;
  value: number;
}

/**
 * The one way a function emits a metric: one EMF line, written at once, carrying exactly
 * `dimensions` (no default `service` dimension) and every point given. Alarms and the dashboard
 * match a metric only when every dimension matches, so a metric never borrows dimensions from
 * another. Nothing is buffered, so no `logMetrics` middleware is needed, and a metric written
 * before a failure is not written again by the retry unless the code path runs again.
 */
export function emitMetrics(dimensions: Record<string, string>, points: MetricPoint[]): void {
  if (points.length === 0) return;
  const line = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME,
  });
  line.clearDefaultDimensions();
  line.addDimensions(dimensions);
  for (const p of points) line.addMetric(p.name, p.unit, p.value);
  line.publishStoredMetrics();
}

/** The shared logger as core's `Log` port (shared/ports.ts). */
export const logPort: Log = {
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
};
