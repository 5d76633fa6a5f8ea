/**
 * deploymentGuard: 1,000 malformed or unusual events through handler.ts (real Powertools
 * middlewares, ECS/SNS mocked with a stuck deployment), each ending in a handled outcome.
 */
import type * as EcsSdk from '@aws-sdk/client-ecs';
import type * as SnsSdk from '@aws-sdk/client-sns';
import type * as CfnSdk from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { malformedEvents, nastyString, samples } from '../../helpers/hardening/events';
import { Figures } from '../../helpers/hardening/figures-store';
import { lambdaContext, loadIsolated, publishedTexts } from '../../helpers/hardening/load';
import { assertEventsHandled } from '../../helpers/hardening/property';
import { NEW_TD, OLD_TD, SD_ARN, SERVICE_ARN } from '../../helpers/deployment-guard/fakes';

jest.mock('@middy/core', () => jest.requireActual('../../helpers/deployment-guard/fake-middy'));

const figures = new Figures(__filename);
afterAll(() => figures.write());

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

function stuckService(now: Date) {
  const ago = (m: number) => new Date(now.getTime() - m * 60_000);
  return {
    serviceName: 'web',
    serviceArn: SERVICE_ARN,
    status: 'ACTIVE',
    deployments: [
      {
        id: 'ecs-svc/2',
        status: 'PRIMARY',
        taskDefinition: NEW_TD,
        rolloutState: 'IN_PROGRESS' as const,
        desiredCount: 2,
        runningCount: 0,
        pendingCount: 0,
        failedTasks: 6,
        createdAt: ago(5),
        updatedAt: ago(1),
      },
      {
        id: 'ecs-svc/1',
        status: 'ACTIVE',
        taskDefinition: OLD_TD,
        rolloutState: 'COMPLETED' as const,
        desiredCount: 2,
        runningCount: 2,
        pendingCount: 0,
        failedTasks: 0,
        createdAt: ago(900),
        updatedAt: ago(890),
      },
    ],
    events: [],
  };
}

function load() {
  return loadIsolated(
    {
      CLUSTER_NAME: 'django-app',
      SERVICES: JSON.stringify([
        { name: 'web', deployment: { mode: 'rollback' } },
        { name: 'worker', deployment: { mode: 'notify' } },
      ]),
      NOTIFY_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:ops-sentinel-test-notifications',
      STAGE: 'test',
      APP_STACK_PREFIX: 'django-app',
      DRY_RUN: 'false',
    },
    () => {
      const ecs = require('@aws-sdk/client-ecs') as typeof EcsSdk;
      const sns = require('@aws-sdk/client-sns') as typeof SnsSdk;
      const cfn = require('@aws-sdk/client-cloudformation') as typeof CfnSdk;
      const ecsMock = mockClient(ecs.ECSClient);
      const snsMock = mockClient(sns.SNSClient);
      mockClient(cfn.CloudFormationClient);
      snsMock.on(sns.PublishCommand).resolves({ MessageId: 'm-1' });
      ecsMock.on(ecs.DescribeServicesCommand).callsFake(() => ({ services: [stuckService(new Date())] }));
      ecsMock.on(ecs.ListServiceDeploymentsCommand).callsFake(() => ({
        serviceDeployments: [
          {
            serviceDeploymentArn: SD_ARN,
            status: 'IN_PROGRESS',
            startedAt: new Date(Date.now() - 5 * 60_000),
          },
        ],
      }));
      ecsMock.on(ecs.ListTagsForResourceCommand).resolves({ tags: [] });
      ecsMock.on(ecs.ListTasksCommand).resolves({ taskArns: [] });
      ecsMock.on(ecs.StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: SD_ARN });
      ecsMock.on(ecs.TagResourceCommand).resolves({});
      const { handler } = require('../../../functions/deployment-guard/handler') as { handler: Handler };
      return { handler, published: publishedTexts(() => snsMock.commandCalls(sns.PublishCommand)) };
    },
  );
}

it('ends every malformed or unusual event in a handled outcome (1,000 cases)', async () => {
  const { handler, published } = load();
  const bases = samples('deployment-guard').map((s) => s.event);
  const serviceAction = bases.find((b) => b['detail-type'] === 'ECS Service Action')!;
  const extra = [
    // Unknown service actions and hostile reasons inside a valid envelope.
    fc.record({ eventName: nastyString, reason: nastyString }).map(({ eventName, reason }) => ({
      ...serviceAction,
      detail: { ...(serviceAction.detail as object), eventName, reason },
    })),
  ];
  const run = await assertEventsHandled(
    {
      fn: 'deploymentGuard',
      invoke: (event) => handler(event, lambdaContext('deploymentGuard')),
      notifications: published,
      isSkip: (r) => typeof r === 'object' && r !== null && 'skipped' in r,
    },
    malformedEvents(bases, extra),
    figures,
    { numRuns: 1000 },
  );
  expect(run.tried).toBeGreaterThanOrEqual(1000);
  expect(published().length).toBeGreaterThan(0);
});
