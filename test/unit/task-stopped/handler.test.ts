import type { Context } from 'aws-lambda';
// Imported outside the isolated registry: the jest matchers recognise only this module's mocks.
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaContext } from '../../../local/lambda-context';
import { deploymentEvent, runningTask, sampleEvent, withTask } from '../../helpers/task-stopped/events';
import { statefulTable } from '../../helpers/task-stopped/fake-dynamodb';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-sentinel-prod-notifications';
const TABLE = 'ops-sentinel-prod-task-stopped-incidents';
const T0 = Date.parse('2026-11-20T10:16:00Z');
const ENV = {
  STAGE: 'prod',
  NOTIFY_TOPIC_ARN: TOPIC,
  STATE_TABLE_NAME: TABLE,
  DRY_RUN: 'false',
  SERVICES: JSON.stringify([
    { name: 'web', targetGroupArn: '', deployment: { mode: 'notify' } },
    { name: 'worker' },
  ]),
  NOTIFY_ROUTINE: 'false',
  ESCALATE_AFTER: '3',
  RECOVERY_QUIET_MINUTES: '15',
};

const context = lambdaContext({ functionName: 'ops-sentinel-prod-taskStopped' });
let clock = T0;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
type Sns = typeof import('@aws-sdk/client-sns');
type Ddb = typeof import('@aws-sdk/client-dynamodb');

/**
 * Loads handler.ts afresh with `env` (its config is read at cold start), with the SNS and
 * DynamoDB clients of that fresh module registry mocked; DynamoDB keeps state in a Map.
 */
