import { recogniseAlarm } from '../../../functions/health-alarm/kind';
import type { AlarmChange } from '../../../functions/health-alarm/schema';
import { settings, TG_ARN } from '../../helpers/health-alarm/fakes';

const base: AlarmChange = {
  via: 'eventbridge',
  alarmName: 'x',
  alarmArn: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:x',
  region: 'eu-west-1',
  account: '111122223333',
  state: 'ALARM',
  reason: '',
  changedAt: '2026-11-24T02:50:00.000Z',
  metrics: [],
};
const alarm = (over: Partial<AlarmChange>): AlarmChange => ({ ...base, ...over });
const elb = (metricName: string, dims: Record<string, string>) => [
  { namespace: 'AWS/ApplicationELB', metricName, dimensions: dims },
];

describe('recogniseAlarm', () => {
  it('recognises ALB alarms by metric and finds the service from the services param', () => {
    const subject = recogniseAlarm(
      alarm({
        metrics: elb('UnHealthyHostCount', {
          TargetGroup: 'targetgroup/django-web/6d0ecf831eec9f09',
          LoadBalancer: 'app/a/b',
        }),
      }),
      'prod',
      settings.services,
    );
    expect(subject).toEqual({
      kind: 'alb-unhealthy',
      service: 'web',
      targetGroup: 'targetgroup/django-web/6d0ecf831eec9f09',
      targetGroupArn: TG_ARN,
      loadBalancer: 'app/a/b',
    });
  });

  it('rebuilds the target group ARN from the alarm region and account for unknown target groups', () => {
    const subject = recogniseAlarm(
      alarm({
        alarmName: 'ops-sentinel-prod-alb-no-healthy-api',
        metrics: elb('HealthyHostCount', { TargetGroup: 'targetgroup/api/1a2b', LoadBalancer: 'app/a/b' }),
      }),
      'prod',
      settings.services,
    );
    expect(subject).toMatchObject({
      kind: 'alb-no-healthy',
      service: 'api',
      targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/api/1a2b',
    });
  });

  it('falls back to the name convention when the alarm carries no metric', () => {
    expect(
      recogniseAlarm(alarm({ alarmName: 'ops-sentinel-prod-alb-unhealthy-web' }), 'prod', settings.services),
    ).toMatchObject({
      kind: 'alb-unhealthy',
      service: 'web',
      targetGroupArn: TG_ARN,
    });
    expect(recogniseAlarm(alarm({ alarmName: 'ops-sentinel-prod-health-api-public' }), 'prod', [])).toEqual({
      kind: 'deep-health',
      target: 'api-public',
    });
    expect(recogniseAlarm(alarm({ alarmName: 'ops-sentinel-prod-thrash-worker' }), 'prod', [])).toEqual({
      kind: 'thrash',
      service: 'worker',
    });
  });

  it('does not read another stage’s names', () => {
    expect(recogniseAlarm(alarm({ alarmName: 'ops-sentinel-dev-thrash-worker' }), 'prod', []).kind).toBe(
      'other',
    );
  });

  it('recognises deep-healthcheck and thrash alarms by their OpsSentinel metric', () => {
    const deep = alarm({
      metrics: [{ namespace: 'OpsSentinel', metricName: 'TargetHealthy', dimensions: { Target: 'public' } }],
    });
    const thrash = alarm({
      metrics: [
        {
          namespace: 'OpsSentinel',
          metricName: 'TasksStopped',
          dimensions: { Service: 'web', Category: 'elb-health-check' },
        },
      ],
    });
    expect(recogniseAlarm(deep, 'prod', [])).toEqual({ kind: 'deep-health', target: 'public' });
    expect(recogniseAlarm(thrash, 'prod', [])).toEqual({ kind: 'thrash', service: 'web' });
  });

  it('tells degraded and certificate alarms from failing ones, by metric and by name', () => {
    const byMetric = (metricName: string) =>
      recogniseAlarm(
        alarm({ metrics: [{ namespace: 'OpsSentinel', metricName, dimensions: { Target: 'public' } }] }),
        'prod',
        [],
      );
    expect(byMetric('TargetDegraded')).toEqual({ kind: 'deep-health-degraded', target: 'public' });
    expect(byMetric('CertificateDaysLeft')).toEqual({ kind: 'certificate', target: 'public' });
    expect(recogniseAlarm(alarm({ alarmName: 'ops-sentinel-prod-degraded-web' }), 'prod', [])).toEqual({
      kind: 'deep-health-degraded',
      target: 'web',
    });
    expect(recogniseAlarm(alarm({ alarmName: 'ops-sentinel-prod-certificate-web' }), 'prod', [])).toEqual({
      kind: 'certificate',
      target: 'web',
    });
  });

  it('treats any other metric as a plain alarm', () => {
    const rds = alarm({ metrics: [{ namespace: 'AWS/RDS', metricName: 'CPUUtilization', dimensions: {} }] });
    expect(recogniseAlarm(rds, 'prod', settings.services)).toEqual({ kind: 'other' });
  });
});
