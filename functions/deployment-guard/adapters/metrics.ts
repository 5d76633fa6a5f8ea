import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Dimension } from '../../../shared/metric-names';
import { emitMetrics } from '../../../shared/powertools';
import type { MetricsPort } from '../ports';

/** Each datapoint its own EMF line, with the Service dimension only. */
export const guardMetrics: MetricsPort = {
  add(name, service, value, unit) {
    emitMetrics({ [Dimension.Service]: service }, [
      { name, unit: unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count, value },
    ]);
  },
};
