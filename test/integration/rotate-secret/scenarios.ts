/**
 * Rotation scenarios against a real database, shared by the PostgreSQL and MariaDB test files
 * (each passes its own `rot_` prefix so the two never touch each other's users).
 */
import { DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { PutSecretValueCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import type { Engine } from '../../../shared/db/driver';
import { PermanentError, RetryableError } from '../../../shared/errors';
import { rotateSecret } from '../../../functions/rotate-secret/core';
import { mysqlDialect } from '../../../functions/rotate-secret/dialects/mysql';
import { giveClonePrivileges } from '../../../functions/rotate-secret/strategies/database';
import type { RotationStep, StrategyName } from '../../../functions/rotate-secret/schema';
import {
  as,
  asAdmin,
  canLogin,
  migrate,
  PG_PASSWORD_ROLE,
  PORT,
  rdsManagedSecret,
  relationOwners,
  type World,
} from '../../../local/rds-world';
import {
  CURRENT,
  FakeSecretsManager,
  PENDING,
  PREVIOUS,
  throttlingError,
} from '../../../local/rotate-secret/fake-secrets-manager';
import {
  addRdsManagedMaster,
  assertPasswordsEnforced,
  fakeRds,
  type LocalRotationDeps,
  rotationDeps,
  type RotationSetUp,
  runFullRotation,
  setUpRotation,
  testConfig,
} from '../../../local/rotate-secret/rotation';

const STEPS: RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

export function rotationScenarios(engine: Engine, prefix: string): void {
  const port = PORT[engine];
  const SECRET = `${prefix}/app/db`;
  let rotation: RotationSetUp;
  let fake: FakeSecretsManager;
  let fixture: World;
  let masterArn: string;
  let deps: LocalRotationDeps;
  const config = testConfig({
    CLUSTER_NAME: 'django-app',
    SECRET_CONSUMERS: JSON.stringify([{ secret: `${prefix}/app/*`, services: ['web', 'worker'] }]),
  });

  beforeAll(async () => {
    if (engine === 'postgres') await assertPasswordsEnforced(prefix);
  });

  /**
   * The RDS-shaped world: the master is not a superuser and its secret is the one RDS manages
   * (`{"username","password"}`, tagged with the instance ARN, resolved through DescribeDBInstances),
   * and the app user owns the tables Django's migrations made.
   */
  async function setUp(strategy: StrategyName): Promise<void> {
    rotation = await setUpRotation(engine, prefix, strategy);
    ({ fake, world: fixture } = rotation);
    masterArn = String(fake.json(SECRET).masterarn);
    deps = rotationDeps(fake);
  }

  afterEach(() => rotation?.tearDown());

  const step = (Step: RotationStep, token: string) =>
    rotateSecret({ SecretId: SECRET, ClientRequestToken: token, Step }, deps, config);

  const loginAt = (stage: string) => rotation.login(stage);

  /** Runs `sql` as the user of `stage`; resolves true when it succeeds. */
  async function canRun(stage: string, sql: string): Promise<boolean> {
    const s = fake.json(SECRET, stage) as { username: string; password: string };
    try {
      await as(engine, s.username, s.password, (db) => db.query(sql), fixture.database);
      return true;
    } catch {
      return false;
    }
  }

  /** The world as the user of `stage` sees it, for Django's manage.py. */
  const asStage = (stage: string): World => {
    const s = fake.json(SECRET, stage) as { username: string; password: string };
    return { ...fixture, app: s.username, appPassword: s.password };
  };

  /** Master connections the function opened (it must open none when it refuses). */
  const masterLogins = () => deps.db.logins.filter((u) => u === fixture.master).length;

  describe('alternating-users', () => {
    beforeEach(() => setUp('alternating-users'), 120_000);

    it('rotates to the clone user, moving the stages, while the old user keeps working', async () => {
      const before = fake.versionWith(SECRET, CURRENT)!;
      const token = fake.startRotation(SECRET);
      for (const s of STEPS) {
        await step(s, token);
        // ECS tasks started before the rotation hold the old password: it must keep working.
        expect(await canLogin(engine, fixture.app, fixture.appPassword, fixture.database)).toBe(true);
        expect(await loginAt(CURRENT)).toBe(true);
      }
      expect(fake.stages(SECRET)).toEqual({ [before]: [PREVIOUS], [token]: [CURRENT, PENDING] });
      const now = fake.json(SECRET);
      expect(now.username).toBe(`${fixture.app}_clone`);
      expect(now.password).not.toBe(fixture.appPassword);
      expect(await canRun(CURRENT, "INSERT INTO items (name) VALUES ('from clone')")).toBe(true);
      expect(await canRun(CURRENT, 'SELECT count(*) FROM items')).toBe(true);
      expect(deps.ecs.deployments).toEqual(['django-app/web', 'django-app/worker']);
      expect(deps.notifier.sent.map((n) => n.eventType)).toEqual(['SecretRotated']);
      expect(JSON.stringify(deps.notifier.sent)).not.toContain(String(now.password));
    });

    it("resolves the RDS-managed master through its tag and RDS's Describe call, as AWS's templates do", async () => {
      // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
      const rds = deps.rds as ReturnType<typeof fakeRds>;
      const managed = rdsManagedSecret(fixture, 'instance');
      expect(fake.json(masterArn)).toEqual({ username: fixture.master, password: fixture.masterPassword });
      await runFullRotation(fake, SECRET, deps, config);
      expect(rds.mock).toHaveReceivedCommandWith(DescribeDBInstancesCommand, {
        DBInstanceIdentifier: managed.dbArn,
      });
      expect(rds.mock).not.toHaveReceivedCommand(DescribeDBClustersCommand);
      expect(masterLogins()).toBe(1);
      expect(await loginAt(CURRENT)).toBe(true);
    });

    it('with an Aurora cluster master secret, resolves it with DescribeDBClusters', async () => {
      const clusterArn = addRdsManagedMaster(fake, fixture, 'cluster');
      fake.setValue(SECRET, CURRENT, JSON.stringify({ ...fake.json(SECRET), masterarn: clusterArn }));
      const rds = fakeRds([rdsManagedSecret(fixture, 'cluster')]);
      deps = { ...deps, rds };
      await runFullRotation(fake, SECRET, deps, config);
      expect(rds.mock).toHaveReceivedCommandWith(DescribeDBClustersCommand, {
        DBClusterIdentifier: rdsManagedSecret(fixture, 'cluster').dbArn,
      });
      expect(await loginAt(CURRENT)).toBe(true);
    });

    it("after rotation the clone runs the app's next Django migration and queries; rotating back, the base user uses what the clone made", async () => {
      await runFullRotation(fake, SECRET, deps, config);
      expect(fake.json(SECRET).username).toBe(`${fixture.app}_clone`);
      // A deployment after the rotation: manage.py migrate as the clone (it ALTERs nothing it does
      // not own on MySQL; on PostgreSQL the tables belong to the app user).
      await migrate(asStage(CURRENT), 'shop', '0002_orders');
      expect(await canRun(CURRENT, 'INSERT INTO orders (item_id, quantity) SELECT id, 2 FROM items')).toBe(
        true,
      );
      expect(await canRun(CURRENT, 'UPDATE items SET name = name')).toBe(true);
      expect(await canRun(CURRENT, 'DELETE FROM orders')).toBe(true);
      if (engine === 'postgres') {
        // What the clone creates belongs to the base user, so the next rotation loses nothing.
        expect((await relationOwners(fixture)).orders).toBe(fixture.app);
      }
      // Migrating back (an app rollback) as the clone: DROP TABLE of an app-owned table.
      await migrate(asStage(CURRENT), 'shop', '0001_initial');
      await migrate(asStage(CURRENT), 'shop', '0002_orders');
      await runFullRotation(fake, SECRET, deps, config);
      expect(fake.json(SECRET).username).toBe(fixture.app);
      expect(await canRun(CURRENT, 'INSERT INTO orders (item_id, quantity) SELECT id, 3 FROM items')).toBe(
        true,
      );
      expect(await canRun(PREVIOUS, 'SELECT count(*) FROM orders')).toBe(true);
      await migrate(asStage(CURRENT));
    }, 120_000);

    it('privileges that drift out of band reach the user rotated in', async () => {
      await runFullRotation(fake, SECRET, deps, config);
      const clone = fake.json(SECRET) as { username: string; password: string };
      if (engine === 'postgres') {
        // The clone acts as the app user: a grant to the app user is the clone's at once, and a
        // grant made to the clone itself is not in effect (it works as the app user).
        await asAdmin(
          engine,
          async (db) => {
            await db.query('CREATE TABLE audit (id int)');
            await db.query(`GRANT SELECT ON audit TO "${fixture.app}"`);
            await db.query('CREATE TABLE private_to_clone (id int)');
            await db.query(`GRANT SELECT ON private_to_clone TO "${clone.username}"`);
          },
          fixture.database,
        );
        expect(await canRun(CURRENT, 'SELECT count(*) FROM audit')).toBe(true);
        await runFullRotation(fake, SECRET, deps, config);
        expect(fake.json(SECRET).username).toBe(fixture.app);
        expect(await canRun(CURRENT, 'SELECT count(*) FROM audit')).toBe(true);
        expect(await canRun(CURRENT, 'SELECT count(*) FROM private_to_clone')).toBe(false);
      } else {
        // MySQL: the clone gains SELECT on mysql.db, the app user SELECT on mysql.user; rotating
        // back makes the app user's privileges identical to the clone's.
        await asAdmin(engine, async (db) => {
          await db.query(`GRANT SELECT ON mysql.db TO ?@'%'`, [clone.username]);
          await db.query(`GRANT SELECT ON mysql.user TO ?@'%'`, [fixture.app]);
        });
        await runFullRotation(fake, SECRET, deps, config);
        expect(fake.json(SECRET).username).toBe(fixture.app);
        expect(await canRun(CURRENT, 'SELECT count(*) FROM mysql.db')).toBe(true);
        expect(await canRun(CURRENT, 'SELECT count(*) FROM mysql.user')).toBe(false);
      }
      expect(fake.json(SECRET, PREVIOUS).username).toBe(clone.username);
      expect(await canLogin(engine, clone.username, clone.password, fixture.database)).toBe(true);
      expect(await canRun(CURRENT, 'SELECT count(*) FROM items')).toBe(true);
    });

    it('refuses a wrong master password at setSecret, then converges once the master secret is fixed', async () => {
      const token = fake.startRotation(SECRET);
      await step('createSecret', token);
      const right = fake.value(masterArn)!;
      fake.setValue(
        masterArn,
        CURRENT,
        JSON.stringify({ ...fake.json(masterArn), password: 'wrong-master' }),
      );
      const failure = step('setSecret', token);
      await expect(failure).rejects.toThrow(PermanentError);
      await expect(failure).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port}.* as ${fixture.master}`));
      await expect(failure).rejects.not.toThrow(/wrong-master/);
      expect(await loginAt(CURRENT)).toBe(true);
      expect(deps.notifier.sent.map((n) => n.eventType)).toEqual(['SecretRotationFailed']);
      fake.setValue(masterArn, CURRENT, right);
      for (const s of ['setSecret', 'testSecret', 'finishSecret'] as const) await step(s, token);
      expect(fake.versionWith(SECRET, CURRENT)).toBe(token);
      expect(await loginAt(CURRENT)).toBe(true);
    });

    describe('confused deputy (AWS templates: AWSCURRENT must log in before the master is used)', () => {
      it('refuses a secret naming the master user before any master connection', async () => {
        const token = fake.startRotation(SECRET);
        // As if someone with PutSecretValue on the app secret pointed it at the master.
        fake.setValue(
          SECRET,
          CURRENT,
          JSON.stringify({
            ...fake.json(SECRET),
            username: fixture.master,
            password: fixture.masterPassword,
          }),
        );
        await step('createSecret', token);
        await expect(step('setSecret', token)).rejects.toThrow(/names the master user/);
        expect(masterLogins()).toBe(0);
        expect(await canLogin(engine, fixture.master, fixture.masterPassword, fixture.database)).toBe(true);
      });

      it('refuses a secret naming another user whose password it does not hold, and touches nobody', async () => {
        const other = `${fixture.app}_x`;
        await asAdmin(engine, (db) =>
          engine === 'postgres'
            ? db.query(`CREATE ROLE "${other}" LOGIN PASSWORD 'others-secret-1' IN ROLE ${PG_PASSWORD_ROLE}`)
            : db.query(`CREATE USER ?@'%' IDENTIFIED BY 'others-secret-1'`, [other]),
        );
        const token = fake.startRotation(SECRET);
        fake.setValue(
          SECRET,
          CURRENT,
          JSON.stringify({ ...fake.json(SECRET), username: other, password: 'a-guess' }),
        );
        await step('createSecret', token);
        const failure = step('setSecret', token);
        await expect(failure).rejects.toThrow(PermanentError);
        await expect(failure).rejects.toThrow(
          /AWSCURRENT credentials do not log in .* as .*_x.*confused-deputy/,
        );
        expect(masterLogins()).toBe(0);
        // (MySQL: the other user has no rights on the app database, so log in without one.)
        const otherDb = engine === 'postgres' ? fixture.database : undefined;
        expect(await canLogin(engine, other, 'others-secret-1', otherDb)).toBe(true);
        const clones = await asAdmin(engine, (db) =>
          engine === 'postgres'
            ? db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [`${other}_clone`])
            : db.query('SELECT 1 FROM mysql.user WHERE User = ?', [`${other}_clone`]),
        );
        expect(clones).toEqual([]);
        expect(deps.notifier.sent.map((n) => [n.eventType, n.severity])).toEqual([
          ['SecretRotationFailed', 'critical'],
        ]);
      });
    });

    it('refuses a master secret that has neither host nor an RDS tag', async () => {
      const bare = fake.createSecret(
        `${prefix}/bare-master`,
        JSON.stringify({ username: fixture.master, password: fixture.masterPassword }),
      );
      fake.setValue(SECRET, CURRENT, JSON.stringify({ ...fake.json(SECRET), masterarn: bare }));
      const token = fake.startRotation(SECRET);
      await step('createSecret', token);
      await expect(step('setSecret', token)).rejects.toThrow(
        /has no host\/engine and no aws:rds:primaryDBInstanceArn or aws:rds:primaryDBClusterArn tag/,
      );
      expect(masterLogins()).toBe(0);
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
        new RegExp(`connect \\(${engine} 127\\.0\\.0\\.1:${port}.*as ${fixture.app}\\) failed`),
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

    it("the MySQL clone gets the current user's REQUIRE X509 / ISSUER and keeps its own password", async () => {
      if (engine !== 'mysql') return; // PostgreSQL has no per-user TLS requirement (pg_hba.conf decides).
      // The local MariaDB has no TLS, so a user that requires it cannot log in here: the copy is
      // checked as the master runs it, on the real server.
      const clone = `${fixture.app}_clone`;
      await asAdmin(engine, async (db) => {
        await db.query(`ALTER USER ?@'%' REQUIRE ISSUER '/CN=rds-ca' AND SUBJECT '/CN=django'`, [
          fixture.app,
        ]);
        await db.query(`CREATE USER ?@'%' IDENTIFIED BY 'Clone-pw-0001'`, [clone]);
      });
      const tls = () =>
        asAdmin(engine, (db) =>
          db.query<Record<string, string>>(
            `SELECT ssl_type, CAST(x509_issuer AS CHAR) AS issuer, CAST(x509_subject AS CHAR) AS subject,
                    authentication_string AS auth FROM mysql.user WHERE User = ?`,
            [clone],
          ),
        );
      const [before] = await tls();
      const actions = await as(engine, fixture.master, fixture.masterPassword, (db) =>
        giveClonePrivileges(db, mysqlDialect, fixture.app, clone, '%', {
          engine,
          host: fixture.host,
          username: fixture.master,
        }),
      );
      expect(await tls()).toEqual([
        { ssl_type: 'SPECIFIED', issuer: '/CN=rds-ca', subject: '/CN=django', auth: before!.auth },
      ]);
      expect(actions.join(' ')).toMatch(/TLS requirement set as .*REQUIRE ISSUER \? AND SUBJECT \?/);
      expect(await canLogin(engine, clone, 'Clone-pw-0001')).toBe(false); // TLS now required
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
    beforeEach(() => setUp('single-user'), 120_000);

    it("changes the user's own password; the new one logs in and the old one no longer does", async () => {
      const { token } = await runFullRotation(fake, SECRET, deps, config);
      expect(fake.versionWith(SECRET, CURRENT)).toBe(token);
      expect(fake.json(SECRET).username).toBe(fixture.app);
      expect(await loginAt(CURRENT)).toBe(true);
      expect(await canLogin(engine, fixture.app, fixture.appPassword, fixture.database)).toBe(false);
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
      beforeEach(() => setUp(strategy), 120_000);

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
