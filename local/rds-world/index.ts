/**
 * The RDS-shaped world: the local PostgreSQL 15 and MariaDB 10.11 set up the way RDS hands them
 * to a team, so that dbIamUser and rotateSecret tests, the sandbox and the bench run no kinder
 * than production. No jest globals here.
 *
 * API
 *   const world = await createWorld('postgres', 'myprefix');        // or 'mysql' (MariaDB)
 *   world.master / world.masterPassword   RDS-like master user (never a superuser)
 *   world.app / world.appPassword         the app user; Django's migrations ran as it, so it owns
 *                                         `items`, `django_migrations`, their sequences, ...
 *   world.database                        the app database (= prefix)
 *   await migrate(world, 'shop', '0002_orders')   a later migration as the app user (`orders`)
 *   await dropWorld('postgres', 'myprefix')       drops the database and every `myprefix_*` role
 *   rdsManagedSecret(world, 'instance' | 'cluster')  the RDS-managed master secret and the
 *       DescribeDBInstances/DescribeDBClusters answers that resolve it to the local endpoint;
 *       mockRdsManagedSecret(secret, { secretsManager, rds }) installs them in aws-sdk-client-mock.
 *   asAdmin(engine, fn, database?)        the local superuser: builds the stand-ins, inspects.
 *   as(engine, user, password, fn, database?) / canLogin(engine, user, password, database?)
 *   Another server (the sandbox's embedded PostgreSQL): pass `server` to createWorld/dropWorld.
 *
 * What is modelled, and from which AWS doc:
 *
 * PostgreSQL — https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.rds_superuser.html
 * and https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.MasterAccounts.html:
 * the master is `CREATE ROLE ... LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION`,
 * member of `rds_superuser`. `rds_superuser` (NOLOGIN, NOSUPERUSER) may grant and revoke
 * `rds_replication` and `rds_password`, sees every connection (pg_stat_activity) and may stop
 * them (pg_signal_backend), i.e. on RDS it is a member of pg_monitor, pg_signal_backend,
 * rds_replication and rds_password (the last two WITH ADMIN OPTION), and grants `rds_iam` to
 * users ("GRANT rds_iam TO db_user", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.DBAccounts.html),
 * so it holds rds_iam WITH ADMIN OPTION too. The master is NOT a member of the app user's role:
 * it cannot grant on, revoke on or drop privileges of objects the app user owns unless it first
 * makes itself a member (CREATEROLE allows that on RDS for objects of roles it may administer).
 * Limit of the stand-in: the local server is PostgreSQL 15, where CREATEROLE may grant any
 * non-superuser role; on RDS for PostgreSQL 16+ the master may grant only roles it holds with
 * ADMIN OPTION (rds_iam, rds_password via rds_superuser, and roles it created). Code under test
 * must therefore only grant rds_iam and roles the master created; the tests check the statements.
 *
 * MySQL/MariaDB — https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.MasterAccounts.html:
 * the master holds exactly SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS,
 * REFERENCES, INDEX, ALTER, SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE,
 * REPLICATION CLIENT, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT,
 * TRIGGER, REPLICATION SLAVE ON *.* WITH GRANT OPTION — no SUPER, FILE, SHUTDOWN (nor, on
 * MariaDB, DELETE HISTORY: so `GRANT ALL ON db.*` by the master is refused there).
 *
 * App schema — Django's `manage.py migrate` (Debian python3-django 3.2, psycopg2 / MySQLdb)
 * connected as the app user, as a deployment runs it: the app user owns its tables and sequences
 * (django_migrations_id_seq, items_id_seq, ...). The database itself is created by the master
 * (owner: master), the app user gets CONNECT and CREATE on the schema, as RDS setup guides do.
 *
 * RDS-managed master secrets — https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html:
 * `ManageMasterUserPassword` secrets are named `rds!db-<uuid>` / `rds!cluster-<uuid>`, hold only
 * {"username","password"}, are owned by RDS (OwningService "rds") and tagged
 * `aws:rds:primaryDBInstanceArn` / `aws:rds:primaryDBClusterArn`; host, port and engine come
 * from DescribeDBInstances / DescribeDBClusters (MasterUserSecret.SecretArn points back).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { connect, type DbConnection, type Engine } from '../../shared/db/driver';

const run = promisify(execFile);

export const PORT = { postgres: 5432, mysql: 3306 } as const;
/** PostgreSQL members of this role must give a password (scripts/ensure-services.sh adds the pg_hba rule). */
export const PG_PASSWORD_ROLE = 'rot_password_auth';
export const PG_RDS_SUPERUSER = 'rds_superuser';

/** What rds_superuser holds on RDS for PostgreSQL (see the module comment for the docs). */
export const RDS_SUPERUSER_MEMBERSHIPS = [
  { role: 'pg_monitor', admin: false },
  { role: 'pg_signal_backend', admin: false },
  { role: 'rds_replication', admin: true },
  { role: 'rds_password', admin: true },
  { role: 'rds_iam', admin: true },
] as const;

