/**
 * Building blocks for rotateSecret tests and the benchmark: real-database test users, in-memory
 * ECS and notifier, and `runFullRotation` (all four steps as Secrets Manager would call them).
 * No jest globals: `bench/` imports this module.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../../../shared/config';
import { connect, type DbConnectOptions, type DbConnection, type Engine } from '../../../shared/db/driver';
import type { Notification, Notifier } from '../../../shared/notify';
import { rotateSecret, type RotationResult } from '../../../functions/rotate-secret/core';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { rdsAdapter } from '../../../functions/rotate-secret/adapters/rds';
import type { DbPort, EcsPort, RdsPort, RotationDeps } from '../../../functions/rotate-secret/ports';
import {
  ROTATION_STEPS,
  RotateSecretConfig,
  type RotationStep,
} from '../../../functions/rotate-secret/schema';
import { secretsManagerAdapter } from '../../../functions/rotate-secret/adapters/secrets-manager';
import { createWorld, dropWorld, rdsManagedSecret, type RdsManagedSecret, type World } from '../rds-world';
import type { FakeSecretsManager } from '../../../local/rotate-secret/fake-secrets-manager';

export const PG_PORT = 5432;
export const MYSQL_PORT = 3306;
/** PostgreSQL members of this role must give a password (see local/rotate-secret/pg-password-auth.sh). */
export const PG_PASSWORD_ROLE = 'rot_password_auth';

/** Configuration as the function gets it; tests talk to local servers without TLS. */
export function testConfig(env: Record<string, string> = {}): RotateSecretConfig {
  return loadConfig(RotateSecretConfig, { DB_SSL_MODE: 'disable', DB_CONNECT_TIMEOUT_MS: '3000', ...env });
}

export function recordingNotifier(): Notifier & { sent: Notification[] } {
  const sent: Notification[] = [];
  return {
    sent,
    async notify(n) {
      sent.push(n);
      return { channel: 'console', subject: n.title };
    },
  };
}

export function fakeEcs(): EcsPort & { deployments: string[]; failFor: Set<string> } {
  const deployments: string[] = [];
  const failFor = new Set<string>();
  return {
    deployments,
    failFor,
    async forceNewDeployment(cluster, service) {
      if (failFor.has(service)) throw new Error(`AccessDeniedException: not allowed to update ${service}`);
      deployments.push(`${cluster}/${service}`);
      return { deploymentId: `ecs-svc/${deployments.length}` };
    },
  };
}

/**
 * The real driver, with a switch that makes the next N connections go to a closed port (database
 * down), recording the user of every connection attempt.
 */
export function switchableDb(): DbPort & { downFor: number; attempts: number; logins: string[] } {
  const port: DbPort & { downFor: number; attempts: number; logins: string[] } = {
    downFor: 0,
    attempts: 0,
    logins: [],
    async connect(options: DbConnectOptions) {
      port.attempts += 1;
      port.logins.push(options.user);
      if (port.downFor > 0) {
        port.downFor -= 1;
        return connect({ ...options, port: 1 });
      }
      return connect(options);
    },
  };
  return port;
}

/**
 * RDS answering DescribeDBInstances / DescribeDBClusters (the real adapter on an
 * aws-sdk-client-mock client) with the RDS world's answers for its RDS-managed master secrets,
 * which therefore resolve to the local servers. Any other identifier gets RDS's not-found fault.
 */
export function fakeRds(managed: RdsManagedSecret[]): RdsPort & { mock: ReturnType<typeof mockClient> } {
  const client = new RDSClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const mock = mockClient(client);
  const notFound = (name: string, id: string) =>
    Object.assign(new Error(`${id} not found`), {
      name,
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
    });
  mock.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier?: string }) => {
    const found = managed.find((m) => m.kind === 'instance' && m.dbArn === input.DBInstanceIdentifier);
    if (!found) throw notFound('DBInstanceNotFoundFault', String(input.DBInstanceIdentifier));
    return found.describe;
  });
  mock.on(DescribeDBClustersCommand).callsFake((input: { DBClusterIdentifier?: string }) => {
    const found = managed.find((m) => m.kind === 'cluster' && m.dbArn === input.DBClusterIdentifier);
    if (!found) throw notFound('DBClusterNotFoundFault', String(input.DBClusterIdentifier));
    return found.describe;
  });
  return { ...rdsAdapter(client), mock };
}

const managedMasters = new WeakMap<FakeSecretsManager, RdsManagedSecret[]>();

/**
 * Stores the world's master as RDS does (ManageMasterUserPassword): `rds!db-…`/`rds!cluster-…`,
 * `{"username","password"}` only, tagged with the instance/cluster ARN. `rotationDeps(fake)`
 * then answers the RDS Describe call for it. Returns the secret's ARN (a secret's `masterarn`).
 */
export function addRdsManagedMaster(
  fake: FakeSecretsManager,
  world: World,
  kind: 'instance' | 'cluster' = 'instance',
): string {
  const managed = rdsManagedSecret(world, kind);
  managedMasters.set(fake, [...(managedMasters.get(fake) ?? []), managed]);
  return fake.createSecret(managed.name, managed.secretString, {
    tags: Object.fromEntries(managed.tags.map((t) => [t.Key, t.Value])),
  });
}

