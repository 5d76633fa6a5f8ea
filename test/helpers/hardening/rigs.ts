/**
 * The deployed entry points (handler.ts with its real middy and Powertools middlewares), each with
 * the SDK clients of its fresh module registry mocked into a working cluster.
 * `happy()` (re)installs the working responses; fault tests then override one command.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a fresh module registry needs require() */
import type * as CfnSdk from '@aws-sdk/client-cloudformation';
import type * as CwSdk from '@aws-sdk/client-cloudwatch';
import type * as DdbSdk from '@aws-sdk/client-dynamodb';
import type * as EcsSdk from '@aws-sdk/client-ecs';
import type * as ElbSdk from '@aws-sdk/client-elastic-load-balancing-v2';
import type * as SnsSdk from '@aws-sdk/client-sns';
import type * as SqsSdk from '@aws-sdk/client-sqs';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { SD_ARN, stuckService } from '../deployment-guard/fakes';
import { LB_ARN, TG_ARN } from '../health-alarm/fakes';
import { statefulTable } from '../task-stopped/fake-dynamodb';
import { loadIsolated, publishedTexts } from './load';
import { lambdaContext } from '../../../local/lambda-context';

export type Handler = (event: unknown, context: unknown) => Promise<unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Stub = AwsStub<any, any, any>;

export interface Rig {
  fn: string;
  handler: Handler;
  /** Subject + message of every SNS Publish so far. */
  published(): string[];
  /** Mocked clients by service name (sns, sqs, ecs, ...). */
  mocks: Record<string, Stub>;
  /** Resets every mock and installs the working responses. */
  happy(): void;
  /** Brings the function's own state (e.g. open episodes) to where the next event makes every call. */
  prime?(): Promise<void>;
}

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-sentinel-test-notifications';

export function queueDriftRig(): Rig {
  const URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/';
  return loadIsolated(
    {
      QUEUES: JSON.stringify([
        { name: 'celery', expectedVisibilityTimeout: 360, deadLetterQueue: 'celery-dlq', remediate: true },
        // The expected value read from the worker's task definition (ECS).
        { name: 'celery-beat', source: { service: 'worker' } },
      ]),
      QUEUE_PREFIX: 'cel',
      CLUSTER_NAME: 'django-app',
      DRY_RUN: 'false',
      NOTIFY_TOPIC_ARN: TOPIC,
      EPISODE_TABLE: 'ops-sentinel-test-queue-drift-episodes',
    },
    () => {
      const sns = require('@aws-sdk/client-sns') as typeof SnsSdk;
      const sqs = require('@aws-sdk/client-sqs') as typeof SqsSdk;
      const ecs = require('@aws-sdk/client-ecs') as typeof EcsSdk;
      const ddb = require('@aws-sdk/client-dynamodb') as typeof DdbSdk;
      const mocks = {
        sns: mockClient(sns.SNSClient),
        sqs: mockClient(sqs.SQSClient),
        ecs: mockClient(ecs.ECSClient),
        dynamodb: mockClient(ddb.DynamoDBClient),
      };
      const episodes = new Map<string, Record<string, unknown>>();
      let visibility = 30;
      const happy = () => {
        Object.values(mocks).forEach((m) => m.reset());
        mocks.sns.on(sns.PublishCommand).resolves({ MessageId: 'm-1' });
        mocks.sqs
          .on(sqs.GetQueueUrlCommand)
          .callsFake(async (input: { QueueName: string }) => ({ QueueUrl: URL + input.QueueName }));
        mocks.sqs.on(sqs.GetQueueAttributesCommand).callsFake(async () => ({
          Attributes: {
            VisibilityTimeout: String(visibility),
            ApproximateNumberOfMessages: '3',
            QueueArn: 'arn:aws:sqs:us-east-1:123456789012:celery',
          },
        }));
        // Alternate drift and repair, so episodes open and resolve.
        mocks.sqs.on(sqs.SetQueueAttributesCommand).callsFake(async () => {
          visibility = visibility === 30 ? 360 : 30;
          return {};
        });
        mocks.sqs.on(sqs.ListQueuesCommand).resolves({
          QueueUrls: [URL + 'celery', URL + 'celery-dlq', URL + 'celery-beat', URL + 'celery-typo'],
        });
        mocks.ecs.on(ecs.DescribeServicesCommand).resolves({
          services: [
            {
              serviceName: 'worker',
              status: 'ACTIVE',
              taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app-worker:42',
            },
          ],
        });
        mocks.ecs.on(ecs.DescribeTaskDefinitionCommand).resolves({
          taskDefinition: {
            taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app-worker:42',
            containerDefinitions: [
              { name: 'worker', environment: [{ name: 'SQS_QUEUE_VISIBILITY_TIMEOUT', value: '30' }] },
            ],
          },
        });
        // The episode table: conditional put and delete, as the store sends them.
        const failed = () =>
          new ddb.ConditionalCheckFailedException({
            message: 'The conditional request failed',
            $metadata: {},
          });
        mocks.dynamodb.on(ddb.QueryCommand).callsFake(async () => ({ Items: [...episodes.values()] }));
        mocks.dynamodb
          .on(ddb.PutItemCommand)
          .callsFake(async (input: { Item: Record<string, { S?: string }> }) => {
            const key = input.Item.episode?.S ?? '';
            if (episodes.has(key)) throw failed();
            // Stored as opened on an earlier run (runs are minutes apart): queueDrift does not
            // resolve an episode within SQS's 60 s propagation window of its opening.
            episodes.set(key, { ...input.Item, openedAt: { S: '2026-11-24T00:00:00Z' } });
            return {};
          });
        mocks.dynamodb
          .on(ddb.DeleteItemCommand)
          .callsFake(async (input: { Key: Record<string, { S?: string }> }) => {
            const key = input.Key.episode?.S ?? '';
            if (!episodes.delete(key)) throw failed();
            return {};
          });
      };
      happy();
      const { handler } = require('../../../functions/queue-drift/handler') as { handler: Handler };
      return {
        fn: 'queueDrift',
        handler,
        mocks,
        happy,
        // A run without drift resolves the open drift episode, so the next run opens it again:
        // it remediates (SetQueueAttributes) and notifies (Publish).
        async prime() {
          happy();
          visibility = 360;
          await handler({}, lambdaContext({ functionName: 'queueDrift', remainingTimeMs: 30_000 }));
          visibility = 30;
        },
        published: publishedTexts(() => mocks.sns.commandCalls(sns.PublishCommand)),
      };
    },
  );
}

