import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Dimension, Metric } from '../../../shared/metric-names';
import { emitMetrics } from '../../../shared/powertools';
import type { RotationMetrics } from '../ports';

/** EMF through the shared `emitMetrics`: `RotationSteps` with exactly Strategy + Step. */
export const rotationMetrics: RotationMetrics = {
  rotationStep(strategy, step) {
    emitMetrics({ [Dimension.Strategy]: strategy, [Dimension.Step]: step }, [
      { name: Metric.RotationSteps, unit: MetricUnit.Count, value: 1 },
    ]);
  },
};
