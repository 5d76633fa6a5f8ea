import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Dimension, Metric } from '../../../shared/metric-names';
import { emitMetrics } from '../../../shared/powertools';
import type { DriftReport } from '../core';
import type { DriftMetrics } from '../ports';

/**
 * EMF metrics of one run. Each datapoint has its own dimension set (Queue, or Queue + Finding):
 * one line per queue's timeout figures, one per finding.
 */
export const driftMetrics: DriftMetrics = {
  run(report: DriftReport) {
    for (const o of report.observations) {
      const points = [];
      if (o.actual !== undefined)
        points.push({ name: Metric.VisibilityTimeoutActual, unit: MetricUnit.Seconds, value: o.actual });
      if (o.expected !== undefined)
        points.push({ name: Metric.VisibilityTimeoutExpected, unit: MetricUnit.Seconds, value: o.expected });
      if (o.actual !== undefined && o.expected !== undefined) {
        points.push({
          name: Metric.VisibilityTimeoutDrift,
          unit: MetricUnit.Seconds,
          value: o.actual - o.expected,
        });
      }
      emitMetrics({ [Dimension.Queue]: o.queue }, points);
    }
    for (const f of report.findings) {
      emitMetrics({ [Dimension.Queue]: f.queue, [Dimension.Finding]: f.kind }, [
        { name: Metric.QueueFindings, unit: MetricUnit.Count, value: 1 },
      ]);
    }
  },
};
