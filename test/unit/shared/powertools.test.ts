import { metrics, singleMetric } from '../../../shared/powertools';

describe('metrics dimensions', () => {
  it('a single metric carries exactly the dimensions given, as alarms and the dashboard query them', () => {
    const single = singleMetric();
    single.addDimensions({ Queue: 'celery' });

    // (Read before addMetric, which flushes a single metric at once.)
    expect(single.serializeMetrics()._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['Queue']]);
  });

  it('the shared instance has no default `service` dimension either', () => {
    metrics.addDimension('Service', 'web');
    metrics.addMetric('TasksStopped', 'Count', 1);

    expect(metrics.serializeMetrics()._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['Service']]);
    metrics.clearMetrics();
    metrics.clearDimensions();
  });
});
