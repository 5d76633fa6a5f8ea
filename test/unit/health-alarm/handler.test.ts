import type { Context } from 'aws-lambda';
// Imported outside the isolated registry: the jest matchers recognise only this module's mocks.
import { mockClient } from 'aws-sdk-client-mock';
import { LB_ARN, sampleEvent, TG_ARN } from '../../helpers/health-alarm/fakes';
import { lambdaContext } from '../../../local/lambda-context';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-sentinel-local-notifications';

const context = lambdaContext({ functionName: 'ops-sentinel-local-healthAlarm', remainingTimeMs: 30_000 });

type Handler = (event: unknown, context: Context) => Promise<{ outcomes: Array<Record<string, unknown>> }>;
type Sdk = typeof import('@aws-sdk/client-sns') &
  typeof import('@aws-sdk/client-ecs') &
  typeof import('@aws-sdk/client-cloudwatch') &
  typeof import('@aws-sdk/client-elastic-load-balancing-v2');

/**
 * Loads handler.ts afresh with `env` (its config is read at cold start). The SDK modules of that
 * fresh module registry are mocked, and returned so assertions use the same command classes.
 */
function loadHandler(env: Record<string, string> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, {
    STAGE: 'local',
    CLUSTER_NAME: 'django-app',
    NOTIFY_TOPIC_ARN: TOPIC,
    DRY_RUN: 'false',
    SERVICES: JSON.stringify([{ name: 'web', targetGroupArn: TG_ARN, loadBalancerArn: LB_ARN }]),
    HEALTH_TARGETS: '[]',
    ENRICHMENT_TIMEOUT_MS: '500',
    ...env,
  });
  let loaded: { handler: Handler; sdk: Sdk; mocks: ReturnType<typeof mocksFor> } | undefined;
  try {
    jest.isolateModules(() => {
      const sdk = {
        ...jest.requireActual('@aws-sdk/client-sns'),
        ...jest.requireActual('@aws-sdk/client-ecs'),
        ...jest.requireActual('@aws-sdk/client-cloudwatch'),
        ...jest.requireActual('@aws-sdk/client-elastic-load-balancing-v2'),
      } as Sdk;
      const mocks = mocksFor(sdk);
      const { handler } = jest.requireActual('../../../functions/health-alarm/handler') as {
        handler: Handler;
      };
      loaded = { handler, sdk, mocks };
    });
  } finally {
    process.env = saved;
  }
  return loaded!;
}

function mocksFor(sdk: Sdk) {
  const mocks = {
    sns: mockClient(sdk.SNSClient),
    elb: mockClient(sdk.ElasticLoadBalancingV2Client),
    ecs: mockClient(sdk.ECSClient),
    cw: mockClient(sdk.CloudWatchClient),
  };
  mocks.sns.on(sdk.PublishCommand).resolves({ MessageId: 'm-1' });
  return mocks;
}

function publishedMessage(l: ReturnType<typeof loadHandler>) {
  const input = l.mocks.sns.commandCalls(l.sdk.PublishCommand)[0]!.args[0].input;
  const message = JSON.parse(input.Message!) as { default: string; email: string };
  const chat = JSON.parse(message.default) as { metadata: { threadId: string; eventType: string } };
  return { subject: input.Subject!, chat, email: message.email };
}

