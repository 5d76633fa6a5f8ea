/**
 * The handler against a real SNS/SQS API (the fauxqs emulator, reached through AWS_ENDPOINT_URL
 * only): a crash loop of 20 tasks, a task that stays RUNNING, then the recovery sweep, arrives at an SQS subscriber of the
 * topic as exactly three Amazon Q Developer custom notifications in one thread. The incident
 * store is the in-memory one (no DynamoDB emulator here; the DynamoDB adapter is unit-tested).
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { lambdaContext } from '../../../local/lambda-context';
import { startFauxqs, type Fauxqs } from '../../../local/queue-drift/fauxqs';
import { sampleEvent, withTask } from '../../helpers/task-stopped/events';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form JSON read back from SQS
type Any = any;
type Handler = (event: unknown, context: Context) => Promise<unknown>;
const context = lambdaContext({ functionName: 'ops-sentinel-dev-taskStopped' });
const T0 = Date.parse('2026-11-20T10:16:00Z');

let fauxqs: Fauxqs;
let queueUrl: string;
let topicArn: string;
let sqs: SQSClient;
const saved = { ...process.env };

beforeAll(async () => {
  fauxqs = await startFauxqs();
  process.env.AWS_ENDPOINT_URL = fauxqs.endpoint;
  const config = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const sns = new SNSClient(config);
  sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: false });
  topicArn = (await sns.send(new CreateTopicCommand({ Name: `task-stopped-${fauxqs.port}` }))).TopicArn!;
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `task-stopped-chat-${fauxqs.port}` })))
    .QueueUrl!;
  const queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes!.QueueArn!;
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
}, 60_000);

afterAll(async () => {
  process.env = saved;
  sqs?.destroy();
  await fauxqs?.stop();
});

function loadHandler(): Handler {
  Object.assign(process.env, {
    STAGE: 'dev',
    NOTIFY_TOPIC_ARN: topicArn,
    DRY_RUN: 'false',
    SERVICES: JSON.stringify([{ name: 'web' }]),
    ESCALATE_AFTER: '5',
    RECOVERY_QUIET_MINUTES: '15',
  });
  delete process.env.STATE_TABLE_NAME;
  delete process.env.DASHBOARD_URL;
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh registry needs require()
    handler = (require('../../../functions/task-stopped/handler') as { handler: Handler }).handler;
  });
  return handler!;
}

/**
 * What AWS SNS delivers to an SQS subscriber of a `MessageStructure: 'json'` publish: the `sqs`
 * entry, else `default`. fauxqs 1.9 delivers the whole structure, so the selection is done here.
 */
function forSqs(body: Record<string, Any>): Record<string, Any> {
  const chosen = body.sqs ?? body.default;
  return typeof chosen === 'string' ? (JSON.parse(chosen) as Record<string, Any>) : body;
}

/** Receives until `expected` messages arrived, then once more so that an extra one shows. */
async function drain(expected: number): Promise<Array<Record<string, Any>>> {
  const bodies: Array<Record<string, Any>> = [];
  const receive = async () => {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    bodies.push(...(out.Messages ?? []).map((m) => forSqs(JSON.parse(m.Body!) as Record<string, Any>)));
  };
  for (let i = 0; i < 20 && bodies.length < expected; i++) await receive();
  await receive();
  return bodies;
}

it('delivers a 20-task crash loop and its recovery as three chat notifications in one thread', async () => {
  let clock = T0;
  const now = jest.spyOn(Date, 'now').mockImplementation(() => clock);
  const handler = loadHandler();

  try {
    for (let i = 0; i < 20; i++) {
      await handler(withTask(sampleEvent(i % 4 ? 'elb-health-check' : 'out-of-memory'), `fx${i}`), context);
      clock += 20_000;
    }
    // The fix: a task starts (task-running.json, startedAt 10:30:05) and stays up 16 minutes.
    clock = Date.parse('2026-11-20T10:30:05Z');
    await handler(sampleEvent('task-running'), context);
    clock += 16 * 60_000;
    await handler(sampleEvent('recovery-sweep'), context);
  } finally {
    now.mockRestore();
  }

  const messages = await drain(3);
  expect(messages.map((m) => [m.source, m.content.title, m.metadata.threadId])).toEqual([
    [
      'custom',
      ':red_circle: web: task killed for running out of memory (django)',
      'ops-sentinel/dev/django-app/web',
    ],
    ['custom', ':red_circle: web: crash loop, 5 tasks stopped in 1 min', 'ops-sentinel/dev/django-app/web'],
    [
      'custom',
      ':white_check_mark: web: recovered, a task stayed up 16 min',
      'ops-sentinel/dev/django-app/web',
    ],
  ]);
  expect(messages[2]!.content.description).toContain('*Failed tasks:* 20');
  expect(messages[2]!.content.description).toContain('*Pattern:* elb-health-check ×15, out-of-memory ×5');
});
