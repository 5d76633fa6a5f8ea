/**
 * handleInvocation, core's entry point, on what parseEvent (schema.ts) makes of the input, as the
 * handler calls them: which event is which, what is logged and counted, with fakes of every port
 * (the decisions the handler used to make, now testable without Powertools).
 */
import { handleInvocation as handle } from '../../../functions/rotate-secret/core';
import type { RotateSecretDeps } from '../../../functions/rotate-secret/ports';
import { parseEvent } from '../../../functions/rotate-secret/schema';
import { CURRENT, FakeSecretsManager } from '../../../local/rotate-secret/fake-secrets-manager';
import rotationFailed from '../../../events/rotate-secret/rotationFailed.json';
import { captureEmf } from '../../helpers/emf';
import { fakeEcs, recordingNotifier, rotationDeps, testConfig } from '../../../local/rotate-secret/rotation';

/** The handler's parse → core (async, as in middy: an invalid event is a rejection). */
const handleInvocation = async (
  input: unknown,
  deps: RotateSecretDeps,
  config: Parameters<typeof handle>[2],
  remainingMs?: () => number,
) => handle(parseEvent(input), deps, config, remainingMs);

function recordingPorts() {
  const lines: Array<{ level: 'info' | 'warn'; message: string; extra?: Record<string, unknown> }> = [];
  const keys: Array<Record<string, string>> = [];
  const steps: Array<[string, string]> = [];
  return {
    lines,
    keys,
    steps,
    log: {
      info: (message: string, extra?: Record<string, unknown>) =>
        void lines.push({ level: 'info', message, extra }),
      warn: (message: string, extra?: Record<string, unknown>) =>
        void lines.push({ level: 'warn', message, extra }),
      appendKeys: (k: Record<string, string>) => void keys.push(k),
    },
    metrics: { rotationStep: (strategy: string, step: string) => void steps.push([strategy, step]) },
  };
}

describe('handleInvocation', () => {
  let fake: FakeSecretsManager;
  let ports: ReturnType<typeof recordingPorts>;
  let deps: RotateSecretDeps & {
    notifier: ReturnType<typeof recordingNotifier>;
    ecs: ReturnType<typeof fakeEcs>;
  };
  beforeEach(() => {
    fake = new FakeSecretsManager();
    ports = recordingPorts();
    deps = {
      ...rotationDeps(fake),
      ecs: fakeEcs(),
      notifier: recordingNotifier(),
      log: ports.log,
      metrics: ports.metrics,
    };
  });
  afterEach(() => fake.restore());

  it("notifies Secrets Manager's RotationFailed event and logs its title; no rotation step is counted", async () => {
    const result = await handleInvocation(rotationFailed, deps, testConfig());

    const title = 'django-app/prod/db: Secrets Manager reports the rotation failed';
    expect(result).toEqual({ notified: title });
    expect(deps.notifier.sent.map((n) => n.title)).toEqual([title]);
    expect(ports.lines).toEqual([
      { level: 'info', message: 'rotation failure reported by Secrets Manager', extra: { title } },
    ]);
    expect(ports.steps).toEqual([]);
    expect(fake.mock.calls()).toHaveLength(0);
  });

  it('a rotation step: keys for every later log line, one RotationSteps by strategy and step, one info line', async () => {
    fake.createSecret('app/flower', 'old-flower-password');
    const token = fake.startRotation('app/flower');

    const result = await handleInvocation(
      { SecretId: 'app/flower', ClientRequestToken: token, Step: 'createSecret' },
      deps,
      testConfig(),
      () => 30_000,
    );

    expect(result).toMatchObject({ name: 'app/flower', step: 'createSecret', strategy: 'random-value' });
    expect(ports.keys).toEqual([{ rotating: 'app/flower', step: 'createSecret', versionId: token }]);
    expect(ports.steps).toEqual([['random-value', 'createSecret']]);
    expect(ports.lines).toEqual([{ level: 'info', message: 'rotation step', extra: { result } }]);
  });

  it('says dry run in the log line when DRY_RUN is set', async () => {
    fake.createSecret('app/flower', 'old-flower-password');
    const token = fake.startRotation('app/flower');

    await handleInvocation(
      { SecretId: 'app/flower', ClientRequestToken: token, Step: 'createSecret' },
      deps,
      testConfig({ DRY_RUN: 'true' }),
    );

    expect(ports.lines.map((l) => l.message)).toEqual(['rotation step (dry run: nothing changed)']);
  });

  it('warns when a consumer could not be redeployed, and passes the time left to the rotation', async () => {
    fake.createSecret('app/flower', 'old-flower-password');
    const token = fake.startRotation('app/flower');
    const config = testConfig({
      CLUSTER_NAME: 'django-app',
      SECRET_CONSUMERS: JSON.stringify([{ secret: 'app/flower', services: ['web'] }]),
    });
    for (const Step of ['createSecret', 'setSecret', 'testSecret'] as const)
      await handleInvocation({ SecretId: 'app/flower', ClientRequestToken: token, Step }, deps, config);

    // 5 s left: less than the reserve kept for the answer, so no redeploy is started.
    const result = await handleInvocation(
      { SecretId: 'app/flower', ClientRequestToken: token, Step: 'finishSecret' },
      deps,
      config,
      () => 5_000,
    );

    expect(fake.versionWith('app/flower', CURRENT)).toBe(token);
    expect(result).toMatchObject({
      redeployFailed: [
        { service: 'django-app/web', error: 'not attempted: only 5 s of the invocation left' },
      ],
    });
    expect(deps.ecs.deployments).toEqual([]);
    expect(ports.lines.at(-1)).toEqual({
      level: 'warn',
      message: 'rotation complete, but not every consumer was redeployed or told',
      extra: { result },
    });
    expect(ports.steps.at(-1)).toEqual(['random-value', 'finishSecret']);
  });

  it('an invalid event is thrown, naming the field, before anything is logged or counted', async () => {
    await expect(
      handleInvocation({ SecretId: 'x', ClientRequestToken: 't', Step: 'rotate' }, deps, testConfig()),
    ).rejects.toThrow(/Not a Secrets Manager rotation event .*Step/);
    expect(ports.lines).toEqual([]);
    expect(ports.keys).toEqual([]);
    expect(ports.steps).toEqual([]);
  });
});

describe('rotationMetrics (the metrics port on emitMetrics)', () => {
  it('writes one RotationSteps line with exactly the Strategy and Step dimensions', async () => {
    const { rotationMetrics } = await import('../../../functions/rotate-secret/adapters/metrics');
    const lines = await captureEmf(() => rotationMetrics.rotationStep('single-user', 'finishSecret'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!._aws.CloudWatchMetrics).toEqual([
      expect.objectContaining({
        Namespace: 'OpsSentinel',
        Dimensions: [['Strategy', 'Step']],
        Metrics: [expect.objectContaining({ Name: 'RotationSteps', Unit: 'Count' })],
      }),
    ]);
    expect(lines[0]).toMatchObject({ Strategy: 'single-user', Step: 'finishSecret', RotationSteps: 1 });
  });
});