/** The RDS for MySQL / MariaDB master user's privileges, WITH GRANT OPTION (see the module comment). */
export const RDS_MYSQL_MASTER_PRIVILEGES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'RELOAD',
  'PROCESS',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'SHOW DATABASES',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'REPLICATION CLIENT',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'CREATE USER',
  'EVENT',
  'TRIGGER',
  'REPLICATION SLAVE',
] as const;

/** What the app user gets on its database on MySQL: what the master may grant (no DELETE HISTORY). */
const MYSQL_APP_PRIVILEGES =
  'SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, REFERENCES, CREATE TEMPORARY TABLES, LOCK TABLES, CREATE VIEW, SHOW VIEW, TRIGGER';

/** Where the world is built, and the superuser that builds the stand-ins (default: the local servers). */
export interface Server {
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
}

export function localServer(engine: Engine): Server {
  return {
    host: '127.0.0.1',
    port: PORT[engine],
    adminUser: engine === 'postgres' ? 'postgres' : 'root',
    adminPassword: '',
  };
}

export interface World {
  engine: Engine;
  host: string;
  port: number;
  database: string;
  master: string;
  masterPassword: string;
  app: string;
  appPassword: string;
}

export async function asAdmin<T>(
  engine: Engine,
  fn: (db: DbConnection) => Promise<T>,
  database?: string,
  server: Server = localServer(engine),
): Promise<T> {
  return as(engine, server.adminUser, server.adminPassword, fn, database, server);
}

/** Runs `fn` connected as `user` (a password login, really checked). */
export async function as<T>(
  engine: Engine,
  user: string,
  password: string,
  fn: (db: DbConnection) => Promise<T>,
  database?: string,
  server: Server = localServer(engine),
): Promise<T> {
  const db = await connectAs(engine, user, password, database, server);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** True when `user`/`password` log in and run a query. */
export async function canLogin(
  engine: Engine,
  user: string,
  password: string,
  database?: string,
  server: Server = localServer(engine),
): Promise<boolean> {
  try {
    const db = await connectAs(engine, user, password, database, server, 3000);
    try {
      await db.query('SELECT 1');
      return true;
    } finally {
      await db.close();
    }
  } catch {
    return false;
  }
}

function connectAs(
  engine: Engine,
  user: string,
  password: string,
  database: string | undefined,
  server: Server,
  connectTimeoutMs?: number,
): Promise<DbConnection> {
  return connect({
    engine,
    host: server.host,
    port: server.port,
    user,
    password,
    database: database ?? (engine === 'postgres' ? 'postgres' : undefined),
    ssl: 'disable',
    connectTimeoutMs,
  });
}

const ignoreDuplicate = (error: unknown) => {
  if (!/already exists|duplicate|42710|23505|tuple concurrently/i.test(String((error as Error).message)))
    throw error;
};

/** The stand-in roles RDS provides (idempotent; several test files may run it at once). */
export async function ensureRdsStandIns(server: Server = localServer('postgres')): Promise<void> {
  await asAdmin(
    'postgres',
    async (db) => {
      for (const role of [PG_PASSWORD_ROLE, PG_RDS_SUPERUSER, 'rds_iam', 'rds_password', 'rds_replication']) {
        await db.query(`CREATE ROLE ${role} NOLOGIN NOSUPERUSER`).catch(ignoreDuplicate);
      }
      for (const { role, admin } of RDS_SUPERUSER_MEMBERSHIPS) {
        await db
          .query(`GRANT ${role} TO ${PG_RDS_SUPERUSER}${admin ? ' WITH ADMIN OPTION' : ''}`)
          .catch(ignoreDuplicate);
      }
    },
    undefined,
    server,
  );
}

/**
 * Database `prefix`, master `${prefix}_master`, app user `${prefix}_app`, and Django's migrations
 * (contenttypes, auth, shop up to 0001: `items`) applied as the app user. Drops a previous world of that prefix first.
 */
export async function createWorld(
  engine: Engine,
  prefix: string,
  server: Server = localServer(engine),
): Promise<World> {
  await dropWorld(engine, prefix, server);
  const world: World = {
    engine,
    host: server.host,
    port: server.port,
    database: prefix,
    master: `${prefix}_master`,
    masterPassword: `pw-${prefix}-M4ster`,
    app: `${prefix}_app`,
    appPassword: `pw-${prefix}-App`,
  };
  if (engine === 'postgres') {
    await ensureRdsStandIns(server);
    // The local superuser builds only what RDS builds: the master.
    await asAdmin(
      engine,
      (db) =>
        db.query(
          `CREATE ROLE ${world.master} LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION ` +
            `PASSWORD '${world.masterPassword}' IN ROLE ${PG_RDS_SUPERUSER}, ${PG_PASSWORD_ROLE}`,
        ),
      undefined,
      server,
    );
    // The team's setup, as the master: the app's database and its user.
    await as(
      engine,
      world.master,
      world.masterPassword,
      async (db) => {
        await db.query(`CREATE DATABASE ${world.database}`);
        await db.query(`CREATE ROLE ${world.app} LOGIN PASSWORD '${world.appPassword}'`);
      },
      undefined,
      server,
    );
    // Password checking for the app user is test plumbing (pg_hba), not something the master does.
    await asAdmin(engine, (db) => db.query(`GRANT ${PG_PASSWORD_ROLE} TO ${world.app}`), undefined, server);
    await as(
      engine,
      world.master,
      world.masterPassword,
      async (db) => {
        await db.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${world.database} TO ${world.app}`);
        await db.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${world.app}`);
      },
      world.database,
      server,
    );
  } else {
    await asAdmin(engine, async (db) => {
      await db.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [world.master, world.masterPassword]);
      await db.query(`GRANT ${RDS_MYSQL_MASTER_PRIVILEGES.join(', ')} ON *.* TO ?@'%' WITH GRANT OPTION`, [
        world.master,
      ]);
    });
    await as(engine, world.master, world.masterPassword, async (db) => {
      await db.query(`CREATE DATABASE ${world.database}`);
      await db.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [world.app, world.appPassword]);
      await db.query(`GRANT ${MYSQL_APP_PRIVILEGES} ON ${world.database}.* TO ?@'%'`, [world.app]);
    });
  }
  await migrate(world, 'auth');
  await migrate(world, 'shop', '0001_initial');
  return world;
}