function loadHandler(env: Record<string, string> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, ENV, env);
  try {
    let loaded: ReturnType<typeof load> | undefined;
    /* eslint-disable @typescript-eslint/no-require-imports -- a fresh registry needs require() */
    const load = () => {
      const sdk = {
        sns: require('@aws-sdk/client-sns') as Sns,
        ddb: require('@aws-sdk/client-dynamodb') as Ddb,
      };
      const sns = mockClient(sdk.sns.SNSClient);
      sns.on(sdk.sns.PublishCommand).resolves({ MessageId: 'msg-1' });
      const ddb = mockClient(sdk.ddb.DynamoDBClient);
      const table = statefulTable(ddb, sdk.ddb);
      const { handler } = require('../../../functions/task-stopped/handler') as { handler: Handler };
      return { handler, sdk, sns, ddb, table, published: () => published(sns, sdk.sns) };
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
    jest.isolateModules(() => {
      loaded = load();
    });
    return loaded!;
  } finally {
    process.env = saved;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function published(sns: ReturnType<typeof mockClient<any, any, any>>, sdk: Sns) {
  return sns.commandCalls(sdk.PublishCommand).map((c) => {
    const input = c.args[0].input;
    const message = JSON.parse(input.Message!) as { default: string; email: string };
    return { ...input, chat: JSON.parse(message.default), email: message.email };
  });
}

beforeEach(() => {
  clock = T0;
  jest.spyOn(Date, 'now').mockImplementation(() => clock);
});

afterEach(() => jest.restoreAllMocks());

describe('taskStopped handler', () => {
  it('publishes the out-of-memory explanation with facts, next steps, links and ARNs', async () => {
    const t = loadHandler();

    await t.handler(sampleEvent('out-of-memory'), context);

    expect(t.sns).toHaveReceivedCommandTimes(t.sdk.sns.PublishCommand, 1);
    const [message] = t.published();
    expect(message!.TopicArn).toBe(TOPIC);
    expect(message!.MessageStructure).toBe('json');
    expect(message!.Subject).toBe('[CRITICAL] prod web: task killed for running out of memory (django)');
    expect(message!.email).toBe(EXPECTED_OOM_EMAIL);
    expect(message!.chat.metadata).toEqual({
      threadId: 'ops-sentinel/prod/django-app/web',
      summary: expect.stringContaining('The `django` container used more than its memory limit of 512 MiB'),
      eventType: 'TaskStopped',
      relatedResources: [
        'arn:aws:ecs:us-east-1:123456789012:task/django-app/2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7',
        'arn:aws:ecs:us-east-1:123456789012:service/django-app/web',
        'arn:aws:ecs:us-east-1:123456789012:cluster/django-app',
        'arn:aws:ecs:us-east-1:123456789012:task-definition/django-web:42',
      ],
      additionalContext: { severity: 'critical', stage: 'prod' },
    });
    expect(message!.chat.content.keywords).toEqual(['ecs', 'out-of-memory', 'prod']);
  });

  it('publishes an ELB health-check kill to chat with the target group, links and ARNs', async () => {
    const t = loadHandler();

    await t.handler(sampleEvent('elb-health-check'), context);

    const [message] = t.published();
    const consoleUrl = 'https://us-east-1.console.aws.amazon.com';
    const task = `${consoleUrl}/ecs/v2/clusters/django-app/tasks/0f3c2b1a9e8d4c7b8a6f5e4d3c2b1a09`;
    const service = `${consoleUrl}/ecs/v2/clusters/django-app/services/web`;
    expect(message!.Subject).toBe('[CRITICAL] prod web: task killed by ELB health checks (django-web-tg)');
    expect(message!.chat).toEqual({
      version: '1.0',
      source: 'custom',
      content: {
        textType: 'client-markdown',
        title: ':red_circle: web: task killed by ELB health checks (django-web-tg)',
        description: [
          ELB_EXPLANATION,
          '',
          [
            '*Service:* web',
            '*Cluster:* django-app',
            '*Task definition:* django-web:42',
            '*Deployment:* ecs-svc/4837192837465012345',
            '*Category:* elb-health-check',
            '*Target group:* django-web-tg',
            '*Stop code:* ServiceSchedulerInitiated',
            '*Task:* 0f3c2b1a9e8d4c7b8a6f5e4d3c2b1a09',
            '*Stopped at:* 2026-11-20T10:15:42.120Z',
          ].join('\n'),
          '',
          `Reason reported by ECS: Task failed ELB health checks in (target-group ${TG})`,
          '',
          [
            `<${task}/logs?region=us-east-1|Task logs>`,
            `<${task}/configuration?region=us-east-1|Task>`,
            `<${service}/health?region=us-east-1|Service>`,
            `<${service}/deployments?region=us-east-1|Deployments>`,
            `<${consoleUrl}/ec2/home?region=us-east-1#TargetGroup:targetGroupArn=${TG}|Target group>`,
          ].join(' · '),
        ].join('\n'),
        nextSteps: [
          'Open the task logs around the stop time: look for 400 DisallowedHost, 500s or timeouts on the health check path.',
          "Compare the target group's health check path, port and success codes with what the app serves; allow the task IP in ALLOWED_HOSTS or answer health checks before host validation.",
          "If the app needs time to start, raise the service's healthCheckGracePeriodSeconds or the target group's thresholds.",
        ],
        keywords: ['ecs', 'elb-health-check', 'prod'],
      },
      metadata: {
        summary: ELB_EXPLANATION,
        eventType: 'TaskStopped',
        threadId: 'ops-sentinel/prod/django-app/web',
        relatedResources: [
          'arn:aws:ecs:us-east-1:123456789012:task/django-app/0f3c2b1a9e8d4c7b8a6f5e4d3c2b1a09',
          'arn:aws:ecs:us-east-1:123456789012:service/django-app/web',
          'arn:aws:ecs:us-east-1:123456789012:cluster/django-app',
          'arn:aws:ecs:us-east-1:123456789012:task-definition/django-web:42',
          TG,
        ],
        additionalContext: { severity: 'critical', stage: 'prod' },
      },
    });
  });

  it('publishes a secrets failure of a task that never started (no containers) with the secret and permission', async () => {
    const t = loadHandler();

    await t.handler(sampleEvent('secrets-init'), context);

    const [message] = t.published();
    expect(message!.Subject).toBe(
      '[CRITICAL] prod web: task could not initialise its resources (secrets, registry auth or logging)',
    );
    expect(message!.email).toContain('Secret          : django/db-credentials\n');
    expect(message!.email).toContain('Deployment      : ecs-svc/6049314059687234567');
    expect(message!.email).toContain(
      'Secret: https://us-east-1.console.aws.amazon.com/secretsmanager/secret?name=django%2Fdb-credentials&region=us-east-1',
    );
    expect(message!.chat.content.nextSteps[1]).toBe(
      'Grant GetSecretValue (secretsmanager) to the task *execution* role (not the task role), plus kms:Decrypt if the secret uses a customer-managed key.',
    );
  });

  it.each(['deployment-replacement', 'scale-in', 'user-stop'])(
    'publishes nothing for a routine %s',
    async (name) => {
      const t = loadHandler();

      const result = await t.handler(sampleEvent(name), context);

      expect(result).toMatchObject({ action: 'suppressed-routine', routine: true });
      expect(t.sns).not.toHaveReceivedCommand(t.sdk.sns.PublishCommand);
      expect(t.ddb).not.toHaveReceivedCommand(t.sdk.ddb.PutItemCommand);
    },
  );

  it('publishes routine stops as INFO when NOTIFY_ROUTINE is true', async () => {
    const t = loadHandler({ NOTIFY_ROUTINE: 'true' });

    await t.handler(sampleEvent('scale-in'), context);

    expect(t.published().map((m) => m.Subject)).toEqual(['[INFO] prod worker: task stopped by a scale-in']);
  });

  it('groups a crash loop into first, escalation and recovery in one thread', async () => {
    const t = loadHandler();

    for (let i = 0; i < 50; i++) {
      await t.handler(
        withTask(sampleEvent(i % 2 ? 'elb-health-check' : 'out-of-memory'), `loop${i}`),
        context,
      );
      clock += 12_000;
    }
    const afterLoop = t.published().length;
    await t.handler(runningTask(sampleEvent('elb-health-check'), 'fixed', clock), context);
    clock += 14 * 60_000;
    await t.handler({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }, context);
    const beforeQuiet = t.published().length;
    clock += 60_000;
    await t.handler({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }, context);

    const messages = t.published();
    expect(afterLoop).toBe(2);
    expect(beforeQuiet).toBe(2);
    expect(messages.map((m) => m.Subject)).toEqual([
      '[CRITICAL] prod web: task killed for running out of memory (django)',
      '[CRITICAL] prod web: crash loop, 3 tasks stopped in less than a minute',
      '[RESOLVED] prod web: recovered, a task stayed up 15 min',
    ]);
    expect(messages.map((m) => m.chat.metadata.threadId)).toEqual(
      Array(3).fill('ops-sentinel/prod/django-app/web'),
    );
    expect(messages[2]!.email).toContain('Failed tasks     : 50');
    expect(messages[2]!.email).toContain('Pattern          : elb-health-check ×25, out-of-memory ×25');
    expect(t.table.size).toBe(0);
  });

  it('rejects an event that is not an ECS task state change with a specific error', async () => {
    const t = loadHandler();

    await expect(
      t.handler({ 'detail-type': 'ECS Task State Change', detail: { taskArn: 'x' } }, context),
    ).rejects.toMatchObject({
      name: 'InvalidEventError',
      message:
        'taskStopped expects an "ECS Task State Change", "ECS Deployment State Change" or "Scheduled Event" EventBridge event (got detail-type "ECS Task State Change"): detail.taskArn: Invalid string: must start with "arn:"; detail.clusterArn: Invalid input: expected string, received undefined',
    });
  });

  it('fails the invocation (so Lambda retries) when SNS is down, keeping no claim in the table', async () => {
    const t = loadHandler();
    t.sns
      .on(t.sdk.sns.PublishCommand)
      .rejects(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }));

    await expect(t.handler(sampleEvent('essential-exit'), context)).rejects.toMatchObject({
      name: 'RetryableError',
    });
    expect(t.table.size).toBe(0);
  });

  it('counts TasksStopped once for a stop whose invocation fails twice before it succeeds', async () => {
    // Lambda retries a failed asynchronous invocation twice, and the logMetrics middleware flushes
    // the buffered metrics even when the handler throws: one task must still be one data point.
    // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((text: unknown) => void lines.push(String(text)));
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const t = loadHandler({ POWERTOOLS_METRICS_DISABLED: 'false' });
    // emitMetrics reads the Powertools settings when it writes a line, so metrics stay enabled
    // for the invocations too (in Lambda the environment never changes between the two).
    const savedDisabled = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    try {
      t.sns
        .on(t.sdk.sns.PublishCommand)
        .rejectsOnce(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }))
        .rejectsOnce(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }))
        .resolves({ MessageId: 'msg-1' });

      for (let attempt = 0; attempt < 2; attempt++)
        await expect(t.handler(sampleEvent('essential-exit'), context)).rejects.toThrow();
      await t.handler(sampleEvent('essential-exit'), context);
      await t.handler(sampleEvent('essential-exit'), context); // EventBridge delivered it twice

      const tasksStopped = lines
        .filter((l) => l.includes('"_aws"'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((emf) => 'TasksStopped' in emf);
      expect(tasksStopped).toHaveLength(1);
      expect(tasksStopped[0]).toMatchObject({
        TasksStopped: 1,
        Service: 'worker',
        Category: 'essential-exit',
      });
    } finally {
      if (savedDisabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = savedDisabled;
    }
  });

  it('records a RUNNING task of a service with an incident, and closes it on a completed deployment', async () => {
    const t = loadHandler();
    await t.handler(sampleEvent('elb-health-check'), context);
    clock += 60_000;

    const running = await t.handler(runningTask(sampleEvent('elb-health-check'), 'up', clock), context);
    clock += 60_000;
    const completed = await t.handler(deploymentEvent('web', clock), context);

    expect(running).toMatchObject({ action: 'recorded-running', service: 'web' });
    expect(t.ddb.commandCalls(t.sdk.ddb.PutItemCommand)[1]!.args[0].input).toMatchObject({
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: { ':expected': { N: '1' } },
      Item: { runningAt: { N: String(clock - 60_000) }, version: { N: '2' } },
    });
    expect(completed).toMatchObject({ action: 'recovered', service: 'web', sent: [{ kind: 'recovery' }] });
    expect(t.ddb).toHaveReceivedCommandWith(t.sdk.ddb.DeleteItemCommand, {
      TableName: TABLE,
      Key: { pk: { S: 'django-app/web' } },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: { ':expected': { N: '2' } },
    });
    expect(t.published().map((m) => m.Subject)).toEqual([
      '[CRITICAL] prod web: task killed by ELB health checks (django-web-tg)',
      '[RESOLVED] prod web: recovered, deployment completed',
    ]);
  });

  it('names the bad variable when SERVICES is not valid JSON', () => {
    expect(() => loadHandler({ SERVICES: '[web' })).toThrow('SERVICES is invalid: not valid JSON');
  });

  it('prints instead of publishing in dry-run, and says which call it would have made', async () => {
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((text: unknown) => void lines.push(String(text)));
    const t = loadHandler({ DRY_RUN: 'true' });

    const result = await t.handler(sampleEvent('image-pull'), context);

    expect(result).toMatchObject({ action: 'notified-first', sent: [{ kind: 'first', channel: 'console' }] });
    expect(t.sns).not.toHaveReceivedCommand(t.sdk.sns.PublishCommand);
    expect(t.ddb.calls()).toHaveLength(0);
    expect(lines.join('\n')).toContain(
      'Subject: [CRITICAL] prod web: task could not pull its container image',
    );
  });
});

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/django-web-tg/6d0ecf831eec9f09';
const ELB_EXPLANATION =
  "The load balancer target group django-web-tg marked the task unhealthy and ECS replaced it. The app did not answer the health check path with a success code in time: slow start (migrations, warm-up), a wrong path or port, or Django answering 400 because the health checker's Host header (the task's private IP) is not in ALLOWED_HOSTS.";

