/**
 * The handler's run (core + the deployed adapters) against a real SQS API (the fauxqs emulator, started here): real queues with
 * drifted and correct VisibilityTimeouts, the SDK pointed at it through AWS_ENDPOINT_URL only.
 */
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import cloudtrail from '../../../events/queue-drift/cloudtrail-set-queue-attributes.json';
import scheduled from '../../../events/queue-drift/scheduled.json';
import type { DriftReport } from '../../../functions/queue-drift/core';
import { buildDeps } from '../../../functions/queue-drift/adapters';
import { runQueueDrift } from '../../../functions/queue-drift/core';
import { parseEvent, QueueDriftConfig, settingsFrom } from '../../../functions/queue-drift/schema';
import { clientConfig } from '../../../shared/aws/client-config';
import { loadConfig } from '../../../shared/config';
import { startFauxqs, type Fauxqs } from '../../../local/queue-drift/fauxqs';
import { CapturingNotifier } from '../../helpers/queue-drift/fakes';

let fauxqs: Fauxqs;
let admin: SQSClient;
const savedEndpoint = process.env.AWS_ENDPOINT_URL;
let run = 0;

beforeAll(async () => {
  fauxqs = await startFauxqs();
  process.env.AWS_ENDPOINT_URL = fauxqs.endpoint;
  admin = new SQSClient({ ...clientConfig(), useQueueUrlAsEndpoint: false });
});

afterAll(async () => {
  admin?.destroy();
  await fauxqs?.stop();
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
  else process.env.AWS_ENDPOINT_URL = savedEndpoint;
});

/** A fresh queue-name prefix per test: the emulator lives for the whole file. */
function names() {
  run += 1;
  const p = `qd${run}-`;
  return { prefix: p, drifted: `${p}celery`, correct: `${p}priority`, stray: `${p}default` };
}

async function createQueue(name: string, visibilityTimeout: number): Promise<string> {
  const out = await admin.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: String(visibilityTimeout) } }),
  );
  return out.QueueUrl!;
}

async function visibilityTimeoutOf(url: string): Promise<string | undefined> {
  const out = await admin.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }),
  );
  return out.Attributes?.VisibilityTimeout;
}

/**
 * The deployed wiring (config from env variables, SDK adapters) with a capturing notifier. Each
 * invoke happens one schedule period (5 min) after the previous one: an episode is not resolved
 * within SQS's 60 s propagation window of its opening.
 */
function handlerFor(env: Record<string, string>) {
  const config = loadConfig(QueueDriftConfig, env);
  const settings = settingsFrom(config);
  const notifier = new CapturingNotifier();
  let clock = Date.now();
  const deps = { ...buildDeps({ ...config, EPISODE_TABLE: '' }), notifier, now: () => new Date(clock) };
  return {
    notifier,
    invoke: async (event: unknown) => {
      clock += 5 * 60_000;
      return runQueueDrift(parseEvent(event), deps, settings);
    },
  };
}

const summary = (r: DriftReport) => r.findings.map((f) => `${f.queue}:${f.kind}`).sort();

it('reports drifted, missing and unexpected queues, and leaves correct ones alone', async () => {
  const n = names();
  await createQueue(n.drifted, 30);
  await createQueue(n.correct, 360);
  await createQueue(n.stray, 1800);
  const { invoke, notifier } = handlerFor({
    QUEUES: JSON.stringify([
      { name: n.drifted },
      { name: n.correct, expectedVisibilityTimeout: 360 },
      { name: `${n.prefix}gone` },
    ]),
    QUEUE_PREFIX: n.prefix,
  });

  const report = await invoke(scheduled);

  expect(summary(report)).toEqual([
    `${n.drifted}:VisibilityTimeoutDrift`,
    `${n.stray}:UnexpectedQueue`,
    `${n.prefix}gone:QueueMissing`,
  ]);
  expect(report.findings.find((f) => f.kind === 'VisibilityTimeoutDrift')).toMatchObject({
    expected: 360,
    actual: 30,
    message: 'VisibilityTimeout is 30 s but the app expects 360 s (app default)',
  });
  expect(report.observations.find((o) => o.queue === n.correct)).toMatchObject({
    expected: 360,
    actual: 360,
  });
  expect(notifier.sent).toHaveLength(3);
});

