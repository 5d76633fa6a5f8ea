import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { Dimension, Metric } from '../../shared/metric-names';
import type { DriftReport } from './core';

type MetricSink = Pick<Metrics, 'singleMetric'>;
type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/**
 * EMF metrics of one run. Each datapoint has its own dimension set (Queue, or Queue + Finding),
 * so each goes out as a single metric rather than through the shared buffered set.
 */
export function emitMetrics(report: DriftReport, metrics: MetricSink): void {
  const put = (name: string, unit: Unit, value: number, dims: Record<string, string>) =>
    metrics.singleMetric().addDimensions(dims).addMetric(name, unit, value);

  for (const o of report.observations) {
    const dims = { [Dimension.Queue]: o.queue };
    if (o.actual !== undefined) put(Metric.VisibilityTimeoutActual, MetricUnit.Seconds, o.actual, dims);
    if (o.expected !== undefined) put(Metric.VisibilityTimeoutExpected, MetricUnit.Seconds, o.expected, dims);
    if (o.actual !== undefined && o.expected !== undefined) {
      put(Metric.VisibilityTimeoutDrift, MetricUnit.Seconds, o.actual - o.expected, dims);
    }
  }
  for (const f of report.findings) {
    put(Metric.QueueFindings, MetricUnit.Count, 1, {
      [Dimension.Queue]: f.queue,
      [Dimension.Finding]: f.kind,
    });
  }
}
