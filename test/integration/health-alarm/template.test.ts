/**
 * healthAlarm's part of the packaged CloudFormation (`serverless package --stage local`, offline):
 * the generated alarms with both ELB dimensions, the EventBridge rule, the SNS intake, the role.
 */
import { packagedTemplate, roleStatements } from '../../helpers/packaged-template';

type Resource = { Type: string; Properties: Record<string, unknown> };
let resources: Record<string, Resource>;

beforeAll(() => {
  // Packaged once per test run and shared with the contract test (test/helpers/packaged-template.ts).
  resources = packagedTemplate('local').Resources as Record<string, Resource>;
}, 600_000);

it('contains the ALB alarms of the web service with both TargetGroup and LoadBalancer dimensions', () => {
  for (const id of ['HealthAlarmAlbUnhealthyWeb', 'HealthAlarmAlbNoHealthyWeb']) {
    expect(resources[id]!.Properties.Dimensions).toEqual([
      { Name: 'TargetGroup', Value: 'targetgroup/django-web/6d0ecf831eec9f09' },
      { Name: 'LoadBalancer', Value: 'app/django-alb/50dc6c495c0c9188' },
    ]);
  }
  expect(resources.HealthAlarmAlbNoHealthyWeb!.Properties).toMatchObject({
    AlarmName: 'ops-sentinel-local-alb-no-healthy-web',
    TreatMissingData: 'breaching',
  });
  expect(resources.HealthAlarmThrashWorker!.Properties.AlarmName).toBe('ops-sentinel-local-thrash-worker');
  expect(resources.HealthAlarmAlbUnhealthyWorker).toBeUndefined();
});

it('routes this stage’s alarm state changes to healthAlarm, with a dead-letter queue', () => {
  const rule = Object.values(resources).find(
    (r) =>
      r.Type === 'AWS::Events::Rule' &&
      JSON.stringify(r.Properties.Targets).includes('HealthAlarmLambdaFunction'),
  )!;
  expect(rule.Properties.EventPattern).toEqual({
    source: ['aws.cloudwatch'],
    'detail-type': ['CloudWatch Alarm State Change'],
    detail: { alarmName: [{ prefix: 'ops-sentinel-local-' }] },
  });
});

it('subscribes healthAlarm to the alarm intake topic that CloudWatch may publish to', () => {
  const subscription = Object.values(resources).find(
    (r) =>
      r.Type === 'AWS::SNS::Subscription' && JSON.stringify(r.Properties).includes('HealthAlarmIntakeTopic'),
  );
  expect(subscription!.Properties).toMatchObject({
    Protocol: 'lambda',
    TopicArn: { Ref: 'HealthAlarmIntakeTopic' },
  });
  expect(JSON.stringify(resources.HealthAlarmIntakeTopicPolicy!.Properties)).toContain(
    'cloudwatch.amazonaws.com',
  );
});

it('gives the role read access scoped to the cluster and publish on the notification topic only', () => {
  const statements = roleStatements({ Resources: resources }, 'HealthAlarmRole');
  const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
  expect(bySid.TargetHealth).toMatchObject({
    Action: 'elasticloadbalancing:DescribeTargetHealth',
    Resource: '*',
  });
  expect(bySid.ListClusterTasks).toMatchObject({
    Action: 'ecs:ListTasks',
    Condition: { ArnEquals: { 'ecs:cluster': expect.anything() } },
  });
  expect(JSON.stringify(bySid.DescribeClusterTasks!.Resource)).toContain(':task/django-app/*');
  expect(bySid.Notify).toMatchObject({ Action: 'sns:Publish', Resource: { Ref: 'NotificationTopic' } });
  const onStar = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
  expect(onStar.sort()).toEqual(['ecs:ListTasks', 'elasticloadbalancing:DescribeTargetHealth']);
});

it('passes services, health targets and the healthAlarm settings to the function', () => {
  const vars = (
    resources.HealthAlarmLambdaFunction!.Properties.Environment as { Variables: Record<string, string> }
  ).Variables;
  expect(JSON.parse(vars.SERVICES!)).toContainEqual(
    expect.objectContaining({ name: 'web', targetGroupArn: expect.stringContaining('targetgroup/') }),
  );
  expect(JSON.parse(vars.HEALTH_TARGETS!)).toContainEqual(expect.objectContaining({ name: 'local-app' }));
  expect(vars).toMatchObject({ INSUFFICIENT_DATA: 'skip', ENRICHMENT_TIMEOUT_MS: '1500', DRY_RUN: 'true' });
});

it('contains the deep-healthcheck alarms of the local target: down, degraded; no certificate alarm for http://', () => {
  const alarms = Object.values(resources)
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .map((r) => r.Properties)
    .filter((p) => JSON.stringify(p.Dimensions).includes('"local-app"'));

  expect(alarms.map((p) => [p.AlarmName, p.MetricName])).toEqual([
    ['ops-sentinel-local-health-local-app', 'TargetHealthy'],
    ['ops-sentinel-local-degraded-local-app', 'TargetDegraded'],
  ]);
});