export function rotationDeps(fake: FakeSecretsManager, overrides: Partial<RotationDeps> = {}): RotationDeps {
  return {
    secrets: secretsManagerAdapter(fake.client),
    db: switchableDb(),
    ecs: fakeEcs(),
    rds: fakeRds(managedMasters.get(fake) ?? []),
    notifier: recordingNotifier(),
    ...overrides,
  };
}

export interface FullRotation {
  token: string;
  steps: Array<{ step: RotationStep; ms: number; result: RotationResult }>;
  totalMs: number;
}

/** Starts a rotation in the fake and runs the four steps in order, timing each. */
export async function runFullRotation(
  fake: FakeSecretsManager,
  secretId: string,
  deps: RotationDeps,
  config: RotateSecretConfig,
): Promise<FullRotation> {
  const token = fake.startRotation(secretId);
  const steps: FullRotation['steps'] = [];
  const start = performance.now();
  for (const step of ROTATION_STEPS) {
    const t0 = performance.now();
    const result = await rotateSecret(
      { SecretId: secretId, ClientRequestToken: token, Step: step },
      deps,
      config,
    );
    steps.push({ step, ms: performance.now() - t0, result });
  }
  fake.completeRotation(secretId);
  return { token, steps, totalMs: performance.now() - start };
}

// --- real databases -------------------------------------------------------------------------

export function adminOptions(engine: Engine, database?: string): DbConnectOptions {
  return engine === 'postgres'
    ? {
        engine,
        host: '127.0.0.1',
        port: PG_PORT,
        user: 'postgres',
        database: database ?? 'postgres',
        ssl: 'disable',
      }
    : {
        engine,
        host: '127.0.0.1',
        port: MYSQL_PORT,
        user: 'root',
        password: '',
        ...(database ? { database } : {}),
        ssl: 'disable',
      };
}

export async function asAdmin<T>(
  engine: Engine,
  fn: (db: DbConnection) => Promise<T>,
  database?: string,
): Promise<T> {
  const db = await connect(adminOptions(engine, database));
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
): Promise<boolean> {
  try {
    const db = await connect({ ...adminOptions(engine, database), user, password, connectTimeoutMs: 3000 });
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

/**
 * The RDS-shaped world (test/helpers/rds-world) under `prefix`: database `prefix`, a master that
 * is not a superuser (PostgreSQL: CREATEROLE CREATEDB in rds_superuser; MariaDB: RDS's master
 * privilege list), and the app user `${prefix}_app`, which owns the tables Django's migrations
 * made (`items`, `django_migrations`, …). Passwords are enforced (PostgreSQL: rot_password_auth).
 */
export async function createFixture(engine: Engine, prefix: string): Promise<World> {
  return createWorld(engine, prefix);
}

/** Drops the fixture database and every user whose name starts with `prefix`. */
export async function dropFixture(engine: Engine, prefix: string): Promise<void> {
  await dropWorld(engine, prefix);
}

/**
 * Secrets for a rotation test in `fake`: the RDS-managed master secret of `world` and the app's
 * secret `name` (the RDS templates' shape, `masterarn` = the managed secret). Returns its ARN.
 */
export function seedAppSecret(
  fake: FakeSecretsManager,
  world: World,
  name: string,
  strategy: string,
  extra: Record<string, unknown> = {},
): string {
  const masterarn = addRdsManagedMaster(fake, world);
  return fake.createSecret(
    name,
    JSON.stringify({
      engine: world.engine,
      host: world.host,
      port: world.port,
      username: world.app,
      password: world.appPassword,
      dbname: world.database,
      masterarn,
      rotationStrategy: strategy,
      ...extra,
    }),
  );
}

const PG_PASSWORD_AUTH_SCRIPT = join(__dirname, '../../../local/rotate-secret/pg-password-auth.sh');

async function wrongPasswordLogsIn(probe: string): Promise<boolean> {
  await asAdmin('postgres', async (db) => {
    await db.query(
      `DO $$ BEGIN CREATE ROLE ${PG_PASSWORD_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
    );
    await db.query(`DROP ROLE IF EXISTS ${probe}`);
    await db.query(`CREATE ROLE ${probe} LOGIN PASSWORD 'right-one' IN ROLE ${PG_PASSWORD_ROLE}`);
  });
  try {
    return await canLogin('postgres', probe, 'wrong-one');
  } finally {
    await asAdmin('postgres', (db) => db.query(`DROP ROLE IF EXISTS ${probe}`));
  }
}

/**
 * The local PostgreSQL trusts every login from 127.0.0.1, so a wrong password would log in and
 * rotation tests could not fail. When that is so, runs pg-password-auth.sh once (one pg_hba rule
 * requiring passwords for members of rot_password_auth only; idempotent) and checks again;
 * fails loudly if passwords are still not enforced.
 */
export async function assertPasswordsEnforced(prefix: string): Promise<void> {
  const probe = `${prefix}_probe`;
  if (!(await wrongPasswordLogsIn(probe))) return;
  try {
    execFileSync('bash', [PG_PASSWORD_AUTH_SCRIPT], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `PostgreSQL accepts any password and ${PG_PASSWORD_AUTH_SCRIPT} failed: ${(error as Error).message}`,
    );
  }
  if (await wrongPasswordLogsIn(probe)) {
    throw new Error(
      'PostgreSQL at 127.0.0.1 accepts any password (trust auth), so rotation tests could not fail. ' +
        `Run: bash ${PG_PASSWORD_AUTH_SCRIPT} (one pg_hba rule for members of rot_password_auth).`,
    );
  }
}
