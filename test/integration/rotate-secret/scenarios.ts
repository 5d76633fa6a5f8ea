/**
 * Rotation scenarios against a real database, shared by the PostgreSQL and MariaDB test files
 * (each passes its own `rot_` prefix so the two never touch each other's users).
 */
import { PutSecretValueCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import type { Engine } from '../../../shared/db/driver';
import { PermanentError, RetryableError } from '../../../shared/errors';
import { rotateSecret } from '../../../functions/rotate-secret/core';
import type { RotationDeps } from '../../../functions/rotate-secret/ports';
import type { RotationStep, StrategyName } from '../../../functions/rotate-secret/schema';
import {
  CURRENT,
  FakeSecretsManager,
  PENDING,
  PREVIOUS,
  throttlingError,
} from '../../../local/rotate-secret/fake-secrets-manager';
import {
  asAdmin,
  assertPasswordsEnforced,
  canLogin,
  createFixture,
  dropFixture,
  fakeEcs,
  MYSQL_PORT,
  PG_PORT,
  recordingNotifier,
  rotationDeps,
  runFullRotation,
  switchableDb,
  testConfig,
} from '../../../local/rotate-secret/rotation';

const STEPS: RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

export function rotationScenarios(engine: Engine, prefix: string): void {
  const port = engine === 'postgres' ? PG_PORT : MYSQL_PORT;
  const SECRET = `${prefix}/app/db`;
  const MASTER = `${prefix}/master`;
  let fake: FakeSecretsManager;
  let fixture: Awaited<ReturnType<typeof createFixture>>;
  let deps: RotationDeps & {
    db: ReturnType<typeof switchableDb>;
    ecs: ReturnType<typeof fakeEcs>;
    notifier: ReturnType<typeof recordingNotifier>;
  };
  const config = testConfig({
    CLUSTER_NAME: 'django-app',
    SECRET_CONSUMERS: JSON.stringify([{ secret: `${prefix}/app/*`, services: ['web', 'worker'] }]),
  });

  beforeAll(async () => {
    if (engine === 'postgres') await assertPasswordsEnforced(prefix);
  });

  async function setUp(strategy: StrategyName): Promise<void> {
    fixture = await createFixture(engine, prefix, 'initial-App-pw1', 'initial-Master-pw1');
    fake = new FakeSecretsManager();
    const masterArn = fake.createSecret(
      MASTER,
      JSON.stringify({
        engine,
        host: '127.0.0.1',
        port,
        username: fixture.master,
        password: 'initial-Master-pw1',
      }),
    );
    fake.createSecret(
      SECRET,
      JSON.stringify({
        engine,
        host: '127.0.0.1',
        port,
        username: fixture.app,
        password: 'initial-App-pw1',
        dbname: fixture.database,
        masterarn: masterArn,
        rotationStrategy: strategy,
      }),
    );
    deps = { ...rotationDeps(fake), db: switchableDb(), ecs: fakeEcs(), notifier: recordingNotifier() };
  }

  afterEach(async () => {
    fake?.restore();
    await dropFixture(engine, prefix);
  });

  const step = (Step: RotationStep, token: string) =>
    rotateSecret({ SecretId: SECRET, ClientRequestToken: token, Step }, deps, config);

  async function loginAt(stage: string): Promise<boolean> {
    const s = fake.json(SECRET, stage) as { username: string; password: string };
    return canLogin(engine, s.username, s.password, fixture.database);
  }

  /** Runs `sql` as the user of `stage`; resolves true when it succeeds. */
  async function canRun(stage: string, sql: string): Promise<boolean> {
    const s = fake.json(SECRET, stage) as { username: string; password: string };
    const { connect } = await import('../../../shared/db/driver');
    try {
      const db = await connect({
        engine,
        host: '127.0.0.1',
        port,
        user: s.username,
        password: s.password,
        database: fixture.database,
        ssl: 'disable',
      });
      try {
        await db.query(sql);
        return true;
      } finally {
        await db.close();
      }
    } catch {
      return false;
    }
  }

  describe('alternating-users', () => {
    beforeEach(() => setUp('alternating-users'));

    it('rotates to the clone user with the same privileges, moving the stages, while the old user keeps working', async () => {
      const before = fake.versionWith(SECRET, CURRENT)!;
      const token = fake.startRotation(SECRET);
      for (const s of STEPS) {
        await step(s, token);
        // ECS tasks started before the rotation hold the old password: it must keep working.
        expect(await canLogin(engine, fixture.app, 'initial-App-pw1', fixture.database)).toBe(true);
        expect(await loginAt(CURRENT)).toBe(true);
      }
      expect(fake.stages(SECRET)).toEqual({ [before]: [PREVIOUS], [token]: [CURRENT, PENDING] });
      const now = fake.json(SECRET);
      expect(now.username).toBe(`${fixture.app}_clone`);
      expect(now.password).not.toBe('initial-App-pw1');
      expect(await canRun(CURRENT, "INSERT INTO items (name) VALUES ('from clone')")).toBe(true);
      expect(await canRun(CURRENT, 'SELECT count(*) FROM items')).toBe(true);
      expect(await canRun(CURRENT, 'DELETE FROM items')).toBe(false);
      expect(deps.ecs.deployments).toEqual(['django-app/web', 'django-app/worker']);
      expect(deps.notifier.sent.map((n) => n.eventType)).toEqual(['SecretRotated']);
      expect(JSON.stringify(deps.notifier.sent)).not.toContain(String(now.password));
    });

    it('alternates back to the original user on the next rotation and copies grants that drifted', async () => {
      await runFullRotation(fake, SECRET, deps, config);
      const clone = fake.json(SECRET) as { username: string; password: string };
      // Drift while the clone is current: it gains DELETE; the original user gains UPDATE it should lose.
      await asAdmin(
        engine,
        async (db) => {
          const [c, a] =
            engine === 'postgres'
              ? [`"${clone.username}"`, `"${fixture.app}"`]
              : [`'${clone.username}'@'%'`, `'${fixture.app}'@'%'`];
          const table = engine === 'postgres' ? 'items' : `${fixture.database}.items`;
          await db.query(`GRANT DELETE ON ${table} TO ${c}`);
          await db.query(`GRANT UPDATE ON ${table} TO ${a}`);
        },
        engine === 'postgres' ? fixture.database : undefined,
      );
      await runFullRotation(fake, SECRET, deps, config);
      expect(fake.json(SECRET).username).toBe(fixture.app);
      expect(fake.json(SECRET, PREVIOUS).username).toBe(clone.username);
      expect(await canLogin(engine, clone.username, clone.password, fixture.database)).toBe(true);
      expect(await canRun(CURRENT, 'DELETE FROM items WHERE id < 0')).toBe(true);
      expect(await canRun(CURRENT, "UPDATE items SET name = 'x' WHERE id < 0")).toBe(false);
      expect(await canRun(CURRENT, 'SELECT count(*) FROM items')).toBe(true);
    });

    it('lets each user use the tables the other one created (owned tables, no explicit grants)', async () => {
      const createAs = async (stage: string, table: string) =>
        canRun(stage, `CREATE TABLE ${engine === 'postgres' ? '' : `${fixture.database}.`}${table} (id int)`);
      if (engine === 'mysql') {
        // MySQL has no ownership; the app user needs CREATE to make a table at all.
        await asAdmin(engine, (db) =>
          db.query(`GRANT CREATE, SELECT, INSERT ON ${fixture.database}.* TO ?@'%'`, [fixture.app]),
        );
      } else {
        await asAdmin(
          engine,
          (db) => db.query(`GRANT CREATE ON SCHEMA public TO "${fixture.app}"`),
          fixture.database,
        );
      }
      expect(await createAs(CURRENT, 'made_by_app')).toBe(true);
      await runFullRotation(fake, SECRET, deps, config);
      expect(await canRun(CURRENT, 'INSERT INTO made_by_app VALUES (1)')).toBe(true);
      expect(await createAs(CURRENT, 'made_by_clone')).toBe(true);
      await runFullRotation(fake, SECRET, deps, config);
      expect(fake.json(SECRET).username).toBe(fixture.app);
      expect(await canRun(CURRENT, 'INSERT INTO made_by_clone VALUES (1)')).toBe(true);
      expect(await canRun(CURRENT, 'INSERT INTO made_by_app VALUES (2)')).toBe(true);
      expect(await canRun(PREVIOUS, 'SELECT count(*) FROM made_by_app')).toBe(true);
    });

    it('refuses a wrong master password at setSecret, then converges once the master secret is fixed', async () => {
      const token = fake.startRotation(SECRET);
      await step('createSecret', token);
      fake.setValue(MASTER, CURRENT, JSON.stringify({ ...fake.json(MASTER), password: 'wrong-master' }));
      const failure = step('setSecret', token);
      await expect(failure).rejects.toThrow(PermanentError);
      await expect(failure).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port}.* as ${fixture.master}`));
      await expect(failure).rejects.not.toThrow(/wrong-master/);
      expect(await loginAt(CURRENT)).toBe(true);
      expect(deps.notifier.sent.map((n) => n.eventType)).toEqual(['SecretRotationFailed']);
      fake.setValue(
        MASTER,
        CURRENT,
        JSON.stringify({ ...fake.json(MASTER), password: 'initial-Master-pw1' }),
      );
      for (const s of ['setSecret', 'testSecret', 'finishSecret'] as const) await step(s, token);
      expect(fake.versionWith(SECRET, CURRENT)).toBe(token);
      expect(await loginAt(CURRENT)).toBe(true);
    });

    it('with TLS required (the default) never falls back to plaintext on a server without TLS', async () => {
      const token = fake.startRotation(SECRET);
      await step('createSecret', token);
      const tlsConfig = testConfig({ DB_SSL_MODE: 'verify-full' });
      const failure = rotateSecret(
        { SecretId: SECRET, ClientRequestToken: token, Step: 'setSecret' },
        deps,
        tlsConfig,
      );
      await expect(failure).rejects.toThrow(
        new RegExp(`connect \\(${engine} 127\\.0\\.0\\.1:${port}.*as ${fixture.master}\\) failed`),
      );
      await expect(failure).rejects.toThrow(/SSL|TLS|secure/i);
      expect(
        await canLogin(
          engine,
          `${fixture.app}_clone`,
          String(fake.json(SECRET, PENDING).password),
          fixture.database,
        ),
      ).toBe(false);
      expect(await loginAt(CURRENT)).toBe(true);
    });

    it('refuses a user that authenticates with IAM and changes nothing', async () => {
      if (engine !== 'postgres') return; // MariaDB has no AWSAuthenticationPlugin; the dialect SQL is unit-tested.
      await asAdmin(engine, (db) => db.query(`GRANT rds_iam TO "${fixture.app}"`));
      const token = fake.startRotation(SECRET);
      await step('createSecret', token);
      await expect(step('setSecret', token)).rejects.toThrow(/authenticates with IAM/);
      const rows = await asAdmin(engine, (db) =>
        db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [`${fixture.app}_clone`]),
      );
      expect(rows).toEqual([]);
    });

    it('refuses a pending version that names another host', async () => {
      const token = fake.startRotation(SECRET);
      await step('createSecret', token);
      fake.setValue(
        SECRET,
        PENDING,
        JSON.stringify({ ...fake.json(SECRET, PENDING), host: 'db.elsewhere.internal' }),
      );
      await expect(step('setSecret', token)).rejects.toThrow(
        /AWSPENDING names .*db\.elsewhere\.internal.* but AWSCURRENT names/,
      );
      expect(await loginAt(CURRENT)).toBe(true);
    });
  });

  describe('single-user', () => {
    beforeEach(() => setUp('single-user'));

    it("changes the user's own password; the new one logs in and the old one no longer does", async () => {
      const { token } = await runFullRotation(fake, SECRET, deps, config);
      expect(fake.versionWith(SECRET, CURRENT)).toBe(token);
      expect(fake.json(SECRET).username).toBe(fixture.app);
      expect(await loginAt(CURRENT)).toBe(true);
      expect(await canLogin(engine, fixture.app, 'initial-App-pw1', fixture.database)).toBe(false);
      expect(await canRun(CURRENT, 'SELECT count(*) FROM items')).toBe(true);
    });

    it('logs in with AWSPREVIOUS when AWSCURRENT holds a wrong password, and converges', async () => {
      // Someone pasted a wrong password as a new AWSCURRENT; the right one is now AWSPREVIOUS.
      await fake.client.send(
        new PutSecretValueCommand({
          SecretId: SECRET,
          SecretString: JSON.stringify({ ...fake.json(SECRET), password: 'pasted-wrong' }),
        }),
      );
      const token = fake.startRotation(SECRET);
      await step('createSecret', token);
      const result = await step('setSecret', token);
      expect(result.actions.join(' ')).toMatch(/with AWSPREVIOUS/);
      await step('testSecret', token);
      await step('finishSecret', token);
      expect(await loginAt(CURRENT)).toBe(true);
    });

    it('a duplicate setSecret after the password changed is a no-op', async () => {
      const token = fake.startRotation(SECRET);
      await step('createSecret', token);
      await step('setSecret', token);
      const again = await step('setSecret', token);
      expect(again.outcome).toBe('no-op');
      expect(await loginAt(PENDING)).toBe(true);
    });
  });

  describe.each(['alternating-users', 'single-user'] as const)(
    '%s: failure injected, then retried',
    (strategy) => {
      beforeEach(() => setUp(strategy));

      const injections: Array<[RotationStep, string, () => void, RegExp, typeof RetryableError]> = [
        [
          'createSecret',
          'PutSecretValue throttled',
          () => fake.failNext('PutSecretValue', throttlingError()),
          /PutSecretValue.*ThrottlingException/,
          RetryableError,
        ],
        [
          'setSecret',
          'database down',
          () => (deps.db.downFor = 1),
          new RegExp(`127\\.0\\.0\\.1:1\\b.*\\[ECONNREFUSED\\]`),
          RetryableError,
        ],
        [
          'setSecret',
          'GetSecretValue throttled',
          () => fake.failNext('GetSecretValue', throttlingError()),
          /GetSecretValue.*ThrottlingException/,
          RetryableError,
        ],
        ['testSecret', 'database down', () => (deps.db.downFor = 1), /ECONNREFUSED/, RetryableError],
        [
          'finishSecret',
          'UpdateSecretVersionStage throttled',
          () => fake.failNext('UpdateSecretVersionStage', throttlingError()),
          /UpdateSecretVersionStage.*ThrottlingException/,
          RetryableError,
        ],
      ];

      /**
       * Alternating users: AWSCURRENT logs in at every point. Single user has an unavoidable gap:
       * once setSecret changed the password and until finishSecret moves AWSCURRENT, only the
       * AWSPENDING credentials log in (why alternating-users is the default).
       */
      async function expectWorkingCredentials(passwordChanged: boolean): Promise<void> {
        if (
          strategy === 'single-user' &&
          passwordChanged &&
          fake.versionWith(SECRET, CURRENT) !== fake.versionWith(SECRET, PENDING)
        ) {
          expect(await loginAt(PENDING)).toBe(true);
        } else {
          expect(await loginAt(CURRENT)).toBe(true);
        }
      }

      it.each(injections)(
        '%s fails (%s), the working credentials keep logging in, and the retry converges',
        async (failing, _what, inject, message, type) => {
          const token = fake.startRotation(SECRET);
          let passwordChanged = false;
          for (const s of STEPS) {
            if (s === failing) {
              inject();
              const failure = step(s, token);
              await expect(failure).rejects.toThrow(type);
              await expect(failure).rejects.toThrow(message);
              await expectWorkingCredentials(passwordChanged);
            }
            await step(s, token);
            passwordChanged ||= s === 'setSecret';
            await expectWorkingCredentials(passwordChanged);
          }
          expect(fake.versionWith(SECRET, CURRENT)).toBe(token);
          expect(await loginAt(CURRENT)).toBe(true);
          expect(fake.mock).toHaveReceivedCommandTimes(
            UpdateSecretVersionStageCommand,
            failing === 'finishSecret' ? 2 : 1,
          );
        },
      );

      it('every step delivered twice converges to one rotation, one redeploy and one notification', async () => {
        const token = fake.startRotation(SECRET);
        let pendingAfterCreate: string | undefined;
        for (const s of STEPS) {
          await step(s, token);
          if (s === 'createSecret') pendingAfterCreate = fake.value(SECRET, PENDING);
          await step(s, token);
          await expectWorkingCredentials(s === 'setSecret' || s === 'testSecret');
        }
        expect(fake.value(SECRET, CURRENT)).toBe(pendingAfterCreate);
        expect(await loginAt(CURRENT)).toBe(true);
        expect(fake.mock).toHaveReceivedCommandTimes(PutSecretValueCommand, 1);
        expect(fake.mock).toHaveReceivedCommandTimes(UpdateSecretVersionStageCommand, 1);
        expect(deps.ecs.deployments).toEqual(['django-app/web', 'django-app/worker']);
        expect(deps.notifier.sent).toHaveLength(1);
      });
    },
  );
}
