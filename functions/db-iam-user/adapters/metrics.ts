import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Dimension, Metric } from '../../../shared/metric-names';
import { emitMetrics } from '../../../shared/powertools';
import type { InvocationMetrics } from '../ports';

/** EMF through the shared `emitMetrics`: `CustomResourceResponses` with exactly RequestType + Status. */
export const invocationMetrics: InvocationMetrics = {
  response(requestType, status) {
    emitMetrics({ [Dimension.RequestType]: requestType, [Dimension.Status]: status }, [
      { name: Metric.CustomResourceResponses, unit: MetricUnit.Count, value: 1 },
    ]);
  },
};