it('EventBridge ALB alarm: asks the load balancer and ECS, then publishes one enriched message', async () => {
  const l = loadHandler();
  const { elb, ecs, sns } = l.mocks;
  elb.on(l.sdk.DescribeTargetHealthCommand).resolves({
    TargetHealthDescriptions: [
      {
        Target: { Id: '10.0.1.23', Port: 8000 },
        TargetHealth: { State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out' },
      },
    ],
  });
  ecs.on(l.sdk.ListTasksCommand).resolves({ taskArns: [] });

  const result = await l.handler(sampleEvent('eb-alb-unhealthy-alarm'), context);

  expect(elb).toHaveReceivedCommandWith(l.sdk.DescribeTargetHealthCommand, { TargetGroupArn: TG_ARN });
  expect(ecs).toHaveReceivedCommandWith(l.sdk.ListTasksCommand, {
    cluster: 'django-app',
    serviceName: 'web',
    desiredStatus: 'STOPPED',
  });
  expect(ecs).toHaveReceivedCommandWith(l.sdk.ListTasksCommand, {
    cluster: 'django-app',
    serviceName: 'web',
    desiredStatus: 'RUNNING',
  });
  expect(ecs).toHaveReceivedCommandTimes(l.sdk.DescribeTasksCommand, 0);
  expect(sns).toHaveReceivedCommandTimes(l.sdk.PublishCommand, 1);
  expect(sns).toHaveReceivedCommandWith(l.sdk.PublishCommand, { TopicArn: TOPIC, MessageStructure: 'json' });
  const { subject, chat, email } = publishedMessage(l);
  expect(subject).toBe('[WARNING] local web: ALB targets unhealthy');
  expect(chat.metadata.threadId).toBe('ops-sentinel-alarm-ops-sentinel-local-alb-unhealthy-web');
  expect(email).toContain('10.0.1.23:8000 unhealthy: Target.Timeout — Request timed out');
  expect(result.outcomes).toEqual([expect.objectContaining({ action: 'incident', kind: 'alb-unhealthy' })]);
});

it('SNS resolve: reads the start from the alarm history and publishes in the same thread', async () => {
  const l = loadHandler();
  l.mocks.cw.on(l.sdk.DescribeAlarmHistoryCommand).resolves({
    AlarmHistoryItems: [
      {
        Timestamp: new Date('2026-11-24T02:50:12.345Z'),
        HistorySummary: 'Alarm updated from OK to ALARM',
        HistoryData: JSON.stringify({ newState: { stateValue: 'ALARM' } }),
      },
    ],
  });

  await l.handler(sampleEvent('sns-alb-unhealthy-ok'), context);

  expect(l.mocks.cw).toHaveReceivedCommandWith(l.sdk.DescribeAlarmHistoryCommand, {
    AlarmName: 'ops-sentinel-local-alb-unhealthy-web',
    HistoryItemType: 'StateUpdate',
  });
  expect(l.mocks.elb).toHaveReceivedCommandTimes(l.sdk.DescribeTargetHealthCommand, 0);
  const { subject, chat } = publishedMessage(l);
  expect(subject).toBe('[RESOLVED] local web: ALB targets unhealthy, resolved after 14 min');
  expect(chat.metadata.threadId).toBe('ops-sentinel-alarm-ops-sentinel-local-alb-unhealthy-web');
  expect(chat.metadata.eventType).toBe('HealthAlarmResolved');
});

it('publishes even when every enrichment call is denied', async () => {
  const l = loadHandler();
  const denied = Object.assign(new Error('not authorized'), {
    name: 'AccessDenied',
    $metadata: { httpStatusCode: 403 },
  });
  l.mocks.elb.on(l.sdk.DescribeTargetHealthCommand).rejects(denied);
  l.mocks.ecs
    .on(l.sdk.ListTasksCommand)
    .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

  const result = await l.handler(sampleEvent('sns-alb-no-healthy-alarm'), context);

  expect(result.outcomes[0]!.enrichment).toEqual({
    targetHealth: 'unavailable: AccessDenied: not authorized',
    stoppedTasks: 'unavailable: AccessDeniedException: not authorized',
  });
  expect(l.mocks.sns).toHaveReceivedCommandTimes(l.sdk.PublishCommand, 1);
  expect(publishedMessage(l).email).toContain('**Target health:** unavailable: AccessDenied: not authorized');
});

it('fails the invocation when SNS refuses the message, so Lambda retries it', async () => {
  const l = loadHandler();
  l.mocks.sns
    .on(l.sdk.PublishCommand)
    .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
  await expect(l.handler(sampleEvent('eb-other-alarm'), context)).rejects.toThrow(
    /sns:Publish .* failed: Throttling: Rate exceeded/,
  );
});

it('dry run: prints the message instead of publishing it', async () => {
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const l = loadHandler({ DRY_RUN: 'true' });
    l.mocks.elb.on(l.sdk.DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
    l.mocks.ecs.on(l.sdk.ListTasksCommand).resolves({ taskArns: [] });
    const result = await l.handler(sampleEvent('eb-alb-no-healthy-alarm'), context);
    expect(l.mocks.sns).toHaveReceivedCommandTimes(l.sdk.PublishCommand, 0);
    expect(result.outcomes[0]!.notified).toMatchObject({ channel: 'console' });
    expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toContain(
      'Subject: [CRITICAL] local web: no healthy ALB targets',
    );
  } finally {
    log.mockRestore();
  }
});

it('skips INSUFFICIENT_DATA by default without calling AWS', async () => {
  const l = loadHandler();
  const result = await l.handler(sampleEvent('eb-alb-no-healthy-insufficient-data'), context);
  expect(result.outcomes[0]).toMatchObject({ action: 'skipped' });
  expect(l.mocks.sns).toHaveReceivedCommandTimes(l.sdk.PublishCommand, 0);
  expect(l.mocks.elb).toHaveReceivedCommandTimes(l.sdk.DescribeTargetHealthCommand, 0);
});

it('rejects an event of another kind with a specific InvalidEventError', async () => {
  const l = loadHandler();
  const event = { 'detail-type': 'ECS Task State Change', source: 'aws.ecs', detail: {} };
  await expect(l.handler(event, context)).rejects.toMatchObject({
    name: 'InvalidEventError',
    message: expect.stringMatching(
      /^not a CloudWatch Alarm State Change event \(detail-type "ECS Task State Change"\)/,
    ),
  });
  expect(l.mocks.sns).toHaveReceivedCommandTimes(l.sdk.PublishCommand, 0);
});

it('fails at cold start naming a bad variable', () => {
  expect(() => loadHandler({ INSUFFICIENT_DATA: 'sometimes' })).toThrow(/INSUFFICIENT_DATA is invalid/);
});
