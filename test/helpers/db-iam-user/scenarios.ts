/**
 * Every Custom::DbIamUser scenario, run against a real database engine: the same suite for the local
 * PostgreSQL and MariaDB. Each request goes through `handleEvent` (the handler minus the
 * middy/Powertools wiring) and its answer is the PUT captured by a local ResponseURL server.
 */
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { clientConfig } from '../../../shared/aws/client-config';
import { connect, type DbConnectOptions, type Engine } from '../../../shared/db/driver';
import {
  invocationPorts,
  rdsEndpointResolver,
  secretsManagerCredentials,
} from '../../../functions/db-iam-user/adapters';
import { handleEvent, type InvocationDeps } from '../../../functions/db-iam-user/custom-resource';
import { authMethod } from '../../../functions/db-iam-user/dialects/mysql';
import {
  asAdmin,
  createFixture,
  createPasswordUser,
  createSecondDatabase,
  dropFixture,
  type Fixture,
  itemsCount,
  memberships,
  MARIADB_AUTH_CLAUSE,
  PORT,
  tablePrivileges,
  userState,
} from './databases';
import { cfnEvent, type EventOptions, type RequestType, SECRET_ARN } from './events';
import { type ResponseServer, startResponseServer } from '../../../local/db-iam-user/response-server';
import { migrate, mockRdsManagedSecret, rdsManagedSecret, relationOwners } from '../../../local/rds-world';
import { lambdaContext } from '../../../local/lambda-context';

/** PostgreSQL on 127.0.0.1 trusts every login unless the pg_hba rule for rot_password_auth is in place. */
async function assertPasswordsEnforced(engine: Engine, user: string, wrongPassword: string): Promise<void> {
  const wrongWorks = await connect({
    engine,
    host: '127.0.0.1',
    port: PORT[engine],
    user,
    password: wrongPassword,
    ssl: 'disable',
    database: engine === 'postgres' ? 'postgres' : undefined,
  })
    .then(async (db) => {
      await db.close();
      return true;
    })
    .catch(() => false);
  if (wrongWorks) {
    throw new Error(
      `${engine} at 127.0.0.1 accepts any password for ${user} (trust auth), so this test could not fail. ` +
        'Run: bash local/rotate-secret/pg-password-auth.sh (password auth for members of rot_password_auth).',
    );
  }
}