const DJANGO_DIR = path.join(__dirname, 'djangoapp');

/** `manage.py migrate [app [migration]]` connected as the app user (Debian's /usr/bin/python3). */
export async function migrate(world: World, app?: string, migration?: string): Promise<void> {
  const args = [path.join(DJANGO_DIR, 'manage.py'), 'migrate', '--no-input', '-v', '0'];
  if (app) args.push(app);
  if (migration) args.push(migration);
  try {
    await run('/usr/bin/python3', args, {
      cwd: DJANGO_DIR,
      timeout: 120_000,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        PYTHONDONTWRITEBYTECODE: '1',
        WORLD_DB_ENGINE: world.engine,
        WORLD_DB_HOST: world.host,
        WORLD_DB_PORT: String(world.port),
        WORLD_DB_NAME: world.database,
        WORLD_DB_USER: world.app,
        WORLD_DB_PASSWORD: world.appPassword,
      },
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(
      `Django migrate as ${world.app} failed: ${(e.stderr ?? '').trim().split('\n').slice(-3).join(' | ') || e.message}. ` +
        'Run: bash scripts/ensure-services.sh (installs python3-django, python3-psycopg2, python3-mysqldb).',
    );
  }
}

/** Drops database `prefix` (and `prefix_b`) and every user named `prefix_...`. */
export async function dropWorld(
  engine: Engine,
  prefix: string,
  server: Server = localServer(engine),
): Promise<void> {
  await asAdmin(
    engine,
    async (db) => {
      if (engine === 'postgres') {
        for (const name of [prefix, `${prefix}_b`]) {
          await db.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
            [name],
          );
          await db.query(`DROP DATABASE IF EXISTS ${name}`);
        }
        const roles = await db.query<{ rolname: string }>(
          `SELECT rolname FROM pg_roles WHERE rolname LIKE $1 ORDER BY rolname DESC`,
          [`${prefix}\\_%`],
        );
        for (const { rolname } of roles) {
          await db.query(`DROP OWNED BY "${rolname}"`).catch(() => undefined);
        }
        for (const { rolname } of roles) {
          await db.query(`DROP ROLE IF EXISTS "${rolname}"`).catch(() => undefined);
        }
      } else {
        await db.query(`DROP DATABASE IF EXISTS ${prefix}`);
        await db.query(`DROP DATABASE IF EXISTS ${prefix}_b`);
        const users = await db.query<{ User: string; Host: string }>(
          'SELECT User, Host FROM mysql.user WHERE User LIKE ?',
          [`${prefix}\\_%`],
        );
        for (const u of users) await db.query('DROP USER ?@?', [u.User, u.Host]);
      }
    },
    undefined,
    server,
  );
}

/** Owner of each relation (table, sequence) in the world's `public` schema / database. */
export async function relationOwners(world: World): Promise<Record<string, string>> {
  if (world.engine !== 'postgres') return {};
  return asAdmin(
    'postgres',
    async (db) => {
      const rows = await db.query<{ relname: string; owner: string }>(
        `SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v', 'm', 'p') ORDER BY 1`,
      );
      return Object.fromEntries(rows.map((r) => [r.relname, r.owner]));
    },
    world.database,
  );
}

