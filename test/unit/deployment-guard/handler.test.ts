import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as EcsSdk from '@aws-sdk/client-ecs';
import type * as SnsSdk from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { SD_ARN, stuckService } from '../../helpers/deployment-guard/fakes';
import { lambdaContext } from '../../../local/lambda-context';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-sentinel-test-notifications';
const event = (name: string) =>
  JSON.parse(
    readFileSync(path.join(__dirname, '../../../events/deployment-guard', `${name}.json`), 'utf8'),
  ) as unknown;
const context = lambdaContext({ functionName: 'deploymentGuard', remainingTimeMs: 30_000 });

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Loads handler.ts fresh with `env` (its config is read at cold start). The SDK modules are
 * loaded in the same isolated registry, so the mocks apply to the clients the handler builds.
 */
function loadHandler(env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  let loaded:
    ({ handler: Handler; ecs: typeof EcsSdk; sns: typeof SnsSdk } & ReturnType<typeof stubAws>) | undefined;
  try {
    // A fresh require per configuration is the point of isolateModules.
    /* eslint-disable @typescript-eslint/no-require-imports */
    jest.isolateModules(() => {
      const ecs = require('@aws-sdk/client-ecs') as typeof EcsSdk;
      const sns = require('@aws-sdk/client-sns') as typeof SnsSdk;
      const mocks = stubAws(ecs, sns);
      const { handler } = require('../../../functions/deployment-guard/handler') as { handler: Handler };
      loaded = { handler, ecs, sns, ...mocks };
    });
    /* eslint-enable @typescript-eslint/no-require-imports */
  } finally {
    process.env = saved;
  }
  return loaded!;
}

const ENV = {
  CLUSTER_NAME: 'django-app',
  SERVICES: JSON.stringify([{ name: 'web', deployment: { mode: 'rollback' } }]),
  NOTIFY_TOPIC_ARN: TOPIC,
  STAGE: 'test',
  APP_STACK_PREFIX: 'django-app',
};

function stubAws(ecs: typeof EcsSdk, sns: typeof SnsSdk) {
  const ecsMock = mockClient(ecs.ECSClient);
  const snsMock = mockClient(sns.SNSClient);
  snsMock.on(sns.PublishCommand).resolves({ MessageId: 'm-1' });
  ecsMock.on(ecs.DescribeServicesCommand).callsFake(() => ({ services: [stuckService(new Date())] }));
  ecsMock.on(ecs.ListServiceDeploymentsCommand).callsFake(() => ({
    serviceDeployments: [
      { serviceDeploymentArn: SD_ARN, status: 'IN_PROGRESS', startedAt: new Date(Date.now() - 5 * 60_000) },
    ],
  }));
  ecsMock.on(ecs.ListTagsForResourceCommand).resolves({ tags: [] });
  ecsMock.on(ecs.ListTasksCommand).resolves({ taskArns: [] });
  ecsMock.on(ecs.StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: SD_ARN });
  ecsMock.on(ecs.DescribeServiceDeploymentsCommand).resolves({
    serviceDeployments: [{ serviceDeploymentArn: SD_ARN, status: 'IN_PROGRESS' }],
  });
  ecsMock.on(ecs.TagResourceCommand).resolves({});
  return { ecsMock, snsMock };
}

describe('deploymentGuard handler', () => {
  it('rolls back a stuck deployment on the minute sweep and publishes the timeline', async () => {
    const { handler, ecsMock, snsMock, ecs, sns } = loadHandler(ENV);

    const result = await handler(event('scheduled-sweep'), context);

    expect(result).toMatchObject({
      trigger: 'sweep',
      services: [{ service: 'web', verdict: 'stuck', action: 'rollback', result: 'requested' }],
    });
    expect(ecsMock).toHaveReceivedCommandWith(ecs.StopServiceDeploymentCommand, {
      serviceDeploymentArn: SD_ARN,
      stopType: 'ROLLBACK',
    });
    expect(snsMock).toHaveReceivedCommandWith(sns.PublishCommand, {
      TopicArn: TOPIC,
      Subject: '[WARNING] test web: stuck deployment rolled back',
      MessageStructure: 'json',
    });
    const email = JSON.parse(snsMock.commandCalls(sns.PublishCommand)[0]!.args[0].input.Message!)
      .email as string;
    expect(email).toContain('judged stuck: 6 consecutive failed tasks (limit 3)');
  });

  it('with DRY_RUN=true makes no mutating call and returns the call it would have made', async () => {
    const { handler, ecsMock, ecs } = loadHandler({ ...ENV, DRY_RUN: 'true' });

    const result = (await handler(event('service-task-start-impaired'), context)) as {
      services: Array<{ calls: string[] }>;
    };

    expect(ecsMock).not.toHaveReceivedCommand(ecs.StopServiceDeploymentCommand);
    expect(ecsMock).not.toHaveReceivedCommand(ecs.UpdateServiceCommand);
    expect(ecsMock).not.toHaveReceivedCommand(ecs.TagResourceCommand);
    expect(result.services[0]!.calls[0]).toBe(
      `ecs:StopServiceDeployment {"serviceDeploymentArn":"${SD_ARN}","stopType":"ROLLBACK"}`,
    );
  });

  it('skips a task that was not started by a deployment, with the reason', async () => {
    const { handler, ecsMock, ecs } = loadHandler(ENV);
    const stopped = event('task-stopped-elb-health') as { detail: Record<string, unknown> };
    stopped.detail.startedBy = 'manual';

    await expect(handler(stopped, context)).resolves.toEqual({
      skipped: 'task not started by a service deployment (startedBy manual)',
    });
    expect(ecsMock).not.toHaveReceivedCommand(ecs.DescribeServicesCommand);
  });

  it('rejects a malformed event with a specific error (so it lands in the dead-letter queue)', async () => {
    const { handler } = loadHandler(ENV);
    await expect(
      handler({ 'detail-type': 'ECS Service Action', source: 'aws.ecs', detail: {} }, context),
    ).rejects.toThrow('ECS Service Action: resources[] holds no service ARN');
  });

  it('runs offline from the recorded state of the local stage (invoke local without AWS)', async () => {
    const { handler, ecsMock } = loadHandler({
      ...ENV,
      NOTIFY_TOPIC_ARN: '',
      DRY_RUN: 'true',
      DEPLOYMENT_GUARD_OFFLINE_STATE: 'events/deployment-guard/state/web-bad-image.json',
    });
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);

    const result = await handler(event('scheduled-sweep'), context);

    log.mockRestore();
    expect(ecsMock.calls()).toHaveLength(0);
    expect(result).toMatchObject({
      dryRun: true,
      services: [
        {
          service: 'web',
          verdict: 'stuck',
          action: 'dry-run',
          calls: [expect.stringContaining('StopServiceDeployment'), expect.stringContaining('TagResource')],
        },
      ],
    });
  });

  it('fails at cold start naming a missing variable', () => {
    expect(() => loadHandler({ ...ENV, CLUSTER_NAME: '' })).toThrow(/CLUSTER_NAME is missing/);
  });
});
