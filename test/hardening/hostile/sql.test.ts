/**
 * Hostile SQL input against the real local PostgreSQL and MariaDB. dbIamUser: identifiers and
 * privileges carrying quotes, semicolons, comments, dollar quotes, backticks and unicode are
 * refused before any SQL runs. rotateSecret: a user whose real name and password contain those
 * characters rotates correctly (every statement quotes them), and hostile values that name
 * nothing fail cleanly. In every case a sentinel table still exists and no role the payloads try
 * to create exists afterwards.
 */
import type { Engine } from '../../../shared/db/driver';
import { connect } from '../../../shared/db/driver';
import { invocationPorts } from '../../../functions/db-iam-user/adapters';
import { cfnResponder } from '../../../functions/db-iam-user/adapters/cfn-response';
import { handleEvent, type InvocationDeps } from '../../../functions/db-iam-user/custom-resource';
import { authMethod } from '../../../functions/db-iam-user/dialects/mysql';
import { rotateSecret } from '../../../functions/rotate-secret/core';
import { quoteIdent, quoteLiteral } from '../../../shared/db/postgres-quote';
import type { RotationStep, StrategyName } from '../../../functions/rotate-secret/schema';
import { MARIADB_AUTH_CLAUSE } from '../../helpers/db-iam-user/databases';
import {
  asAdmin,
  canLogin,
  createWorld,
  dropWorld,
  PG_PASSWORD_ROLE,
  PORT,
  type World,
} from '../../../local/rds-world';
import { cfnEvent } from '../../helpers/db-iam-user/events';
import { isProjectError } from '../../helpers/hardening/outcome';
import { CURRENT, FakeSecretsManager } from '../../../local/rotate-secret/fake-secrets-manager';
import {
  addRdsManagedMaster,
  assertPasswordsEnforced,
  recordingNotifier,
  rotationDeps,
  testConfig,
} from '../../../local/rotate-secret/rotation';
import { lambdaContext } from '../../../local/lambda-context';

const ENGINES: Engine[] = ['postgres', 'mysql'];
const SENTINEL = 'hard_sql_sentinel';

/** Payloads that would create a hard_evil_* role or drop the sentinel if they ever became SQL. */
const PAYLOADS = [
  "x'; CREATE ROLE hard_evil_1; --",
  'x"; CREATE ROLE hard_evil_2; --',
  'x`; CREATE USER hard_evil_3; -- ',
  `x; DROP TABLE ${SENTINEL}; --`,
  `x/**/;/**/DROP/**/TABLE/**/${SENTINEL}`,
  'x$$; CREATE ROLE hard_evil_4; $$',
  "x\\'; CREATE ROLE hard_evil_5; #",
  `Robert'); DROP TABLE ${SENTINEL};--`,
  'hard_ünïcödé_名前',
  `hard_${'a'.repeat(100)}`,
];
const PRIVILEGE_PAYLOADS = [
  `SELECT; DROP TABLE ${SENTINEL}`,
  'ALL PRIVILEGES ON *.* TO hard_evil_6',
  'SELECT, INSERT /* */ ; CREATE ROLE hard_evil_7',
  "SELECT' OR '1'='1",
];

