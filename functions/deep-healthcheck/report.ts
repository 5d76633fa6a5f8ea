/**
 * Adapter: one probe result → its EMF metrics (one blob per dimension set, with exactly the
 * dimensions of `metric-names.ts`, without Powertools' default `service` dimension, so the
 * generated alarms match) and one structured log line.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../shared/powertools';
import type { ProbeResult } from '../../shared/health/types';
import { metricPoints, type MetricPoint } from './core';

export type MetricsFactory = () => Metrics;

export const defaultMetricsFactory: MetricsFactory = () =>
  new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME,
  });

/** Publishes points, grouping those that share the same dimensions into one EMF line. */
export function publishMetricPoints(points: MetricPoint[], createMetrics: MetricsFactory): void {
  const groups = new Map<string, MetricPoint[]>();
  for (const point of points) {
    const key = JSON.stringify(Object.entries(point.dimensions).sort());
    groups.set(key, [...(groups.get(key) ?? []), point]);
  }
  for (const group of groups.values()) {
    const metrics = createMetrics();
    metrics.clearDefaultDimensions();
    metrics.addDimensions(group[0]!.dimensions);
    for (const point of group) metrics.addMetric(point.name, point.unit, point.value);
    metrics.publishStoredMetrics();
  }
}

/** The `report` port: metrics + one log line per target (warn when unhealthy). */
export function resultReporter(logger: Logger, createMetrics: MetricsFactory = defaultMetricsFactory) {
  return (result: ProbeResult): void => {
    publishMetricPoints(metricPoints(result), createMetrics);
    const line = { ...result };
    if (result.degraded) logger.warn(`deep healthcheck ${result.target}: degraded`, line);
    else if (result.healthy) logger.info(`deep healthcheck ${result.target}: healthy`, line);
    else logger.warn(`deep healthcheck ${result.target}: ${result.reason}`, line);
  };
}
