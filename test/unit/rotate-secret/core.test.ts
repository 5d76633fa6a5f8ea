import {
  GetRandomPasswordCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { PermanentError } from '../../../shared/errors';
import { chooseStrategy, consumersOf, guard, rotateSecret } from '../../../functions/rotate-secret/core';
import { checkSameTarget } from '../../../functions/rotate-secret/strategies/database';
import type { RotationDeps, SecretMetadata } from '../../../functions/rotate-secret/ports';
import type { RotationStep } from '../../../functions/rotate-secret/schema';
import { parseEvent, parseRotationEvent, secretNameOf } from '../../../functions/rotate-secret/schema';
import rotationFailed from '../../../events/rotate-secret/rotationFailed.json';
import {
  CURRENT,
  FakeSecretsManager,
  PENDING,
  PREVIOUS,
} from '../../../local/rotate-secret/fake-secrets-manager';
import {
  fakeEcs,
  recordingNotifier,
  rotationDeps,
  runFullRotation,
  testConfig,
} from '../../../local/rotate-secret/rotation';

const META: SecretMetadata = {
  arn: 'arn:x',
  name: 'app/db',
  rotationEnabled: true,
  versions: { v1: [CURRENT], v2: [PENDING], v0: [PREVIOUS] },
  tags: {},
};
const DB_SECRET = {
  engine: 'postgres',
  host: 'db.internal',
  port: 5432,
  username: 'app',
  password: 'Current-pw-1234',
  dbname: 'app',
  masterarn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/master-AbCdEf',
};

describe('guard', () => {
  it('stops quietly when the version is already AWSCURRENT', () => {
    expect(guard(META, 'v1')).toMatch(/already AWSCURRENT/);
  });
  it('lets an AWSPENDING version through', () => {
    expect(guard(META, 'v2')).toBeUndefined();
  });
  it('fails for a version that is neither current nor pending, an unknown one, or rotation disabled', () => {
    expect(() => guard(META, 'v0')).toThrow(/not AWSPENDING \(stages: AWSPREVIOUS\)/);
    expect(() => guard(META, 'nope')).toThrow(/unknown: it has no stage for rotation/);
    for (const token of ['__proto__', 'constructor', 'valueOf']) {
      expect(() => guard(META, token)).toThrow(/unknown: it has no stage for rotation/);
    }
    expect(() => guard({ ...META, rotationEnabled: false }, 'v2')).toThrow(
      /Rotation is not enabled for secret app\/db/,
    );
  });
});

describe('chooseStrategy', () => {
  it('takes the secret field over the tag, the tag over the default', () => {
    const tagged = { ...META, tags: { 'ops-sentinel:rotation-strategy': 'single-user' } };
    expect(
      chooseStrategy(tagged, JSON.stringify({ ...DB_SECRET, rotationStrategy: 'alternating-users' })),
    ).toEqual({ strategy: 'alternating-users', source: 'secret field' });
    expect(chooseStrategy(tagged, JSON.stringify(DB_SECRET))).toEqual({
      strategy: 'single-user',
      source: 'tag',
    });
    expect(chooseStrategy(META, JSON.stringify(DB_SECRET))).toEqual({
      strategy: 'alternating-users',
      source: 'default',
    });
    expect(chooseStrategy(META, 'plain-django-secret-key')).toEqual({
      strategy: 'random-value',
      source: 'default',
    });
  });
  it('names a misspelt strategy', () => {
    expect(() =>
      chooseStrategy({ ...META, tags: { 'ops-sentinel:rotation-strategy': 'alternate' } }, '{}'),
    ).toThrow(/tag ops-sentinel:rotation-strategy is "alternate"/);
  });
});

describe('consumersOf', () => {
  const config = testConfig({
    CLUSTER_NAME: 'django-app',
    SECRET_CONSUMERS: JSON.stringify([
      { secret: 'app/db', services: ['web'] },
      { secret: 'app/*', services: ['worker'], cluster: 'celery' },
      { secret: 'other/db', services: ['admin'] },
    ]),
  });
  it('matches by name, ARN or prefix, defaulting the cluster', () => {
    expect(consumersOf(META, config)).toEqual([
      { cluster: 'django-app', service: 'web' },
      { cluster: 'celery', service: 'worker' },
    ]);
  });
});

describe('rotateSecret', () => {
  let fake: FakeSecretsManager;
  let deps: RotationDeps & {
    ecs: ReturnType<typeof fakeEcs>;
    notifier: ReturnType<typeof recordingNotifier>;
  };
  beforeEach(() => {
    fake = new FakeSecretsManager();
    deps = { ...rotationDeps(fake), ecs: fakeEcs(), notifier: recordingNotifier() };
  });
  afterEach(() => fake.restore());
  const run = (
    SecretId: string,
    ClientRequestToken: string,
    Step: RotationStep,
    env: Record<string, string> = {},
  ) => rotateSecret({ SecretId, ClientRequestToken, Step }, deps, testConfig(env));

  describe('random-value', () => {
    it('replaces one JSON key with a new value of the configured length, keeps the others, and moves the stages', async () => {
      fake.createSecret('app/django', JSON.stringify({ DJANGO_SECRET_KEY: 'old-key-value', OTHER: 'kept' }), {
        tags: {
          'ops-sentinel:random-key': 'DJANGO_SECRET_KEY',
          'ops-sentinel:random-length': '50',
          'ops-sentinel:random-alphabet': 'alphanumeric',
        },
      });
      const first = fake.versionWith('app/django', CURRENT)!;
      const { token, steps } = await runFullRotation(fake, 'app/django', deps, testConfig());
      expect(steps.map((s) => s.result.strategy)).toEqual(Array(4).fill('random-value'));
      expect(fake.stages('app/django')).toEqual({ [first]: [PREVIOUS], [token]: [CURRENT] });
      const now = fake.json('app/django');
      expect(now.OTHER).toBe('kept');
      expect(String(now.DJANGO_SECRET_KEY)).toMatch(/^[A-Za-z0-9]{50}$/);
      expect(fake.mock).toHaveReceivedCommandWith(GetRandomPasswordCommand, {
        PasswordLength: 50,
        ExcludePunctuation: true,
      });
      expect(JSON.stringify(deps.notifier.sent)).not.toContain(String(now.DJANGO_SECRET_KEY));
    });

    it('replaces a plain-text secret whole', async () => {
      fake.createSecret('app/flower', 'old-flower-password');
      fake.queuePasswords('n'.repeat(64));
      await runFullRotation(fake, 'app/flower', deps, testConfig());
      expect(fake.value('app/flower')).toBe('n'.repeat(64));
    });
  });

  describe('createSecret for a database secret', () => {
    it('stores the clone user with a generated password, excluding characters that break connection strings', async () => {
      fake.createSecret('app/db', JSON.stringify(DB_SECRET));
      fake.queuePasswords('Generated-pw-5678');
      const token = fake.startRotation('app/db');
      const result = await run('app/db', token, 'createSecret');
      expect(result).toMatchObject({ outcome: 'done', strategy: 'alternating-users' });
      expect(fake.json('app/db', PENDING)).toEqual({
        ...DB_SECRET,
        username: 'app_clone',
        password: 'Generated-pw-5678',
      });
      expect(fake.mock).toHaveReceivedCommandWith(GetRandomPasswordCommand, {
        PasswordLength: 32,
        ExcludeCharacters: expect.stringContaining('/@"\'\\'),
      });
      expect(fake.mock).toHaveReceivedCommandWith(PutSecretValueCommand, {
        SecretId: 'app/db',
        ClientRequestToken: token,
        VersionStages: [PENDING],
      });
    });

    it('switches back from the clone to the base user', async () => {
      fake.createSecret('app/db', JSON.stringify({ ...DB_SECRET, username: 'app_clone' }));
      const token = fake.startRotation('app/db');
      await run('app/db', token, 'createSecret');
      expect(fake.json('app/db', PENDING).username).toBe('app');
    });

    it('a duplicate createSecret keeps the first pending value', async () => {
      fake.createSecret('app/db', JSON.stringify(DB_SECRET));
      const token = fake.startRotation('app/db');
      await run('app/db', token, 'createSecret');
      const stored = fake.value('app/db', PENDING);
      const again = await run('app/db', token, 'createSecret');
      expect(again.outcome).toBe('no-op');
      expect(fake.value('app/db', PENDING)).toBe(stored);
      expect(fake.mock).toHaveReceivedCommandTimes(PutSecretValueCommand, 1);
    });

    const notFound = () => new ResourceNotFoundException({ message: 'not found', $metadata: {} });
    const pendingRead = (token: string) => (input: Record<string, unknown>) => input.VersionId === token;

    it('a concurrent createSecret that stored first wins: the token is never overwritten with other content', async () => {
      fake.createSecret('app/db', JSON.stringify(DB_SECRET));
      const token = fake.startRotation('app/db');
      await run('app/db', token, 'createSecret');
      const stored = fake.value('app/db', PENDING);
      // A second delivery read the pending version before the first one wrote it.
      fake.failNext('GetSecretValue', notFound(), pendingRead(token));
      const result = await run('app/db', token, 'createSecret');
      expect(result).toMatchObject({
        outcome: 'no-op',
        reason: 'a concurrent invocation stored the pending value first',
      });
      expect(fake.value('app/db', PENDING)).toBe(stored);
      expect(fake.mock).toHaveReceivedCommandTimes(PutSecretValueCommand, 2);
    });

    it('a token reused with different content that cannot be read back as AWSPENDING fails clearly', async () => {
      fake.createSecret('app/db', JSON.stringify(DB_SECRET));
      const token = fake.startRotation('app/db');
      await run('app/db', token, 'createSecret');
      const stored = fake.value('app/db', PENDING);
      fake.failNext('GetSecretValue', notFound(), pendingRead(token));
      fake.failNext('GetSecretValue', notFound(), pendingRead(token));
      await expect(run('app/db', token, 'createSecret')).rejects.toThrow(
        /already holds a different value \(ResourceExistsException\).*start a new rotation/,
      );
      expect(fake.value('app/db', PENDING)).toBe(stored);
    });

    it.each([
      ['postgres', 'a'.repeat(58), /is 64 bytes, over the postgres limit of 63/],
      ['mysql', 'b'.repeat(27), /is 33 characters, over the mysql limit of 32/],
    ])('refuses a %s clone name over the engine limit', async (engine, username, message) => {
      fake.createSecret('app/db', JSON.stringify({ ...DB_SECRET, engine, username }));
      const token = fake.startRotation('app/db');
      await expect(run('app/db', token, 'createSecret')).rejects.toThrow(message);
      expect(fake.mock).not.toHaveReceivedCommand(PutSecretValueCommand);
      expect(deps.notifier.sent.map((n) => n.eventType)).toEqual(['SecretRotationFailed']);
    });

    it('refuses an IAM user (no password) and an alternating secret without masterarn', async () => {
      const { password: _omit, ...iam } = DB_SECRET;
      fake.createSecret('app/iam', JSON.stringify(iam));
      const { masterarn: _m, ...noMaster } = DB_SECRET;
      fake.createSecret('app/nomaster', JSON.stringify(noMaster));
      await expect(run('app/iam', fake.startRotation('app/iam'), 'createSecret')).rejects.toThrow(
        /authenticates with IAM/,
      );
      await expect(run('app/nomaster', fake.startRotation('app/nomaster'), 'createSecret')).rejects.toThrow(
        /no "masterarn"/,
      );
    });
  });

  it('does nothing at all for a version that is already AWSCURRENT', async () => {
    fake.createSecret('app/db', JSON.stringify(DB_SECRET));
    const current = fake.versionWith('app/db', CURRENT)!;
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      expect(await run('app/db', current, step)).toMatchObject({
        outcome: 'no-op',
        reason: expect.stringMatching(/already AWSCURRENT/),
      });
    }
    expect(fake.mock).not.toHaveReceivedCommand(PutSecretValueCommand);
    expect(fake.mock).not.toHaveReceivedCommand(UpdateSecretVersionStageCommand);
    expect(deps.ecs.deployments).toEqual([]);
  });

  it('with DRY_RUN makes no mutating call and says which it would have made', async () => {
    fake.createSecret('app/flower', 'old-flower-password');
    const token = fake.startRotation('app/flower');
    const created = await run('app/flower', token, 'createSecret', { DRY_RUN: 'true' });
    expect(created.actions).toEqual([
      expect.stringMatching(/^would PutSecretValue app\/flower version .* stage AWSPENDING/),
    ]);
    // Pretend create happened so finish can be planned.
    await fake.client.send(
      new PutSecretValueCommand({
        SecretId: 'app/flower',
        ClientRequestToken: token,
        SecretString: 'x'.repeat(64),
        VersionStages: [PENDING],
      }),
    );
    fake.mock.resetHistory();
    const finished = await run('app/flower', token, 'finishSecret', {
      DRY_RUN: 'true',
      CLUSTER_NAME: 'django-app',
      SECRET_CONSUMERS: JSON.stringify([{ secret: 'app/flower', services: ['flower'] }]),
    });
    expect(finished.outcome).toBe('dry-run');
    expect(finished.actions).toEqual([
      expect.stringMatching(/^would UpdateSecretVersionStage app\/flower AWSCURRENT → /),
      'would UpdateService django-app/flower forceNewDeployment',
    ]);
    expect(fake.mock).not.toHaveReceivedCommand(PutSecretValueCommand);
    expect(fake.mock).not.toHaveReceivedCommand(UpdateSecretVersionStageCommand);
    expect(deps.ecs.deployments).toEqual([]);
    expect(deps.notifier.sent).toEqual([]);
  });

  it('finishes the rotation even when a redeploy fails, and says how to redeploy by hand', async () => {
    fake.createSecret('app/flower', 'old-flower-password');
    deps.ecs.failFor.add('flower');
    const env = {
      CLUSTER_NAME: 'django-app',
      SECRET_CONSUMERS: JSON.stringify([{ secret: 'app/flower', services: ['web', 'flower'] }]),
    };
    const { token, steps } = await runFullRotation(fake, 'app/flower', deps, testConfig(env));
    expect(fake.versionWith('app/flower', CURRENT)).toBe(token);
    expect(steps[3]!.result).toMatchObject({
      redeployed: ['django-app/web'],
      redeployFailed: [{ service: 'django-app/flower', error: expect.stringMatching(/AccessDenied/) }],
    });
    const [notification] = deps.notifier.sent;
    expect(notification).toMatchObject({ severity: 'warning', eventType: 'SecretRotated' });
    expect(notification!.nextSteps).toEqual([
      'aws ecs update-service --cluster django-app --service flower --force-new-deployment',
    ]);
  });
});

