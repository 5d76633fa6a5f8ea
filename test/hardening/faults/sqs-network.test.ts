/**
 * queueDrift against real local servers speaking the SQS JSON protocol (AWS_ENDPOINT_URL_SQS), so
 * the SDK's own retry with backoff is exercised, not bypassed by a mock: transient faults
 * (5xx, throttling) are retried up to the client's maxAttempts and then surface as a
 * RetryableError naming the call; permanent ones (AccessDenied, a partial answer) are not retried
 * and become a CheckFailed finding that names the cause.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as EcsSdk from '@aws-sdk/client-ecs';
import type * as SnsSdk from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { loadIsolated } from '../../helpers/hardening/load';
import { lambdaContext } from '../../../local/lambda-context';
import { deepCopy, outcomeOf, unchanged } from '../../helpers/hardening/outcome';

/* eslint-disable @typescript-eslint/no-require-imports -- a fresh module registry needs require() */

type Step = number | { status: number; type: string } | 'partial' | 'pass';

/** A minimal SQS (JSON protocol): one queue, `celery`, VisibilityTimeout 360; scripted faults first. */
async function sqsServer() {
  const script: Step[] = [];
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = String(req.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
      calls.push(action);
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { QueueName?: string };
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
      const step = script.shift();
      if (typeof step === 'number') return send(step, { __type: 'InternalFailure', message: 'injected' });
      if (typeof step === 'object')
        return send(step.status, { __type: step.type, message: 'injected by the hardening suite' });
      if (step === 'partial') return send(200, {});
      if (action === 'GetQueueUrl') return send(200, { QueueUrl: `${base}/123456789012/${input.QueueName}` });
      if (action === 'GetQueueAttributes')
        return send(200, {
          Attributes: {
            VisibilityTimeout: '360',
            ApproximateNumberOfMessages: '0',
            QueueArn: 'arn:aws:sqs:us-east-1:123456789012:celery',
          },
        });
      return send(200, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    calls,
    script: (...s: Step[]) => script.push(...s),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Report = { findings: Array<{ kind: string; message: string }> };

function loadQueueDrift() {
  return loadIsolated(
    {
      QUEUES: JSON.stringify([{ name: 'celery', expectedVisibilityTimeout: 360 }]),
      DRY_RUN: 'false',
      EPISODE_TABLE: '',
      NOTIFY_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:t',
    },
    () => {
      const sns = require('@aws-sdk/client-sns') as typeof SnsSdk;
      const ecs = require('@aws-sdk/client-ecs') as typeof EcsSdk;
      mockClient(sns.SNSClient).on(sns.PublishCommand).resolves({ MessageId: 'm' });
      mockClient(ecs.ECSClient);
      return (
        require('../../../functions/queue-drift/handler') as {
          handler: (e: unknown, c: unknown) => Promise<Report>;
        }
      ).handler;
    },
  );
}

const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-11-24T03:00:00Z' };
let sqs: Awaited<ReturnType<typeof sqsServer>>;
beforeAll(async () => {
  sqs = await sqsServer();
});
afterAll(() => sqs.close());
afterEach(() => {
  delete process.env.AWS_ENDPOINT_URL_SQS;
});

async function invoke(endpoint: string) {
  process.env.AWS_ENDPOINT_URL_SQS = endpoint;
  const handler = loadQueueDrift();
  const event = deepCopy(scheduled);
  const outcome = await outcomeOf(
    () => handler(event, lambdaContext({ functionName: 'queueDrift', deadline: Date.now() + 30_000 })),
    () => false,
  );
  expect(unchanged(scheduled, event)).toBe(true);
  return outcome;
}

// Connection resets and refusals are not tested here: inside jest's VM sandbox the SDK's retry
// middleware receives node's socket errors from another realm (`instanceof Error` fails) and
// replaces them with "AWS SDK error wrapper for TimeoutError: connect ECONNRESET ...", which has
// no `code`, so shared/errors.ts classifies it as permanent. Outside jest (one realm, as on
// Lambda) the SDK keeps `code: 'ECONNRESET'` / `'ECONNREFUSED'` and `isRetryable` is true. The
// adapters' handling of those codes is covered with injected errors in handlers.test.ts.

it('two 500s are retried with backoff and the run succeeds', async () => {
  sqs.calls.length = 0;
  sqs.script(500, 500);
  const outcome = await invoke(sqs.base);
  expect(outcome.kind).toBe('result');
  expect((outcome.result as Report).findings).toEqual([]);
  expect(sqs.calls).toEqual(['GetQueueUrl', 'GetQueueUrl', 'GetQueueUrl', 'GetQueueAttributes']);
});

it('a throttled call is retried and the run succeeds', async () => {
  sqs.calls.length = 0;
  sqs.script({ status: 400, type: 'ThrottlingException' });
  const outcome = await invoke(sqs.base);
  expect(outcome.kind).toBe('result');
  expect(sqs.calls).toEqual(['GetQueueUrl', 'GetQueueUrl', 'GetQueueAttributes']);
});

it('500 on every attempt: 4 attempts, then a RetryableError naming the call', async () => {
  sqs.calls.length = 0;
  sqs.script(500, 500, 500, 500);
  const outcome = await invoke(sqs.base);
  expect(outcome.error).toMatchObject({
    name: 'RetryableError',
    message: expect.stringMatching(/sqs:GetQueueUrl celery failed/),
  });
  expect(sqs.calls).toEqual(['GetQueueUrl', 'GetQueueUrl', 'GetQueueUrl', 'GetQueueUrl']);
});

it('AccessDenied is not retried: one attempt, a CheckFailed finding names it', async () => {
  sqs.calls.length = 0;
  sqs.script({ status: 400, type: 'com.amazon.coral.service#AccessDeniedException' });
  const outcome = await invoke(sqs.base);
  expect(sqs.calls).toEqual(['GetQueueUrl']);
  expect((outcome.result as Report).findings).toEqual([
    expect.objectContaining({ kind: 'CheckFailed', message: expect.stringMatching(/AccessDenied/) }),
  ]);
});

it('a partial answer (no attributes) is not retried: a CheckFailed finding says what is missing', async () => {
  sqs.calls.length = 0;
  // GetQueueUrl answers normally, GetQueueAttributes with an empty body.
  sqs.script('pass', 'partial');
  const outcome = await invoke(sqs.base);
  expect(sqs.calls).toEqual(['GetQueueUrl', 'GetQueueAttributes']);
  expect((outcome.result as Report).findings).toEqual([
    expect.objectContaining({
      kind: 'CheckFailed',
      message: expect.stringMatching(/returned no VisibilityTimeout/),
    }),
  ]);
});
