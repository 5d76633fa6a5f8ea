import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Dimension, Metric } from '../../../shared/metric-names';
import { emitMetrics } from '../../../shared/powertools';
import type { AlarmMetrics } from '../ports';

/** One EMF line per notification: an SNS event may carry alarms of different kinds. */
export const alarmMetrics: AlarmMetrics = {
  notified(kind, state) {
    emitMetrics({ [Dimension.AlarmKind]: kind, [Dimension.State]: state }, [
      { name: Metric.AlarmNotifications, unit: MetricUnit.Count, value: 1 },
    ]);
  },
};