// ---- RDS-managed master secrets --------------------------------------------------------------

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export interface RdsManagedSecret {
  kind: 'instance' | 'cluster';
  arn: string;
  name: string;
  /** The SecretString: {"username","password"} only, as RDS writes it. */
  secretString: string;
  tags: { Key: string; Value: string }[];
  /** ARN of the DB instance or cluster the tag names. */
  dbArn: string;
  dbIdentifier: string;
  /** What DescribeDBInstances / DescribeDBClusters answer for it (endpoint = the local server). */
  describe: { DBInstances?: Record<string, unknown>[]; DBClusters?: Record<string, unknown>[] };
}

const ENGINE_NAME = {
  instance: { postgres: 'postgres', mysql: 'mysql' },
  cluster: { postgres: 'aurora-postgresql', mysql: 'aurora-mysql' },
} as const;

export function rdsManagedSecret(
  world: Pick<World, 'engine' | 'host' | 'port' | 'master' | 'masterPassword' | 'database'>,
  kind: 'instance' | 'cluster',
): RdsManagedSecret {
  const uuid = `0a1b2c3d-${world.database.replace(/[^a-z0-9]/gi, '').slice(0, 12)}`;
  const name = `rds!${kind === 'instance' ? 'db' : 'cluster'}-${uuid}`;
  const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
  const dbIdentifier = `${world.database.replace(/_/g, '-')}-${kind === 'instance' ? 'db' : 'cluster'}`;
  const dbArn = `arn:aws:rds:${REGION}:${ACCOUNT}:${kind === 'instance' ? 'db' : 'cluster'}:${dbIdentifier}`;
  const engine = ENGINE_NAME[kind][world.engine];
  const masterUserSecret = {
    SecretArn: arn,
    SecretStatus: 'active',
    KmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/mrk-1`,
  };
  return {
    kind,
    arn,
    name,
    secretString: JSON.stringify({ username: world.master, password: world.masterPassword }),
    tags: [
      {
        Key: kind === 'instance' ? 'aws:rds:primaryDBInstanceArn' : 'aws:rds:primaryDBClusterArn',
        Value: dbArn,
      },
      { Key: 'aws:secretsmanager:owningService', Value: 'rds' },
    ],
    dbArn,
    dbIdentifier,
    describe:
      kind === 'instance'
        ? {
            DBInstances: [
              {
                DBInstanceIdentifier: dbIdentifier,
                DBInstanceArn: dbArn,
                Engine: engine,
                DBName: world.database,
                MasterUsername: world.master,
                Endpoint: { Address: world.host, Port: world.port },
                MasterUserSecret: masterUserSecret,
              },
            ],
          }
        : {
            DBClusters: [
              {
                DBClusterIdentifier: dbIdentifier,
                DBClusterArn: dbArn,
                Engine: engine,
                DatabaseName: world.database,
                MasterUsername: world.master,
                Endpoint: world.host,
                ReaderEndpoint: world.host,
                Port: world.port,
                MasterUserSecret: masterUserSecret,
              },
            ],
          },
  };
}

/** The subset of aws-sdk-client-mock's stub used here (keeps this module free of SDK types). */
interface StubLike {
  on(command: unknown, input?: unknown): { resolves(value: unknown): unknown };
}

/**
 * Installs the secret into mocked Secrets Manager (GetSecretValue, DescribeSecret) and RDS
 * (DescribeDBInstances / DescribeDBClusters, filtered or not). Pass the command classes so that
 * this module does not pin a particular client import.
 */
export function mockRdsManagedSecret(
  secret: RdsManagedSecret,
  mocks: {
    secretsManager?: { stub: StubLike; GetSecretValueCommand: unknown; DescribeSecretCommand?: unknown };
    rds?: { stub: StubLike; DescribeDBInstancesCommand: unknown; DescribeDBClustersCommand: unknown };
  },
): void {
  const sm = mocks.secretsManager;
  if (sm) {
    sm.stub.on(sm.GetSecretValueCommand).resolves({
      ARN: secret.arn,
      Name: secret.name,
      SecretString: secret.secretString,
      VersionStages: ['AWSCURRENT'],
    });
    if (sm.DescribeSecretCommand) {
      sm.stub.on(sm.DescribeSecretCommand).resolves({
        ARN: secret.arn,
        Name: secret.name,
        OwningService: 'rds',
        Tags: secret.tags,
      });
    }
  }
  const rds = mocks.rds;
  if (rds) {
    rds.stub.on(rds.DescribeDBInstancesCommand).resolves({ DBInstances: secret.describe.DBInstances ?? [] });
    rds.stub.on(rds.DescribeDBClustersCommand).resolves({ DBClusters: secret.describe.DBClusters ?? [] });
  }
}
