import {
  alarmNameFilter,
  alarmTopicSubscriptions,
  loadBalancerDimension,
  serviceAlarms,
  targetGroupDimension,
} from '../../../resources/lib/service-alarms';
import { recogniseAlarm } from '../../../functions/health-alarm/kind';
import type { AlarmChange } from '../../../functions/health-alarm/schema';
import { LB_ARN, TG_ARN } from '../../helpers/health-alarm/fakes';

type Alarm = { Type: string; Properties: Record<string, unknown> };

describe('serviceAlarms', () => {
  const { Resources } = serviceAlarms(
    [
      { name: 'web', targetGroupArn: TG_ARN, loadBalancerArn: LB_ARN },
      { name: 'worker' },
      { name: 'api', targetGroupArn: '', loadBalancerArn: '' },
    ],
    'prod',
  ) as { Resources: Record<string, Alarm> };

  it('declares ALB alarms only for services with a target group and a load balancer, thrash alarms for all', () => {
    expect(Object.keys(Resources).sort()).toEqual([
      'HealthAlarmAlbNoHealthyWeb',
      'HealthAlarmAlbUnhealthyWeb',
      'HealthAlarmThrashApi',
      'HealthAlarmThrashWeb',
      'HealthAlarmThrashWorker',
    ]);
  });

  it('alarms on UnHealthyHostCount > 0 with BOTH dimensions, cut from the ARNs', () => {
    expect(Resources.HealthAlarmAlbUnhealthyWeb!.Properties).toMatchObject({
      AlarmName: 'ops-sentinel-prod-alb-unhealthy-web',
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'UnHealthyHostCount',
      Dimensions: [
        { Name: 'TargetGroup', Value: 'targetgroup/django-web/6d0ecf831eec9f09' },
        { Name: 'LoadBalancer', Value: 'app/django-alb/50dc6c495c0c9188' },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms on HealthyHostCount < 1 treating missing data (no targets at all) as breaching', () => {
    expect(Resources.HealthAlarmAlbNoHealthyWeb!.Properties).toMatchObject({
      AlarmName: 'ops-sentinel-prod-alb-no-healthy-web',
      MetricName: 'HealthyHostCount',
      Dimensions: [
        { Name: 'TargetGroup', Value: 'targetgroup/django-web/6d0ecf831eec9f09' },
        { Name: 'LoadBalancer', Value: 'app/django-alb/50dc6c495c0c9188' },
      ],
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('alarms on 3 ELB-health-check stops in 10 minutes per service, with the metric names taskStopped emits', () => {
    expect(Resources.HealthAlarmThrashWorker!.Properties).toMatchObject({
      AlarmName: 'ops-sentinel-prod-thrash-worker',
      Namespace: 'OpsSentinel',
      MetricName: 'TasksStopped',
      Dimensions: [
        { Name: 'Service', Value: 'worker' },
        { Name: 'Category', Value: 'elb-health-check' },
      ],
      Statistic: 'Sum',
      Period: 600,
      Threshold: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const custom = serviceAlarms(
      [{ name: 'web', thrash: { threshold: 5, periodMinutes: 15 } }],
      'dev',
    ).Resources;
    expect(custom.HealthAlarmThrashWeb!.Properties).toMatchObject({ Threshold: 5, Period: 900 });
  });

  it('names alarms so healthAlarm recognises them', () => {
    const stub = (name: string, metrics: AlarmChange['metrics']): AlarmChange => ({
      via: 'eventbridge',
      alarmName: name,
      state: 'ALARM',
      reason: '',
      changedAt: '2026-11-24T00:00:00.000Z',
      metrics,
    });
    for (const alarm of Object.values(Resources)) {
      const p = alarm.Properties as {
        AlarmName: string;
        Namespace: string;
        MetricName: string;
        Dimensions: Array<{ Name: string; Value: string }>;
      };
      const dims = Object.fromEntries(p.Dimensions.map((d) => [d.Name, d.Value]));
      const byMetric = recogniseAlarm(
        stub(p.AlarmName, [{ namespace: p.Namespace, metricName: p.MetricName, dimensions: dims }]),
        'prod',
        [],
      );
      const byName = recogniseAlarm(stub(p.AlarmName, []), 'prod', []);
      expect(byMetric.kind).toBe(byName.kind);
      expect(byMetric.kind).not.toBe('other');
    }
  });

  it('derives the dimensions from intrinsic ARNs with Fn::Select / Fn::Split', () => {
    const tg = { Ref: 'WebTargetGroup' };
    const lb = { 'Fn::ImportValue': 'app-alb-arn' };
    expect(targetGroupDimension(tg)).toEqual({ 'Fn::Select': [5, { 'Fn::Split': [':', tg] }] });
    const parts = { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', lb] }] }] };
    expect(loadBalancerDimension(lb)).toEqual({
      'Fn::Join': [
        '/',
        [{ 'Fn::Select': [1, parts] }, { 'Fn::Select': [2, parts] }, { 'Fn::Select': [3, parts] }],
      ],
    });
  });

  it.each([
    [
      [{ name: 'web', targetGroupArn: LB_ARN, loadBalancerArn: LB_ARN }],
      /targetGroupArn is not a target group ARN/,
    ],
    [
      [
        {
          name: 'web',
          targetGroupArn: TG_ARN,
          loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/n/1',
        },
      ],
      /not an application load balancer ARN/,
    ],
    [[{ name: 'web-api' }, { name: 'web_api' }], /collides/],
    [[{ name: 'web', thrash: { threshold: 0 } }], /thrash.threshold/],
  ])('refuses a bad services param at package time: %j', (services, message) => {
    expect(() => serviceAlarms(services, 'prod')).toThrow(message);
  });
});

describe('alarmNameFilter', () => {
  it('always includes the stage prefix, then the app prefixes and names', () => {
    expect(alarmNameFilter('prod', ['django-app-'], ['legacy-5xx'])).toEqual([
      { prefix: 'ops-sentinel-prod-' },
      { prefix: 'django-app-' },
      'legacy-5xx',
    ]);
  });

  it('refuses an empty prefix, which would match every alarm in the account', () => {
    expect(() => alarmNameFilter('prod', [''])).toThrow(/empty prefix/);
  });
});

it('alarmTopicSubscriptions subscribes the function to each topic with an invoke permission', () => {
  const topic = 'arn:aws:sns:us-east-1:123456789012:app-alarms';
  expect(alarmTopicSubscriptions([topic]).Resources).toEqual({
    HealthAlarmTopicSubscription1: {
      Type: 'AWS::SNS::Subscription',
      Properties: {
        TopicArn: topic,
        Protocol: 'lambda',
        Endpoint: { 'Fn::GetAtt': ['HealthAlarmLambdaFunction', 'Arn'] },
      },
    },
    HealthAlarmTopicPermission1: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': ['HealthAlarmLambdaFunction', 'Arn'] },
        Principal: 'sns.amazonaws.com',
        SourceArn: topic,
      },
    },
  });
  expect(alarmTopicSubscriptions([]).Resources).toEqual({});
});
