/**
 * queueDrift: 1,000 malformed or unusual events through handler.ts (real Powertools middlewares,
 * SQS/ECS/SNS clients mocked), each ending in a handled outcome.
 */
import type * as SnsSdk from '@aws-sdk/client-sns';
import type * as SqsSdk from '@aws-sdk/client-sqs';
import type * as EcsSdk from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { malformedEvents, nastyString, samples } from '../../helpers/hardening/events';
import { Figures } from '../../helpers/hardening/figures-store';
import { lambdaContext, loadIsolated, publishedTexts } from '../../helpers/hardening/load';
import { assertEventsHandled } from '../../helpers/hardening/property';

jest.mock('@middy/core', () => jest.requireActual('../../helpers/task-stopped/fake-middy'));

const figures = new Figures(__filename);
afterAll(() => figures.write());

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
const URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/';

function load() {
  return loadIsolated(
    {
      QUEUES: JSON.stringify([
        { name: 'celery', expectedVisibilityTimeout: 360, deadLetterQueue: 'celery-dlq', remediate: true },
      ]),
      QUEUE_PREFIX: 'cel',
      CLUSTER_NAME: 'django-app',
      DRY_RUN: 'false',
      NOTIFY_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:ops-sentinel-test-notifications',
      EPISODE_TABLE: '',
    },
    () => {
      const sns = require('@aws-sdk/client-sns') as typeof SnsSdk;
      const sqs = require('@aws-sdk/client-sqs') as typeof SqsSdk;
      const ecs = require('@aws-sdk/client-ecs') as typeof EcsSdk;
      const snsMock = mockClient(sns.SNSClient);
      snsMock.on(sns.PublishCommand).resolves({ MessageId: 'm-1' });
      const sqsMock = mockClient(sqs.SQSClient);
      let visibility = 30;
      sqsMock
        .on(sqs.GetQueueUrlCommand)
        .callsFake(async (input: { QueueName: string }) => ({ QueueUrl: URL + input.QueueName }));
      sqsMock.on(sqs.GetQueueAttributesCommand).callsFake(async () => ({
        Attributes: {
          VisibilityTimeout: String(visibility),
          ApproximateNumberOfMessages: '3',
          QueueArn: 'arn:aws:sqs:us-east-1:123456789012:celery',
        },
      }));
      // Alternate drift and repair, so episodes open and resolve during the run.
      sqsMock.on(sqs.SetQueueAttributesCommand).callsFake(async () => {
        visibility = visibility === 30 ? 360 : 30;
        return {};
      });
      sqsMock
        .on(sqs.ListQueuesCommand)
        .resolves({ QueueUrls: [URL + 'celery', URL + 'celery-dlq', URL + 'celery-typo'] });
      mockClient(ecs.ECSClient);
      const { handler } = require('../../../functions/queue-drift/handler') as { handler: Handler };
      return { handler, published: publishedTexts(() => snsMock.commandCalls(sns.PublishCommand)) };
    },
  );
}

it('ends every malformed or unusual event in a handled outcome (1,000 cases)', async () => {
  const { handler, published } = load();
  const bases = samples('queue-drift').map((s) => s.event);
  const cloudTrail = bases.find((b) => b['detail-type'] === 'AWS API Call via CloudTrail')!;
  const extra = [
    // The right envelope with unknown or hostile API calls and queue names.
    fc.record({ eventName: nastyString, queueUrl: nastyString }).map(({ eventName, queueUrl }) => ({
      ...cloudTrail,
      detail: { ...(cloudTrail.detail as object), eventName, requestParameters: { queueUrl } },
    })),
    fc.constantFrom<unknown>(
      { 'detail-type': 'Scheduled Event' },
      { 'detail-type': 'Scheduled Event', source: 'aws.sqs' },
    ),
  ];
  const run = await assertEventsHandled(
    {
      fn: 'queueDrift',
      invoke: (event) => handler(event, lambdaContext('queueDrift')),
      notifications: published,
      isSkip: () => false,
    },
    malformedEvents(bases, extra),
    figures,
    { numRuns: 1000 },
  );
  expect(run.tried).toBeGreaterThanOrEqual(1000);
  expect(published().length).toBeGreaterThan(0);
});