describe('parseRotationEvent', () => {
  it('names the missing or wrong field', () => {
    expect(() => parseRotationEvent({ SecretId: 'x', Step: 'rotate' })).toThrow(/ClientRequestToken.*Step/s);
    expect(() => parseRotationEvent('nope')).toThrow(/Not a Secrets Manager rotation event/);
    expect(parseRotationEvent({ SecretId: 'x', ClientRequestToken: 't', Step: 'testSecret' })).toEqual({
      SecretId: 'x',
      ClientRequestToken: 't',
      Step: 'testSecret',
    });
  });
  it('parseEvent: an EventBridge envelope is the RotationFailed record, anything else a rotation step', () => {
    expect(parseEvent(rotationFailed)).toEqual({
      kind: 'rotation-failed',
      event: expect.objectContaining({ source: 'aws.secretsmanager' }),
    });
    expect(parseEvent({ SecretId: 'x', ClientRequestToken: 't', Step: 'createSecret' })).toEqual({
      kind: 'step',
      event: { SecretId: 'x', ClientRequestToken: 't', Step: 'createSecret' },
    });
    expect(() =>
      parseEvent({ ...rotationFailed, detail: { ...rotationFailed.detail, eventName: 'RotateSecret' } }),
    ).toThrow(/Not a Secrets Manager RotationFailed event .*detail\.eventName/);
    expect(() => parseEvent({ SecretId: 'x', Step: 'rotate' })).toThrow(
      /Not a Secrets Manager rotation event .*ClientRequestToken/,
    );
  });
  it('names secrets by name, not ARN', () => {
    expect(
      secretNameOf('arn:aws:secretsmanager:us-east-1:123456789012:secret:django-app/prod/db-AbCdEf'),
    ).toBe('django-app/prod/db');
    expect(secretNameOf('django-app/prod/db')).toBe('django-app/prod/db');
  });
});

