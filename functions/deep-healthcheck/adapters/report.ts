/**
 * Adapter: one probe result → its EMF metrics (one line per dimension set, with exactly the
 * dimensions of `metric-names.ts`, through the shared `emitMetrics`) and one structured log line.
 */
import type { ProbeResult } from '../../../shared/health/types';
import type { Log } from '../../../shared/ports';
import { emitMetrics } from '../../../shared/powertools';
import { metricPoints, type MetricPoint } from '../core';

/** Publishes points, grouping those that share the same dimensions into one EMF line. */
export function publishMetricPoints(points: MetricPoint[]): void {
  const groups = new Map<string, MetricPoint[]>();
  for (const point of points) {
    const key = JSON.stringify(Object.entries(point.dimensions).sort());
    groups.set(key, [...(groups.get(key) ?? []), point]);
  }
  for (const group of groups.values()) emitMetrics(group[0]!.dimensions, group);
}

/** The `report` port: metrics + one log line per target (warn when unhealthy). */
export function resultReporter(log: Log) {
  return (result: ProbeResult): void => {
    publishMetricPoints(metricPoints(result));
    const line = { ...result };
    if (result.degraded) log.warn(`deep healthcheck ${result.target}: degraded`, line);
    else if (result.healthy) log.info(`deep healthcheck ${result.target}: healthy`, line);
    else log.warn(`deep healthcheck ${result.target}: ${result.reason}`, line);
  };
}