const EXPECTED_OOM_EMAIL = [
  'web: task killed for running out of memory (django)',
  '',
  'The `django` container used more than its memory limit of 512 MiB and the kernel killed it (exit 137). With Django this is usually too many gunicorn workers for the memory, a leak that grows per request, or one request loading a huge queryset.',
  '',
  'Service         : web',
  'Cluster         : django-app',
  'Task definition : django-web:42',
  'Deployment      : ecs-svc/4837192837465012345',
  'Category        : out-of-memory',
  'Container       : django',
  'Exit code       : 137 (killed (SIGKILL) — out of memory, or it did not stop within the stop timeout after SIGTERM)',
  'Memory limit    : 512 MiB',
  'Stop code       : EssentialContainerExited',
  'Task            : 2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7',
  'Stopped at      : 2026-11-20T10:15:42.120Z',
  '',
  'Reason reported by ECS: Essential container in task exited | django: OutOfMemoryError: Container killed due to memory usage',
  '',
  'Next steps:',
  '  1. Look at the MemoryUtilization of the service just before the kill (CloudWatch / Container Insights).',
  '  2. Raise the memory above 512 MiB in the task definition, or lower the gunicorn worker count (--workers) / Celery concurrency.',
  '  3. Bound worker lifetime (gunicorn --max-requests, Celery --max-tasks-per-child) and look for querysets loaded whole instead of iterated.',
  '',
  'Links:',
  '  Task logs: https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/django-app/tasks/2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7/logs?region=us-east-1',
  '  Task: https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/django-app/tasks/2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7/configuration?region=us-east-1',
  '  Service: https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/django-app/services/web/health?region=us-east-1',
  '  Deployments: https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/django-app/services/web/deployments?region=us-east-1',
  '',
  'Resources:',
  '  arn:aws:ecs:us-east-1:123456789012:task/django-app/2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7',
  '  arn:aws:ecs:us-east-1:123456789012:service/django-app/web',
  '  arn:aws:ecs:us-east-1:123456789012:cluster/django-app',
  '  arn:aws:ecs:us-east-1:123456789012:task-definition/django-web:42',
  '',
  '-- ops-sentinel (prod) · TaskStopped',
].join('\n');