export function taskStoppedRig(): Rig {
  return loadIsolated(
    {
      STAGE: 'prod',
      NOTIFY_TOPIC_ARN: TOPIC,
      STATE_TABLE_NAME: 'ops-sentinel-prod-task-stopped-incidents',
      DRY_RUN: 'false',
      SERVICES: JSON.stringify([{ name: 'web' }, { name: 'worker' }]),
      NOTIFY_ROUTINE: 'true',
      ESCALATE_AFTER: '2',
      RECOVERY_QUIET_MINUTES: '15',
    },
    () => {
      const sns = require('@aws-sdk/client-sns') as typeof SnsSdk;
      const ddb = require('@aws-sdk/client-dynamodb') as typeof DdbSdk;
      const mocks = { sns: mockClient(sns.SNSClient), dynamodb: mockClient(ddb.DynamoDBClient) };
      const happy = () => {
        Object.values(mocks).forEach((m) => m.reset());
        mocks.sns.on(sns.PublishCommand).resolves({ MessageId: 'm-1' });
        statefulTable(mocks.dynamodb, ddb);
      };
      happy();
      const { handler } = require('../../../functions/task-stopped/handler') as { handler: Handler };
      return {
        fn: 'taskStopped',
        handler,
        mocks,
        happy,
        published: publishedTexts(() => mocks.sns.commandCalls(sns.PublishCommand)),
      };
    },
  );
}

