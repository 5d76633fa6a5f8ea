/**
 * Rotation failure matrix: a fault injected at each step × strategy × engine, against the real
 * local PostgreSQL and MariaDB. The failing step throws a project error (retryable when a retry
 * can help, so Secrets Manager retries it), the credentials the app uses keep logging in, and the
 * retried rotation converges to an AWSCURRENT that logs in with a new password.
 *
 * single-user has a gap by design (the rotate-secret README): once setSecret changed the user's
 * password and until finishSecret moves AWSCURRENT, only AWSPENDING logs in. alternating-users
 * (the default) has none: AWSCURRENT logs in at every point.
 */
import type { Engine } from '../../../shared/db/driver';
import { rotateSecret } from '../../../functions/rotate-secret/core';
import type { RotationStep, StrategyName } from '../../../functions/rotate-secret/schema';
import { awsError, econnreset } from '../../helpers/hardening/faults';
import { badTokens, deepCopy, isProjectError, unchanged } from '../../helpers/hardening/outcome';
import {
  CURRENT,
  type FakeSecretsManager,
  PENDING,
  throttlingError,
} from '../../../local/rotate-secret/fake-secrets-manager';
import {
  assertPasswordsEnforced,
  rotationDeps,
  type RotationSetUp,
  setUpRotation,
  type switchableDb,
  testConfig,
} from '../../../local/rotate-secret/rotation';
import { formatEmail, formatSubject } from '../../../shared/notify/format';

const STEPS: RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
const PREFIX: Record<Engine, string> = { postgres: 'hard_rot_pg', mysql: 'hard_rot_my' };

type Command = Parameters<FakeSecretsManager['failNext']>[0];
interface Fault {
  what: string;
  inject(fake: FakeSecretsManager, db: ReturnType<typeof switchableDb>): void;
  retryable: boolean;
}
const sm = (command: Command, error: () => Error, retryable: boolean): Fault => ({
  what: `${command} ${(error() as { code?: string }).code ?? error().name}`,
  inject: (fake) => fake.failNext(command, error()),
  retryable,
});
const dbDown: Fault = {
  what: 'database down (ECONNREFUSED)',
  inject: (_f, db) => (db.downFor = 1),
  retryable: true,
};

/** One fault per step and strategy, so the matrix covers throttling, denial, 5xx, timeouts, resets and the database. */
const FAULTS: Record<StrategyName, Record<RotationStep, Fault>> = {
  'alternating-users': {
    createSecret: sm('GetRandomPassword', () => awsError('InternalFailure', 500), true),
    setSecret: dbDown,
    testSecret: sm('GetSecretValue', econnreset, true),
    finishSecret: sm('UpdateSecretVersionStage', () => awsError('AccessDeniedException', 400), false),
  },
  'single-user': {
    createSecret: sm('PutSecretValue', () => awsError('AccessDeniedException', 400), false),
    setSecret: sm('GetSecretValue', () => awsError('TimeoutError', 0), true),
    testSecret: dbDown,
    finishSecret: sm('DescribeSecret', throttlingError, true),
  },
  'random-value': {} as Record<RotationStep, Fault>,
};

const MATRIX = (['postgres', 'mysql'] as const).flatMap((engine) =>
  (['alternating-users', 'single-user'] as const).map(
    (strategy) => [`${engine} ${strategy}`, engine, strategy] as const,
  ),
);

beforeAll(() => assertPasswordsEnforced('hard_rot_probe'));

/**
 * One fixture per engine and strategy (creating a database costs a second); its four cases are
 * four consecutive rotations, each with a fault at another step, as a secret meets them in life.
 */
describe.each(MATRIX)('%s', (_name, engine: Engine, strategy: StrategyName) => {
  const prefix = `${PREFIX[engine]}_${strategy === 'single-user' ? 's' : 'a'}`;
  let rotation: RotationSetUp;

  beforeAll(async () => {
    rotation = await setUpRotation(engine, prefix, strategy);
  }, 120_000);
  afterAll(() => rotation?.tearDown());

  it.each(STEPS.map((failing) => [`${failing} fails (${FAULTS[strategy][failing].what})`, failing] as const))(
    '%s',
    async (_case, failing: RotationStep) => {
      const { fake, secretId: secretName, login } = rotation;
      const deps = rotationDeps(fake);
      const { db, notifier } = deps;
      const config = testConfig({ CLUSTER_NAME: 'django-app' });
      const previous = String(fake.json(secretName).password);
      const token = fake.startRotation(secretName);
      let passwordChanged = false;
      const fault = FAULTS[strategy][failing];

      for (const step of STEPS) {
        if (step === failing) {
          fault.inject(fake, db);
          const event = { SecretId: secretName, ClientRequestToken: token, Step: step };
          const before = deepCopy(event);
          const error = await rotateSecret(event, deps, config).then(
            () => undefined,
            (e: unknown) => e,
          );
          // Fails loudly, with the right retry semantics and a message naming the cause.
          expect(isProjectError(error)).toBe(true);
          expect((error as { retryable: boolean }).retryable).toBe(fault.retryable);
          expect((error as Error).message).toMatch(/injected|ECONNREFUSED|socket hang up|Rate exceeded/);
          expect(unchanged(before, event)).toBe(true);
          // The credentials the app uses still log in.
          if (strategy === 'single-user' && passwordChanged) expect(await login(PENDING)).toBe(true);
          else expect(await login(CURRENT)).toBe(true);
        }
        // Secrets Manager retries the step (or, after a permanent fault, an operator restarts it).
        await rotateSecret({ SecretId: secretName, ClientRequestToken: token, Step: step }, deps, config);
        passwordChanged ||= step === 'setSecret';
        if (strategy === 'alternating-users' || !passwordChanged || step === 'finishSecret')
          expect(await login(CURRENT)).toBe(true);
      }
      fake.completeRotation(secretName);
      expect(fake.versionWith(secretName, CURRENT)).toBe(token);
      expect(await login(CURRENT)).toBe(true);
      expect(fake.json(secretName).password).not.toBe(previous);
      for (const n of notifier.sent) {
        const text = `${formatSubject(n)}\n${formatEmail(n)}`;
        expect(badTokens(text, {})).toEqual([]);
        expect(text).not.toContain(String(fake.json(secretName).password));
      }
    },
  );
});