it('notifies a drift once, then once more when someone fixes the queue', async () => {
  const n = names();
  const url = await createQueue(n.drifted, 30);
  const { invoke, notifier } = handlerFor({
    QUEUES: JSON.stringify([{ name: n.drifted, expectedVisibilityTimeout: 360 }]),
  });

  await invoke(scheduled);
  await invoke(scheduled);
  await admin.send(
    new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '360' } }),
  );
  const afterFix = await invoke(cloudtrail);

  expect(afterFix.trigger).toMatchObject({ kind: 'cloudtrail', eventName: 'SetQueueAttributes' });
  expect(afterFix.episodes.resolved).toEqual([`${n.drifted}#VisibilityTimeoutDrift`]);
  expect(notifier.sent.map((x) => x.severity)).toEqual(['critical', 'resolved']);
});

it('with remediate: true, sets the real queue back to the expected VisibilityTimeout', async () => {
  const n = names();
  const url = await createQueue(n.drifted, 30);
  const { invoke, notifier } = handlerFor({
    QUEUES: JSON.stringify([{ name: n.drifted, expectedVisibilityTimeout: 360, remediate: true }]),
    DRY_RUN: 'false',
  });

  const report = await invoke(scheduled);

  expect(await visibilityTimeoutOf(url)).toBe('360');
  expect(report.findings[0]!.remediation).toEqual({
    outcome: 'applied',
    to: 360,
    call: `sqs:SetQueueAttributes QueueUrl=${url} Attributes.VisibilityTimeout=360`,
  });
  expect(notifier.sent[0]!.title).toBe(
    `${n.drifted}: VisibilityTimeout drifted from the app setting (remediated)`,
  );
  const next = await invoke(scheduled);
  expect(next.findings).toEqual([]);
  expect(next.episodes.resolved).toEqual([`${n.drifted}#VisibilityTimeoutDrift`]);
});

it('in dry run, leaves the queue unchanged and names the call it would have made', async () => {
  const n = names();
  const url = await createQueue(n.drifted, 30);
  const { invoke } = handlerFor({
    QUEUES: JSON.stringify([{ name: n.drifted, expectedVisibilityTimeout: 360, remediate: true }]),
    DRY_RUN: 'true',
  });

  const report = await invoke(scheduled);

  expect(await visibilityTimeoutOf(url)).toBe('30');
  expect(report.findings[0]!.remediation).toEqual({
    outcome: 'dry-run',
    to: 360,
    call: `sqs:SetQueueAttributes QueueUrl=${url} Attributes.VisibilityTimeout=360`,
  });
});

it('reports a timeout below the longest task and messages waiting in the dead-letter queue', async () => {
  const n = names();
  await createQueue(n.drifted, 300);
  const dlq = await createQueue(`${n.drifted}-dlq`, 300);
  await admin.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: '{"task":"send_invoice"}' }));
  await admin.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: '{"task":"send_invoice"}' }));
  const { invoke } = handlerFor({
    QUEUES: JSON.stringify([
      {
        name: n.drifted,
        expectedVisibilityTimeout: 300,
        longestTaskSeconds: 600,
        deadLetterQueue: `${n.drifted}-dlq`,
      },
    ]),
  });

  const report = await invoke(scheduled);

  expect(summary(report)).toEqual([
    `${n.drifted}:DeadLetterMessages`,
    `${n.drifted}:TimeoutBelowLongestTask`,
  ]);
  expect(report.findings.find((f) => f.kind === 'DeadLetterMessages')).toMatchObject({ deadLetterDepth: 2 });
});

it('reports a queue deleted since the last run as missing', async () => {
  const n = names();
  const url = await createQueue(n.drifted, 360);
  const { invoke } = handlerFor({ QUEUES: JSON.stringify([{ url, expectedVisibilityTimeout: 360 }]) });
  expect((await invoke(scheduled)).findings).toEqual([]);

  await admin.send(new DeleteQueueCommand({ QueueUrl: url }));
  const report = await invoke(scheduled);

  expect(summary(report)).toEqual([`${n.drifted}:QueueMissing`]);
});

it('rejects an event it does not understand with a specific error', async () => {
  const { invoke } = handlerFor({});

  await expect(invoke({ 'detail-type': 'ECS Task State Change', source: 'aws.ecs' })).rejects.toThrow(
    'queueDrift: unsupported event (detail-type "ECS Task State Change")',
  );
});