export function describeScenarios(engine: Engine, prefix: string): void {
  const secrets = mockClient(SecretsManagerClient);
  const rds = mockClient(RDSClient);
  let server: ResponseServer;
  let fixture: Fixture;
  let masterPassword: string;
  const deps: InvocationDeps = {
    ...invocationPorts(),
    credentials: secretsManagerCredentials(new SecretsManagerClient(clientConfig())),
    endpoints: rdsEndpointResolver(new SecretsManagerClient(clientConfig()), new RDSClient(clientConfig())),
    connect,
    mysqlAuth: authMethod(MARIADB_AUTH_CLAUSE),
  };
  const user = (name: string) => `${prefix}_${name}`;
  const idOf = (name: string) => `dbiamuser:v1:${engine}:127.0.0.1:${PORT[engine]}:${prefix}:${user(name)}`;

  beforeAll(async () => {
    fixture = await createFixture(engine, prefix);
    server = await startResponseServer();
  });
  afterAll(async () => {
    secrets.restore();
    rds.restore();
    await server?.close();
    await dropFixture(engine, prefix);
  });
  beforeEach(() => {
    masterPassword = fixture.masterPassword;
    rds.reset();
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    secrets.reset();
    secrets.on(GetSecretValueCommand).callsFake(async () => ({
      SecretString: JSON.stringify({
        username: fixture.master,
        password: masterPassword,
        host: '127.0.0.1',
        port: PORT[engine],
      }),
    }));
  });

  const props = (name: string, overrides: Record<string, unknown> = {}) => ({
    Engine: engine,
    Host: '127.0.0.1',
    Port: String(PORT[engine]),
    Database: fixture.database,
    Username: user(name),
    MasterSecretArn: SECRET_ARN,
    Ssl: 'disable',
    ConnectTimeoutSeconds: '5',
    ...overrides,
  });

  /** Every SQL change the requests of this file made, in order. */
  const statements: string[] = [];

  /** Sends one request; returns the body CloudFormation received. */
  async function send(
    type: RequestType,
    properties: Record<string, unknown>,
    options: EventOptions = {},
    run: { deps?: InvocationDeps; remainingMs?: number } = {},
  ) {
    const before = server.accepted().length;
    const result = await handleEvent(
      cfnEvent(type, server.url(), properties, options),
      lambdaContext({ deadline: Date.now() + (run.remainingMs ?? 60_000) }),
      run.deps ?? deps,
      { dryRun: false, marginMs: 2_000 },
    );
    statements.push(...result.changes);
    const received = server.accepted();
    expect(received).toHaveLength(before + 1);
    return received[received.length - 1] as {
      Status: string;
      Reason: string;
      PhysicalResourceId: string;
      Data?: Record<string, string>;
    };
  }

  it('Create makes an IAM user with all privileges on the database and answers SUCCESS with a deterministic id', async () => {
    const response = await send('Create', props('create'));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: idOf('create') });
    expect(response.Data).toEqual({
      Username: user('create'),
      Database: prefix,
      Host: '127.0.0.1',
      Port: String(PORT[engine]),
      Engine: engine,
    });
    expect(await userState(engine, user('create'))).toEqual({ exists: true, iam: true, locked: false });
    expect(await tablePrivileges(engine, user('create'), prefix)).toEqual([
      'SELECT',
      'INSERT',
      'UPDATE',
      'DELETE',
    ]);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
    expect(server.requests[server.requests.length - 1]).toMatchObject({
      method: 'PUT',
      headers: { 'content-type': '' },
    });
  });

  it('a duplicate Create delivery (also concurrent) succeeds with the same id', async () => {
    const first = await send('Create', props('dup'), { requestId: 'same-request' });
    const second = await send('Create', props('dup'), { requestId: 'same-request' });
    // Two deliveries racing: each invocation answers on its own.
    const race = { requestId: 'race-request' };
    await Promise.all(
      [0, 1].map(() =>
        handleEvent(
          cfnEvent('Create', server.url(), props('dup2'), race),
          lambdaContext({ deadline: Date.now() + 60_000 }),
          deps,
          {
            dryRun: false,
            marginMs: 2_000,
          },
        ),
      ),
    );
    const raced = server.accepted().filter((body) => body.RequestId === 'race-request');
    expect([first.Status, second.Status]).toEqual(['SUCCESS', 'SUCCESS']);
    expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(raced.map((body) => [body.Status, body.PhysicalResourceId])).toEqual([
      ['SUCCESS', idOf('dup2')],
      ['SUCCESS', idOf('dup2')],
    ]);
    expect(await userState(engine, user('dup2'))).toEqual({ exists: true, iam: true, locked: false });
  });

  it('an Update that changes only privileges keeps the id and leaves exactly the new privileges', async () => {
    const created = await send('Create', props('priv'));
    const updated = await send('Update', props('priv', { Privileges: ['SELECT'] }), {
      physicalResourceId: created.PhysicalResourceId,
      oldProperties: props('priv'),
    });
    const widened = await send('Update', props('priv', { Privileges: 'select, insert' }), {
      physicalResourceId: created.PhysicalResourceId,
      oldProperties: props('priv', { Privileges: ['SELECT'] }),
    });

    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect(widened).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect(await tablePrivileges(engine, user('priv'), prefix)).toEqual(['SELECT', 'INSERT']);
  });

  it('an Update that renames returns a new id, keeps the old user, and the later Delete of the old id drops it', async () => {
    const oldProps = props('old', { OnDelete: 'drop' });
    const created = await send('Create', oldProps);
    const updated = await send('Update', props('renamed', { OnDelete: 'drop' }), {
      physicalResourceId: created.PhysicalResourceId,
      oldProperties: oldProps,
    });
    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: idOf('renamed') });
    expect((await userState(engine, user('old'))).exists).toBe(true);

    const deleted = await send('Delete', oldProps, { physicalResourceId: created.PhysicalResourceId });

    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect((await userState(engine, user('old'))).exists).toBe(false);
    expect(await userState(engine, user('renamed'))).toEqual({ exists: true, iam: true, locked: false });
  });

  it('after a Database change, the Delete of the old id only takes away the old database (the user serves the new one)', async () => {
    const second = `${prefix}_b`;
    await createSecondDatabase(fixture, second);
    const oldProps = props('moved', { OnDelete: 'drop' });
    const created = await send('Create', oldProps);
    const updated = await send('Update', props('moved', { OnDelete: 'drop', Database: second }), {
      physicalResourceId: created.PhysicalResourceId,
      oldProperties: oldProps,
    });

    const deleted = await send('Delete', oldProps, { physicalResourceId: created.PhysicalResourceId });

    expect(updated.PhysicalResourceId).toBe(
      `dbiamuser:v1:${engine}:127.0.0.1:${PORT[engine]}:${second}:${user('moved')}`,
    );
    expect(deleted.Status).toBe('SUCCESS');
    expect(deleted.Reason).toContain(`still has access to ${second}`);
    expect(await userState(engine, user('moved'))).toEqual({ exists: true, iam: true, locked: false });
    expect(await tablePrivileges(engine, user('moved'), prefix)).toEqual([]);
    expect(await tablePrivileges(engine, user('moved'), second)).toEqual([
      'SELECT',
      'INSERT',
      'UPDATE',
      'DELETE',
    ]);
  });

  it.each([
    ['retain', { exists: true, iam: true, locked: false }],
    ['lock', { exists: true, iam: true, locked: true }],
    ['drop', { exists: false, iam: false, locked: false }],
  ])('Delete with OnDelete: %s', async (onDelete, expected) => {
    const p = props(`del_${onDelete}`, { OnDelete: onDelete });
    const created = await send('Create', p);

    const deleted = await send('Delete', p, { physicalResourceId: created.PhysicalResourceId });

    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect(await userState(engine, user(`del_${onDelete}`))).toEqual(expected);
  });

  it('a user that was locked by Delete is unlocked by a new Create', async () => {
    const p = props('relock', { OnDelete: 'lock' });
    const created = await send('Create', p);
    await send('Delete', p, { physicalResourceId: created.PhysicalResourceId });

    const again = await send('Create', p);

    expect(again.Status).toBe('SUCCESS');
    expect(await userState(engine, user('relock'))).toEqual({ exists: true, iam: true, locked: false });
  });

  it.each(['some-id-from-elsewhere', 'dbiamuser:create-failed:AppDbUser'])(
    'Delete of an unknown id or failed-create marker (%s) is a no-op SUCCESS that touches nothing',
    async (id) => {
      const response = await send('Delete', props('never', { OnDelete: 'drop' }), { physicalResourceId: id });

      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: id });
      expect(secrets).not.toHaveReceivedCommand(GetSecretValueCommand);
    },
  );

  it('an existing password user is refused by default, with a reason that says what to do', async () => {
    await createPasswordUser(engine, user('pwuser'));

    const response = await send('Create', props('pwuser'));

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe('dbiamuser:create-failed:AppDbUser');
    expect(response.Reason).toContain(user('pwuser'));
    expect(response.Reason).toContain('ExistingUser: convert');
    expect(await userState(engine, user('pwuser'))).toEqual({ exists: true, iam: false, locked: false });
  });

  it('an existing password user is converted to IAM with ExistingUser: convert', async () => {
    await createPasswordUser(engine, user('pwconv'));

    const response = await send('Create', props('pwconv', { ExistingUser: 'convert' }));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: idOf('pwconv') });
    expect(response.Reason).toMatch(/Converted/);
    expect(await userState(engine, user('pwconv'))).toEqual({ exists: true, iam: true, locked: false });
  });

  it('Delete with OnDelete: drop removes a user that owns objects, and the objects and their data are kept', async () => {
    const p = props('owner', { OnDelete: 'drop' });
    const created = await send('Create', p);
    const table = `${prefix}_owned`;
    await asAdmin(
      engine,
      async (db) => {
        if (engine === 'postgres') {
          await db.query(`CREATE TABLE ${table} (id int)`);
          await db.query(`ALTER TABLE ${table} OWNER TO ${user('owner')}`);
          await db.query(`INSERT INTO ${table} VALUES (1), (2)`);
        } else {
          await db.query(`CREATE TABLE ${prefix}.${table} (id int)`);
          await db.query(`INSERT INTO ${prefix}.${table} VALUES (1), (2)`);
          await db.query(
            `CREATE DEFINER = '${user('owner')}'@'%' VIEW ${prefix}.${table}_v AS SELECT id FROM ${prefix}.${table}`,
          );
        }
      },
      engine === 'postgres' ? prefix : undefined,
    );

    const deleted = await send('Delete', p, { physicalResourceId: created.PhysicalResourceId });

    expect(deleted).toMatchObject({ Status: 'SUCCESS' });
    expect((await userState(engine, user('owner'))).exists).toBe(false);
    const rows = await asAdmin(
      engine,
      (db) =>
        db.query<{ n: number | string }>(
          `SELECT count(*) AS n FROM ${engine === 'postgres' ? '' : `${prefix}.`}${table}`,
        ),
      engine === 'postgres' ? prefix : undefined,
    );
    expect(Number(rows[0]?.n)).toBe(2);
  });

  it('a wrong master password answers FAILED naming the host and user, never the password', async () => {
    masterPassword = 'definitely-wrong-password';
    await assertPasswordsEnforced(engine, fixture.master, masterPassword);

    const response = await send('Create', props('badpw'));

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe('dbiamuser:create-failed:AppDbUser');
    expect(response.Reason).toContain(`127.0.0.1:${PORT[engine]}`);
    expect(response.Reason).toContain(fixture.master);
    expect(response.Reason).not.toContain('definitely-wrong-password');
    expect((await userState(engine, user('badpw'))).exists).toBe(false);
  });

  it('an unreachable database answers FAILED (Create: marker id; Update and Delete: their own id)', async () => {
    const down = { Host: '127.0.0.1', Port: '1' };
    const create = await send('Create', props('down', down));
    const update = await send('Update', props('down', { ...down, Privileges: ['SELECT'] }), {
      physicalResourceId: idOf('down'),
      oldProperties: props('down'),
    });
    const del = await send('Delete', props('down', { ...down, OnDelete: 'drop' }), {
      physicalResourceId: `dbiamuser:v1:${engine}:127.0.0.1:1:${prefix}:${user('down')}`,
    });

    expect(create).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'dbiamuser:create-failed:AppDbUser',
    });
    expect(create.Reason).toMatch(/127\.0\.0\.1:1.*ECONNREFUSED/);
    expect(update).toMatchObject({ Status: 'FAILED', PhysicalResourceId: idOf('down') });
    expect(del).toMatchObject({ Status: 'FAILED' });
    expect(del.PhysicalResourceId).toContain(':1:');
  });

  it.each([
    ['Username', "x'; DROP TABLE items; --"],
    ['Database', "x'; DROP TABLE items; --"],
    ['Username', 'x"; DROP TABLE items; --'],
    ['Username', 'x`; DROP TABLE items; --'],
    ['Schema', 'public; DROP TABLE items'],
    ['Privileges', 'SELECT ON *.* TO x; DROP TABLE items; --'],
  ])('a hostile %s (%s) is rejected before any secret is read or SQL runs', async (key, value) => {
    const before = await itemsCount(engine, prefix);

    const response = await send('Create', { ...props('hostile'), [key]: value });

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(new RegExp(`^Invalid properties: ${key}`));
    expect(secrets).not.toHaveReceivedCommand(GetSecretValueCommand);
    expect(await itemsCount(engine, prefix)).toBe(before);
  });

  it('a hostile name inside a PhysicalResourceId is a no-op Delete', async () => {
    const id = `dbiamuser:v1:${engine}:127.0.0.1:${PORT[engine]}:${prefix}:x'; DROP TABLE items; --`;

    const response = await send('Delete', props('hostile', { OnDelete: 'drop' }), { physicalResourceId: id });

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: id });
    expect(secrets).not.toHaveReceivedCommand(GetSecretValueCommand);
    expect(await itemsCount(engine, prefix)).toBe(0);
  });

  // ---- the master is RDS's (not a superuser), the app user owns the tables -------------------

  it('Create, Update and the rollback Update succeed on tables the app user owns (Django migrations), and the master keeps no membership', async () => {
    const first = statements.length;
    const wide = props('rollback', { Privileges: ['SELECT', 'INSERT'], OnDelete: 'drop' });
    const narrow = props('rollback', { Privileges: ['SELECT'], OnDelete: 'drop' });
    const created = await send('Create', wide);
    const updated = await send('Update', narrow, {
      physicalResourceId: created.PhysicalResourceId,
      oldProperties: wide,
    });
    // UPDATE_ROLLBACK_IN_PROGRESS: CloudFormation sends the old properties back as an Update.
    const rolledBack = await send('Update', wide, {
      physicalResourceId: created.PhysicalResourceId,
      oldProperties: narrow,
    });

    expect([created.Status, updated.Status, rolledBack.Status]).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(rolledBack.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(await tablePrivileges(engine, user('rollback'), prefix)).toEqual(['SELECT', 'INSERT']);
    if (engine === 'postgres') {
      expect(await tablePrivileges(engine, user('rollback'), prefix, 'django_migrations')).toEqual([
        'SELECT',
        'INSERT',
      ]);
      expect(await memberships(fixture.master)).not.toContain(fixture.app);
      expect(await relationOwners(fixture)).toMatchObject({ items: fixture.app, items_id_seq: fixture.app });
    }

    const deleted = await send('Delete', wide, { physicalResourceId: created.PhysicalResourceId });

    expect(deleted).toMatchObject({ Status: 'SUCCESS', Reason: expect.stringMatching(/^Dropped user/) });
    expect((await userState(engine, user('rollback'))).exists).toBe(false);
    expect(await itemsCount(engine, prefix)).toBe(0);
    if (engine === 'postgres') {
      expect(await memberships(fixture.master)).not.toContain(fixture.app);
      // PostgreSQL 16+ (RDS): the master may grant only roles it holds WITH ADMIN OPTION — rds_iam
      // (through rds_superuser) and roles it created (the app user, the IAM user). The local 15
      // would allow more, so the statements are checked.
      const granted = statements
        .slice(first)
        .map((sql) => /^GRANT "([^"]+)" TO /.exec(sql)?.[1])
        .filter((role): role is string => role !== undefined);
      expect(granted.length).toBeGreaterThan(0);
      expect(granted.filter((r) => !['rds_iam', fixture.app, user('rollback')].includes(r))).toEqual([]);
    }
  });

  it('an Update that only changes how the same server is addressed keeps the PhysicalResourceId, and the stack Delete still reaches the user', async () => {
    const byIp = props('spelling', { OnDelete: 'lock' });
    const byName = props('spelling', { OnDelete: 'lock', Host: 'localhost' });
    const created = await send('Create', byIp);

    const updated = await send('Update', byName, {
      physicalResourceId: created.PhysicalResourceId,
      oldProperties: byIp,
    });

    // A new id would make CloudFormation Delete the old one: that Delete would lock the live user.
    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect(updated.Reason).toContain('PhysicalResourceId kept');
    expect(updated.Data?.Host).toBe('localhost');
    expect(await userState(engine, user('spelling'))).toEqual({ exists: true, iam: true, locked: false });

    const deleted = await send('Delete', byName, { physicalResourceId: created.PhysicalResourceId });
    expect(deleted).toMatchObject({ Status: 'SUCCESS', Reason: expect.stringContaining('localhost') });
    expect(await userState(engine, user('spelling'))).toEqual({ exists: true, iam: true, locked: true });
  });

  it('a Create answered FAILED at its deadline whose statement finishes later: the Delete of its id removes the user it made', async () => {
    // The driver is slow to run CREATE: the deadline answers first, then the statement runs anyway.
    let createRan: () => void = () => undefined;
    const ran = new Promise<void>((resolve) => (createRan = resolve));
    const slowDeps: InvocationDeps = {
      ...deps,
      connect: async (options: DbConnectOptions) => {
        const db = await connect(options);
        return {
          engine: db.engine,
          close: () => db.close(),
          async query<T>(sql: string, params?: unknown[]) {
            if (/^CREATE (USER|ROLE)/.test(sql)) {
              await new Promise((resolve) => setTimeout(resolve, 1_500));
              try {
                return await db.query<T>(sql, params);
              } finally {
                setTimeout(createRan, 200);
              }
            }
            return db.query<T>(sql, params);
          },
        };
      },
    };
    const p = props('late', { OnDelete: 'drop', ConnectTimeoutSeconds: '2' });

    // 2.5 s left, 2 s kept to answer: the deadline answers 0.5 s in, while CREATE waits.
    const failed = await send('Create', p, {}, { deps: slowDeps, remainingMs: 2_500 });
    await ran;

    expect(failed.Status).toBe('FAILED');
    expect(failed.Reason).toMatch(/^Timed out/);
    const deleted = await send('Delete', p, { physicalResourceId: failed.PhysicalResourceId });

    expect(deleted.Status).toBe('SUCCESS');
    // MySQL's CREATE USER commits on its own; PostgreSQL's transaction is rolled back.
    expect(deleted.Reason).toMatch(
      engine === 'mysql' ? /^Dropped user .*finished after the Create was answered/ : /left no IAM user/,
    );
    expect((await userState(engine, user('late'))).exists).toBe(false);
  });

  it('an existing password user is never touched by the Delete of an unfinished Create', async () => {
    await createPasswordUser(engine, user('handmade'));

    const deleted = await send('Delete', props('handmade', { OnDelete: 'drop' }), {
      physicalResourceId: 'dbiamuser:create-unfinished:AppDbUser',
    });

    expect(deleted).toMatchObject({ Status: 'SUCCESS', Reason: expect.stringMatching(/left no IAM user/) });
    expect(await userState(engine, user('handmade'))).toEqual({ exists: true, iam: false, locked: false });
  });

  it.each(['instance', 'cluster'] as const)(
    'with an RDS-managed master secret ({"username","password"} only, %s) the endpoint comes from RDS',
    async (kind) => {
      const secret = rdsManagedSecret(fixture, kind);
      mockRdsManagedSecret(secret, {
        secretsManager: { stub: secrets, GetSecretValueCommand, DescribeSecretCommand },
        rds: { stub: rds, DescribeDBInstancesCommand, DescribeDBClustersCommand },
      });
      const p = props(`managed_${kind}`, { MasterSecretArn: secret.arn });
      delete (p as Record<string, unknown>).Host;
      delete (p as Record<string, unknown>).Port;

      const response = await send('Create', p);

      expect(response).toMatchObject({ Status: 'SUCCESS' });
      expect(response.Data).toMatchObject({ Host: '127.0.0.1', Port: String(PORT[engine]) });
      // DescribeSecret for the tag, then the one instance or cluster it names (no listing of all).
      expect(secrets).toHaveReceivedCommandWith(DescribeSecretCommand, { SecretId: secret.arn });
      if (kind === 'cluster') {
        expect(rds).toHaveReceivedCommandWith(DescribeDBClustersCommand, {
          DBClusterIdentifier: secret.dbArn,
        });
        expect(rds).not.toHaveReceivedCommand(DescribeDBInstancesCommand);
      } else {
        expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, {
          DBInstanceIdentifier: secret.dbArn,
        });
        expect(rds).not.toHaveReceivedCommand(DescribeDBClustersCommand);
      }
      expect(await userState(engine, user(`managed_${kind}`))).toEqual({
        exists: true,
        iam: true,
        locked: false,
      });
    },
  );

  it('tables the app creates after the user (a later Django migration, as the app user) are covered', async () => {
    const created = await send('Create', props('later', { Privileges: ['SELECT'] }));
    expect(created.Status).toBe('SUCCESS');

    await migrate(fixture, 'shop', '0002_orders');

    expect(await tablePrivileges(engine, user('later'), prefix, 'orders')).toEqual(['SELECT']);
  });
}
