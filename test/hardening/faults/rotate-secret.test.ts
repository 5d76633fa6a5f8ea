/**
 * rotateSecret under faults at every Secrets Manager call (a random-value secret: no database,
 * so every call of the adapter is reached in memory) and at the ECS call that restarts the
 * consumers. A fault fails the step with a project error that names the call and keeps the
 * retry semantics; AWSCURRENT never moves to a half-written value; the retried rotation
 * converges. A failed restart of consumers after a completed rotation is reported, not thrown.
 */
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { ecsAdapter } from '../../../functions/rotate-secret/adapters/ecs';
import { rotateSecret } from '../../../functions/rotate-secret/core';
import type { RotationStep } from '../../../functions/rotate-secret/schema';
import { formatEmail, formatSubject } from '../../../shared/notify/format';
import { FAULTS } from '../../helpers/hardening/faults';
import { badTokens, deepCopy, isProjectError, unchanged } from '../../helpers/hardening/outcome';
import { CURRENT, FakeSecretsManager, PENDING } from '../../../local/rotate-secret/fake-secrets-manager';
import { fakeEcs, recordingNotifier, rotationDeps, testConfig } from '../../../local/rotate-secret/rotation';

const STEPS: RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
const COMMANDS = [
  'DescribeSecret',
  'GetSecretValue',
  'GetRandomPassword',
  'PutSecretValue',
  'UpdateSecretVersionStage',
] as const;
const ERROR_FAULTS = FAULTS.filter((f) => f.error);

describe.each(COMMANDS)('Secrets Manager %s', (command) => {
  it.each(ERROR_FAULTS.map((f) => [f.name, f] as const))(
    '%s: the step fails naming the call, the retry converges',
    async (_n, fault) => {
      const fake = new FakeSecretsManager();
      try {
        fake.createSecret('hard/api-token', 'initial-token-value-0001');
        const notifier = recordingNotifier();
        const deps = rotationDeps(fake, { notifier });
        const config = testConfig({ CLUSTER_NAME: 'django-app' });
        const token = fake.startRotation('hard/api-token');
        fake.failNext(command, fault.error!());
        let failures = 0;
        for (const step of STEPS) {
          const event = { SecretId: 'hard/api-token', ClientRequestToken: token, Step: step };
          const before = deepCopy(event);
          const outcome = await rotateSecret(event, deps, config).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(unchanged(before, event)).toBe(true);
          if (outcome !== undefined) {
            failures += 1;
            expect(isProjectError(outcome)).toBe(true);
            const error = outcome as Error & { retryable: boolean };
            expect(error.retryable).toBe(fault.retryable);
            expect(error.message).toContain(fault.mark!);
            expect(error.message).toMatch(new RegExp(command));
            // AWSCURRENT still holds a complete value.
            expect(fake.value('hard/api-token', CURRENT)).toBeTruthy();
            // Secrets Manager retries the step.
            await rotateSecret(event, deps, config);
          }
        }
        fake.completeRotation('hard/api-token');
        expect(failures).toBe(1);
        expect(fake.versionWith('hard/api-token', CURRENT)).toBe(token);
        expect(fake.value('hard/api-token')).not.toBe('initial-token-value-0001');
        expect(fake.versionWith('hard/api-token', PENDING)).toBeUndefined();
        for (const n of notifier.sent)
          expect(badTokens(`${formatSubject(n)}\n${formatEmail(n)}`, {})).toEqual([]);
      } finally {
        fake.restore();
      }
    },
  );
});

describe('ECS UpdateService (restarting the consumers)', () => {
  const ecs = mockClient(ECSClient);
  afterAll(() => ecs.restore());

  it.each(ERROR_FAULTS.map((f) => [f.name, f] as const))(
    '%s: adapter error names the service and keeps the cause',
    async (_n, fault) => {
      ecs.reset();
      ecs.on(UpdateServiceCommand).rejects(fault.error!());
      const error = await ecsAdapter(new ECSClient({ region: 'us-east-1' }))
        .forceNewDeployment('django-app', 'web')
        .catch((e: unknown) => e);
      expect(isProjectError(error)).toBe(true);
      expect((error as { retryable: boolean }).retryable).toBe(fault.retryable);
      expect((error as Error).message).toMatch(/ecs:UpdateService django-app\/web failed/);
      expect((error as Error).message).toContain(fault.mark!);
    },
  );

  it('partial response (no deployments): no deployment id, no crash', async () => {
    ecs.reset();
    ecs.on(UpdateServiceCommand).resolves({});
    await expect(
      ecsAdapter(new ECSClient({ region: 'us-east-1' })).forceNewDeployment('django-app', 'web'),
    ).resolves.toEqual({});
  });

  it('a consumer restart that fails after the rotation completed is reported, and AWSCURRENT is the new value', async () => {
    const fake = new FakeSecretsManager();
    try {
      fake.createSecret('hard/app/api-token', 'initial-token-value-0002');
      const notifier = recordingNotifier();
      const ecsPort = fakeEcs();
      ecsPort.failFor.add('web');
      const deps = rotationDeps(fake, { notifier, ecs: ecsPort });
      const config = testConfig({
        CLUSTER_NAME: 'django-app',
        SECRET_CONSUMERS: JSON.stringify([{ secret: 'hard/app/*', services: ['web', 'worker'] }]),
      });
      const token = fake.startRotation('hard/app/api-token');
      for (const step of STEPS)
        await rotateSecret(
          { SecretId: 'hard/app/api-token', ClientRequestToken: token, Step: step },
          deps,
          config,
        );
      expect(fake.versionWith('hard/app/api-token', CURRENT)).toBe(token);
      expect(ecsPort.deployments).toEqual(['django-app/worker']);
      const text = notifier.sent.map((n) => `${formatSubject(n)}\n${formatEmail(n)}`).join('\n');
      expect(text).toMatch(/web/);
      expect(text).toMatch(/AccessDeniedException|not allowed/);
      expect(badTokens(text, {})).toEqual([]);
    } finally {
      fake.restore();
    }
  });
});