export function healthAlarmRig(): Rig {
  return loadIsolated(
    {
      STAGE: 'local',
      CLUSTER_NAME: 'django-app',
      NOTIFY_TOPIC_ARN: TOPIC,
      DRY_RUN: 'false',
      SERVICES: JSON.stringify([{ name: 'web', targetGroupArn: TG_ARN, loadBalancerArn: LB_ARN }]),
      HEALTH_TARGETS: '[]',
      ENRICHMENT_TIMEOUT_MS: '500',
      INSUFFICIENT_DATA: 'skip',
    },
    () => {
      const sns = require('@aws-sdk/client-sns') as typeof SnsSdk;
      const ecs = require('@aws-sdk/client-ecs') as typeof EcsSdk;
      const cw = require('@aws-sdk/client-cloudwatch') as typeof CwSdk;
      const elb = require('@aws-sdk/client-elastic-load-balancing-v2') as typeof ElbSdk;
      const mocks = {
        sns: mockClient(sns.SNSClient),
        elb: mockClient(elb.ElasticLoadBalancingV2Client),
        ecs: mockClient(ecs.ECSClient),
        cloudwatch: mockClient(cw.CloudWatchClient),
      };
      const happy = () => {
        Object.values(mocks).forEach((m) => m.reset());
        mocks.sns.on(sns.PublishCommand).resolves({ MessageId: 'm-1' });
        mocks.elb.on(elb.DescribeTargetHealthCommand).resolves({
          TargetHealthDescriptions: [
            {
              Target: { Id: '10.0.1.23', Port: 8000 },
              TargetHealth: { State: 'unhealthy', Reason: 'Target.Timeout' },
            },
            // A partial entry, as the API may return while a target registers.
            { Target: {} as { Id: string }, TargetHealth: {} },
          ],
        });
        mocks.ecs
          .on(ecs.ListTasksCommand)
          .resolves({ taskArns: ['arn:aws:ecs:us-east-1:123456789012:task/django-app/abc'] });
        mocks.ecs.on(ecs.DescribeTasksCommand).resolves({
          tasks: [
            { taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/django-app/abc', lastStatus: 'STOPPED' },
          ],
        });
        mocks.cloudwatch.on(cw.DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [] });
      };
      happy();
      const { handler } = require('../../../functions/health-alarm/handler') as { handler: Handler };
      return {
        fn: 'healthAlarm',
        handler,
        mocks,
        happy,
        published: publishedTexts(() => mocks.sns.commandCalls(sns.PublishCommand)),
      };
    },
  );
}

export function deploymentGuardRig(): Rig {
  return loadIsolated(
    {
      CLUSTER_NAME: 'django-app',
      SERVICES: JSON.stringify([
        { name: 'web', deployment: { mode: 'rollback' } },
        { name: 'worker', deployment: { mode: 'notify' } },
      ]),
      NOTIFY_TOPIC_ARN: TOPIC,
      STAGE: 'test',
      APP_STACK_PREFIX: 'django-app',
      DRY_RUN: 'false',
    },
    () => {
      const ecs = require('@aws-sdk/client-ecs') as typeof EcsSdk;
      const sns = require('@aws-sdk/client-sns') as typeof SnsSdk;
      const cfn = require('@aws-sdk/client-cloudformation') as typeof CfnSdk;
      const mocks = {
        ecs: mockClient(ecs.ECSClient),
        sns: mockClient(sns.SNSClient),
        cloudformation: mockClient(cfn.CloudFormationClient),
      };
      const happy = () => {
        Object.values(mocks).forEach((m) => m.reset());
        mocks.sns.on(sns.PublishCommand).resolves({ MessageId: 'm-1' });
        mocks.ecs.on(ecs.DescribeServicesCommand).callsFake(() => ({ services: [stuckService(new Date())] }));
        mocks.ecs.on(ecs.ListServiceDeploymentsCommand).callsFake(() => ({
          serviceDeployments: [
            {
              serviceDeploymentArn: SD_ARN,
              status: 'IN_PROGRESS',
              startedAt: new Date(Date.now() - 5 * 60_000),
            },
          ],
        }));
        mocks.ecs.on(ecs.ListTagsForResourceCommand).resolves({ tags: [] });
        mocks.ecs.on(ecs.ListTasksCommand).resolves({ taskArns: [] });
        mocks.ecs.on(ecs.StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: SD_ARN });
        mocks.ecs.on(ecs.DescribeServiceDeploymentsCommand).resolves({
          serviceDeployments: [{ serviceDeploymentArn: SD_ARN, status: 'IN_PROGRESS' }],
        });
        mocks.ecs.on(ecs.TagResourceCommand).resolves({});
        // The rollback fallback: UpdateService answers with the service as updated.
        mocks.ecs.on(ecs.UpdateServiceCommand).callsFake(() => ({ service: stuckService(new Date()) }));
      };
      happy();
      const { handler } = require('../../../functions/deployment-guard/handler') as { handler: Handler };
      return {
        fn: 'deploymentGuard',
        handler,
        mocks,
        happy,
        published: publishedTexts(() => mocks.sns.commandCalls(sns.PublishCommand)),
      };
    },
  );
}
