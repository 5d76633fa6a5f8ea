/**
 * finishSecret in a VPC without the ECS and SNS endpoints (and no NAT): AWSCURRENT moves, the
 * function does not spend its timeout on retries, and it says which consumers were not
 * redeployed. The ECS and SNS clients are real SDK clients aimed at a closed port with the
 * shared fail-fast middleware (shared/aws/reachability), as the handler builds them.
 * Interface endpoints per service: https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { clientConfig } from '../../../shared/aws/client-config';
import { failFastWhenUnreachable } from '../../../shared/aws/reachability';
import { snsNotifier } from '../../../shared/notify';
import { ecsAdapter } from '../../../functions/rotate-secret/adapters/ecs';
import { FINISH_RESERVE_MS, rotateSecret } from '../../../functions/rotate-secret/core';
import type { EcsPort } from '../../../functions/rotate-secret/ports';
import type { RotationStep } from '../../../functions/rotate-secret/schema';
import { closedPort } from '../../helpers/hardening/servers';
import { CURRENT, FakeSecretsManager } from '../../../local/rotate-secret/fake-secrets-manager';
import { fakeEcs, recordingNotifier, rotationDeps, testConfig } from '../../../local/rotate-secret/rotation';

const SERVICES = ['web', 'worker', 'beat', 'flower', 'admin'];
const CONSUMERS = JSON.stringify([{ secret: 'django-app/prod/*', services: SERVICES }]);

function counting(port: EcsPort): EcsPort & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    forceNewDeployment(cluster, service) {
      calls.push(`${cluster}/${service}`);
      return port.forceNewDeployment(cluster, service);
    },
  };
}

describe('finishSecret without a route to ECS and SNS', () => {
  let fake: FakeSecretsManager;
  const clients: Array<{ destroy(): void }> = [];
  afterEach(() => {
    fake.restore();
    for (const c of clients.splice(0)) c.destroy();
  });

  async function rotateUpToFinish(deps: Parameters<typeof rotateSecret>[1]) {
    fake = new FakeSecretsManager();
    fake.createSecret('django-app/prod/django-secret-key', 'Old-key-value-0001');
    const token = fake.startRotation('django-app/prod/django-secret-key');
    const run = (Step: RotationStep) =>
      rotateSecret(
        { SecretId: 'django-app/prod/django-secret-key', ClientRequestToken: token, Step },
        { ...deps, secrets: rotationDeps(fake).secrets },
        testConfig({ CLUSTER_NAME: 'django-app', SECRET_CONSUMERS: CONSUMERS }),
      );
    for (const step of ['createSecret', 'setSecret', 'testSecret'] as const) await run(step);
    return { token, finish: () => run('finishSecret') };
  }

  it('moves AWSCURRENT, tries ECS once (not once per service, not with retries) and names every service not redeployed', async () => {
    const port = await closedPort();
    const endpoint = `http://127.0.0.1:${port}`;
    const ecsClient = failFastWhenUnreachable(new ECSClient({ ...clientConfig(), endpoint }), 'ecs');
    const snsClient = failFastWhenUnreachable(new SNSClient({ ...clientConfig(), endpoint }), 'sns');
    clients.push(ecsClient, snsClient);
    const ecs = counting(ecsAdapter(ecsClient));
    const notifier = snsNotifier(snsClient, 'arn:aws:sns:us-east-1:123456789012:ops');
    const { token, finish } = await rotateUpToFinish({
      ...rotationDeps(new FakeSecretsManager()),
      ecs,
      notifier,
    });
    const result = await finish();
    expect(fake.versionWith('django-app/prod/django-secret-key', CURRENT)).toBe(token);
    expect(result.outcome).toBe('done');
    expect(ecs.calls).toEqual(['django-app/web']);
    expect(result.redeployed).toEqual([]);
    expect(result.redeployFailed!.map((f) => f.service)).toEqual(SERVICES.map((s) => `django-app/${s}`));
    expect(result.redeployFailed![0]!.error).toMatch(
      /Cannot reach ECS .*interface VPC endpoint com\.amazonaws\.us-east-1\.ecs/,
    );
    for (const f of result.redeployFailed!.slice(1))
      expect(f.error).toMatch(/^not attempted: .*Cannot reach ECS/);
    // The SecretRotated notification could not be sent either: said, not thrown.
    expect(result.notifyFailed).toMatch(/Cannot reach SNS .*com\.amazonaws\.us-east-1\.sns/);
  });

  it('does not start redeploys when the invocation is nearly out of time, and says so', async () => {
    const ecs = fakeEcs();
    const notifier = recordingNotifier();
    const { finish } = await rotateUpToFinish({
      ...rotationDeps(new FakeSecretsManager()),
      ecs,
      notifier,
      clock: { remainingMs: () => FINISH_RESERVE_MS - 1 },
    });
    const result = await finish();
    expect(ecs.deployments).toEqual([]);
    expect(result.redeployFailed!.map((f) => f.error)).toEqual(
      SERVICES.map(() => expect.stringMatching(/^not attempted: only \d+ s of the invocation left/)),
    );
    const [n] = notifier.sent;
    expect(n).toMatchObject({ eventType: 'SecretRotated', severity: 'warning' });
    expect(n!.nextSteps).toHaveLength(SERVICES.length);
  });
});