async function evidence(engine: Engine, database: string) {
  return asAdmin(
    engine,
    async (db) => {
      const sentinel =
        engine === 'postgres'
          ? await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_tables WHERE tablename = $1`, [
              SENTINEL,
            ])
          : await db.query<{ n: number }>(
              `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?`,
              [database, SENTINEL],
            );
      const evil =
        engine === 'postgres'
          ? await db.query<{ rolname: string }>(
              `SELECT rolname FROM pg_roles WHERE rolname LIKE 'hard\\_evil%'`,
            )
          : await db.query<{ User: string }>(`SELECT User FROM mysql.user WHERE User LIKE 'hard\\_evil%'`);
      return { sentinel: Number(sentinel[0]!.n), evil: evil.length };
    },
    database,
  );
}

describe.each(ENGINES)('dbIamUser on %s (RDS-shaped master, Django-migrated schema)', (engine) => {
  const database = engine === 'postgres' ? 'hard_sql_iam_pg' : 'hard_sql_iam_my';
  let world: World;
  const deps: InvocationDeps = {
    ...invocationPorts(),
    credentials: { get: async () => ({ username: world.master, password: world.masterPassword }) },
    endpoints: { endpointForSecret: async () => undefined },
    connect,
    mysqlAuth: authMethod(MARIADB_AUTH_CLAUSE),
  };
  beforeAll(async () => {
    world = await createWorld(engine, database);
    await asAdmin(engine, (db) => db.query(`CREATE TABLE ${SENTINEL} (id int)`), database);
  }, 120_000);
  afterAll(async () => {
    await dropWorld(engine, database);
  });

  const props = {
    Engine: engine,
    Host: '127.0.0.1',
    Port: String(PORT[engine]),
    Database: database,
    Username: 'hard_sql_iam_user',
    MasterSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hard-master-AbCdEf',
    Ssl: 'disable',
    OnDelete: 'drop',
  };

  /** Runs the custom resource on `event`; its result and the answer CloudFormation received. */
  async function answer(event: ReturnType<typeof cfnEvent>) {
    let answered: Record<string, string> | undefined;
    const result = await handleEvent(
      event,
      lambdaContext({ deadline: Date.now() + 20_000 }),
      {
        ...deps,
        respond: cfnResponder({
          put: async (_url, body) => {
            answered = JSON.parse(body) as Record<string, string>;
            return 200;
          },
          sleep: async () => undefined,
        }),
      },
      {
        dryRun: false,
        marginMs: 5_000,
      },
    );
    return { result, answered };
  }

  const fields = ['Username', 'Database', 'Schema'] as const;
  const cases = [
    ...fields.flatMap((field) => PAYLOADS.map((p) => [field, p] as const)),
    ...PRIVILEGE_PAYLOADS.map((p) => ['Privileges', p] as const),
  ];

  it.each(cases)('%s = %j is refused before any SQL', async (field, payload) => {
    const { result, answered } = await answer(
      cfnEvent('Create', 'http://127.0.0.1:1/cfn', { ...props, [field]: payload }),
    );
    expect(result.changes).toEqual([]);
    expect(answered).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining(field) });
    expect(await evidence(engine, database)).toEqual({ sentinel: 1, evil: 0 });
  });
  it.each(PAYLOADS.flatMap((p) => [['user', p] as const, ['database', p] as const]))(
    'Delete with a PhysicalResourceId whose %s is %j drops nothing',
    async (part, payload) => {
      const user = part === 'user' ? payload : 'hard_sql_iam_user';
      const db = part === 'database' ? payload : database;
      const id = `dbiamuser:v1:${engine}:127.0.0.1:${PORT[engine]}:${db}:${user}`;
      const { result, answered } = await answer(
        cfnEvent('Delete', 'http://127.0.0.1:1/cfn', props, { physicalResourceId: id }),
      );
      expect(result.changes).toEqual([]);
      expect(answered).toMatchObject({
        Status: 'SUCCESS',
        Reason: expect.stringMatching(/Nothing to delete/),
        PhysicalResourceId: id,
      });
      expect(await evidence(engine, database)).toEqual({ sentinel: 1, evil: 0 });
    },
  );
});

/** A real user whose name and password carry every character an injection needs. */
const HOSTILE_USER: Record<Engine, string> = {
  postgres: `hard_rs_o'q"x; DROP TABLE ${SENTINEL};--`,
  mysql: `hard_rs'q"x;--\``,
};
const HOSTILE_PASSWORD = `pa'ss"w;rd\\-- ü$$\``;

describe.each(
  ENGINES.flatMap((e) => (['single-user', 'alternating-users'] as const).map((s) => [e, s] as const)),
)('rotateSecret on %s, %s', (engine: Engine, strategy: StrategyName) => {
  const prefix = `hard_sqlrs_${engine === 'postgres' ? 'pg' : 'my'}_${strategy === 'single-user' ? 's' : 'a'}`;
  const user = `${HOSTILE_USER[engine]}${strategy === 'single-user' ? 's' : 'a'}`;
  let fake: FakeSecretsManager;
  let fixture: World;
  let masterArn: string;

  beforeAll(async () => {
    if (engine === 'postgres') await assertPasswordsEnforced(`${prefix}_probe`);
    fixture = await createWorld(engine, prefix);
    await dropHostile(engine, user);
    if (engine === 'postgres') {
      await asAdmin(engine, async (db) => {
        await db.query(
          `CREATE ROLE ${quoteIdent(user)} LOGIN PASSWORD ${quoteLiteral(HOSTILE_PASSWORD)} IN ROLE ${PG_PASSWORD_ROLE}`,
        );
      });
      await asAdmin(
        engine,
        async (db) => {
          await db.query(`CREATE TABLE ${SENTINEL} (id int)`);
          await db.query(`GRANT SELECT, INSERT ON items TO ${quoteIdent(user)}`);
        },
        fixture.database,
      );
    } else {
      await asAdmin(engine, async (db) => {
        await db.query(`CREATE TABLE ${fixture.database}.${SENTINEL} (id int)`);
        await db.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, HOSTILE_PASSWORD]);
        await db.query(`GRANT SELECT, INSERT ON ${fixture.database}.items TO ?@'%'`, [user]);
      });
    }
    fake = new FakeSecretsManager();
    // The master as RDS manages it: {username, password} only, resolved through its tag.
    masterArn = addRdsManagedMaster(fake, fixture);
    fake.createSecret(
      `${prefix}/app`,
      JSON.stringify({
        engine,
        host: '127.0.0.1',
        port: PORT[engine],
        username: user,
        password: HOSTILE_PASSWORD,
        dbname: fixture.database,
        masterarn: masterArn,
        rotationStrategy: strategy,
      }),
    );
  }, 120_000);
  afterAll(async () => {
    fake?.restore();
    // The database first: PostgreSQL keeps the roles' grants there.
    await dropWorld(engine, prefix);
    await dropHostile(engine, user);
    await dropHostile(engine, `${user}_clone`);
  });

  it('the hostile-named user with a hostile password rotates, AWSCURRENT logs in, nothing else runs', async () => {
    expect(await canLogin(engine, user, HOSTILE_PASSWORD, fixture.database)).toBe(true);
    const notifier = recordingNotifier();
    const deps = rotationDeps(fake, { notifier });
    const config = testConfig({ CLUSTER_NAME: 'django-app' });
    const token = fake.startRotation(`${prefix}/app`);
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as RotationStep[]) {
      await rotateSecret({ SecretId: `${prefix}/app`, ClientRequestToken: token, Step: step }, deps, config);
    }
    fake.completeRotation(`${prefix}/app`);
    const now = fake.json(`${prefix}/app`, CURRENT) as { username: string; password: string };
    expect(now.username).toBe(strategy === 'single-user' ? user : `${user}_clone`);
    expect(await canLogin(engine, now.username, now.password, fixture.database)).toBe(true);
    expect(await evidence(engine, fixture.database)).toEqual({ sentinel: 1, evil: 0 });
  });

  it.each([
    ['a username that names nobody', { username: "hard_nobody'; CREATE ROLE hard_evil_8; --" }],
    ['a dbname with an injection', { dbname: `x'; DROP TABLE ${SENTINEL}; --` }],
    ['a host with a newline', { host: '127.0.0.1\nhost=evil' }],
  ])('%s fails with a project error and runs nothing', async (_n, override) => {
    const name = `${prefix}/bad-${Object.keys(override)[0]}`;
    fake.createSecret(
      name,
      JSON.stringify({
        engine,
        host: '127.0.0.1',
        port: PORT[engine],
        username: user,
        password: 'unused-pw',
        dbname: fixture.database,
        masterarn: masterArn,
        rotationStrategy: strategy,
        ...override,
      }),
    );
    const deps = rotationDeps(fake, { notifier: recordingNotifier() });
    const config = testConfig({ CLUSTER_NAME: 'django-app', DB_CONNECT_TIMEOUT_MS: '2000' });
    const token = fake.startRotation(name);
    let failure: unknown;
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as RotationStep[]) {
      failure = await rotateSecret(
        { SecretId: name, ClientRequestToken: token, Step: step },
        deps,
        config,
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (failure) break;
    }
    expect(isProjectError(failure)).toBe(true);
    expect(fake.versionWith(name, CURRENT)).not.toBe(token);
    expect(await evidence(engine, fixture.database)).toEqual({ sentinel: 1, evil: 0 });
  });
});

async function dropHostile(engine: Engine, user: string): Promise<void> {
  await asAdmin(engine, async (db) => {
    if (engine === 'postgres') {
      await db.query(`DROP OWNED BY ${quoteIdent(user)}`).catch(() => undefined);
      await db.query(`DROP ROLE IF EXISTS ${quoteIdent(user)}`);
    } else {
      await db.query(`DROP USER IF EXISTS ?@'%'`, [user]);
    }
  });
}
