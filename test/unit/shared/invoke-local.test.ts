import { localEnvironment, type DeployedStack } from '../../../resources/lib/invoke-local';

// The environment of a stage that keeps the defaults (serverless.yml params.default).
const env = {
  STAGE: 'dev',
  NOTIFY_TOPIC_ARN: { Ref: 'NotificationTopic' },
  DASHBOARD_URL: {
    'Fn::Sub':
      'https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=${AWS::Region}#dashboards/dashboard/ops-sentinel-dev',
  },
  EPISODE_TABLE: { Ref: 'QueueDriftEpisodes' },
  DRY_RUN: 'false',
};

describe('invoke local environment', () => {
  it('not deployed: every intrinsic becomes empty (console notifier, no dashboard link, in-memory store)', () => {
    expect(localEnvironment(env, { region: 'eu-west-1' })).toEqual({
      environment: {
        STAGE: 'dev',
        NOTIFY_TOPIC_ARN: '',
        DASHBOARD_URL: '',
        EPISODE_TABLE: '',
        DRY_RUN: 'false',
      },
      emptied: ['NOTIFY_TOPIC_ARN', 'DASHBOARD_URL', 'EPISODE_TABLE'],
    });
  });

  const stack: DeployedStack = {
    stackName: 'ops-sentinel-dev',
    accountId: '123456789012',
    resources: {
      NotificationTopic: 'arn:aws:sns:eu-west-1:123456789012:ops-sentinel-dev-notifications',
      QueueDriftEpisodes: 'ops-sentinel-dev-queue-drift-episodes',
    },
  };

  it("deployed: Ref is the resource's physical ID, Fn::Sub is substituted with --region", () => {
    expect(localEnvironment(env, { region: 'eu-west-1', stack })).toEqual({
      environment: {
        STAGE: 'dev',
        NOTIFY_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:ops-sentinel-dev-notifications',
        DASHBOARD_URL:
          'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/ops-sentinel-dev',
        EPISODE_TABLE: 'ops-sentinel-dev-queue-drift-episodes',
        DRY_RUN: 'false',
      },
      emptied: [],
    });
  });

  it('deployed: substitutes pseudo parameters, resources and the variables of the list form', () => {
    const out = localEnvironment(
      {
        A: { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Name}' },
        B: { 'Fn::Sub': ['${Topic}/${Extra}', { Extra: 'x' }] },
      },
      { region: 'cn-north-1', stack: { ...stack, resources: { ...stack.resources, Topic: 't' } } },
    );
    expect(out.environment).toEqual({ A: '', B: 't/x' });
    expect(out.emptied).toEqual(['A']);
  });

  it('deployed: a resource the stack does not have becomes empty and is named', () => {
    const out = localEnvironment(
      { STATE_TABLE_NAME: { Ref: 'TaskStoppedIncidents' } },
      { region: 'us-east-1', stack },
    );
    expect(out).toEqual({ environment: { STATE_TABLE_NAME: '' }, emptied: ['STATE_TABLE_NAME'] });
  });

  it('leaves other objects alone (osls resolves Fn::ImportValue itself)', () => {
    const value = { 'Fn::ImportValue': 'shared-topic' };
    expect(localEnvironment({ X: value }, { region: 'us-east-1' }).environment.X).toBe(value);
  });
});
