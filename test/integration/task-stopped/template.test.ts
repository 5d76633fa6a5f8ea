/**
 * taskStopped's part of the packaged CloudFormation (`serverless package --stage prod`, offline):
 * the EventBridge rule and its DLQ, the recovery schedule, the incident table, the role's scope.
 */
import { packagedTemplate } from '../../helpers/packaged-template';

type Resource = { Type: string; Properties: Record<string, unknown> };
let resources: Record<string, Resource>;

beforeAll(() => {
  // Packaged once per test run and shared with the contract test (test/helpers/packaged-template.ts).
  resources = packagedTemplate('prod').Resources as Record<string, Resource>;
}, 600_000);

const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
const targetsTaskStopped = (rule: Resource) =>
  JSON.stringify(rule.Properties.Targets).includes('"TaskStoppedLambdaFunction"');

describe('taskStopped in the prod template', () => {
  it('is triggered by stopped and running tasks and completed deployments of the monitored cluster only, each with a DLQ and a retry policy', () => {
    const rules = ofType('AWS::Events::Rule').filter(
      (r) => targetsTaskStopped(r) && r.Properties.EventPattern,
    );

    // RUNNING and SERVICE_DEPLOYMENT_COMPLETED are the recovery evidence; the cluster filter of the
    // deployment events is a prefix of the service ARN (resources[0]).
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-prefix-matching
    expect(rules.map((r) => r.Properties.EventPattern)).toEqual([
      {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: {
          lastStatus: ['STOPPED', 'RUNNING'],
          clusterArn: [
            { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:cluster/django-app' },
          ],
        },
      },
      {
        source: ['aws.ecs'],
        'detail-type': ['ECS Deployment State Change'],
        resources: [
          {
            prefix: {
              'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/django-app/',
            },
          },
        ],
        detail: { eventName: ['SERVICE_DEPLOYMENT_COMPLETED'] },
      },
    ]);
    for (const rule of rules) {
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
        }),
      ]);
    }
  });

  it('sweeps incidents for recovery every 5 minutes', () => {
    const schedules = ofType('AWS::Events::Rule').filter(
      (r) => targetsTaskStopped(r) && r.Properties.ScheduleExpression,
    );

    expect(schedules.map((r) => r.Properties.ScheduleExpression)).toEqual(['rate(5 minutes)']);
  });

  it('keeps incidents in an on-demand DynamoDB table with TTL', () => {
    expect(resources.TaskStoppedIncidents!.Properties).toEqual({
      TableName: 'ops-sentinel-prod-task-stopped-incidents',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('gives the function the table, the stage params and the dead-letter destination', () => {
    const fn = resources.TaskStoppedLambdaFunction!.Properties;
    const config = resources.TaskStoppedLambdaEvConf!.Properties;

    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      STATE_TABLE_NAME: { Ref: 'TaskStoppedIncidents' },
      NOTIFY_TOPIC_ARN: { Ref: 'NotificationTopic' },
      NOTIFY_ROUTINE: 'false',
      ESCALATE_AFTER: '3',
      RECOVERY_QUIET_MINUTES: '15',
      DRY_RUN: 'false',
      SERVICES: expect.stringContaining('"name":"web"'),
    });
    expect(fn.Role).toEqual({ 'Fn::GetAtt': ['TaskStoppedRole', 'Arn'] });
    expect(config.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
    });
  });

  it('limits the role to its log group, the DLQ, the topic and the incident table', () => {
    const policies = resources.TaskStoppedRole!.Properties.Policies as Array<{
      PolicyDocument: { Statement: Array<{ Sid: string; Action: string | string[]; Resource: unknown }> };
    }>;
    const statements = policies.flatMap((p) => p.PolicyDocument.Statement);

    expect(statements.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      [
        'WriteOwnLogs',
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        [
          {
            'Fn::Sub':
              'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/ops-sentinel-prod-taskStopped:*',
          },
        ],
      ],
      ['DeadLetter', 'sqs:SendMessage', { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }],
      ['Notify', 'sns:Publish', { Ref: 'NotificationTopic' }],
      [
        'IncidentState',
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Scan'],
        { 'Fn::GetAtt': ['TaskStoppedIncidents', 'Arn'] },
      ],
    ]);
  });
});