it('PermanentError is what refusals throw (no retry can fix them)', async () => {
  const fake = new FakeSecretsManager();
  fake.createSecret('app/db', JSON.stringify({ ...DB_SECRET, engine: 'oracle' }));
  const deps = rotationDeps(fake);
  await expect(
    rotateSecret(
      { SecretId: 'app/db', ClientRequestToken: fake.startRotation('app/db'), Step: 'createSecret' },
      deps,
      testConfig(),
    ),
  ).rejects.toThrow(PermanentError);
  fake.restore();
});

describe('checkSameTarget', () => {
  const current = {
    engine: 'postgres',
    host: 'db.internal',
    port: 5432,
    username: 'app',
    password: 'Current-pw-1234',
  };
  it('refuses a pending version for another user, port or engine', () => {
    expect(() => checkSameTarget(current, { ...current, username: 'admin' }, 'app', 'app/db')).toThrow(
      /AWSPENDING names user admin, expected app \(AWSCURRENT user app\)/,
    );
    expect(() => checkSameTarget(current, { ...current, port: 5433 }, 'app', 'app/db')).toThrow(
      /AWSPENDING names postgres db\.internal:5433 but AWSCURRENT names postgres db\.internal:5432/,
    );
    expect(() =>
      checkSameTarget(current, { ...current, engine: 'mysql', port: 5432 }, 'app', 'app/db'),
    ).toThrow(/AWSPENDING names mysql/);
    expect(() => checkSameTarget(current, { ...current, password: 'next' }, 'app', 'app/db')).not.toThrow();
  });
});
