/**
 * Building blocks for rotateSecret tests and the benchmark: real-database test users, in-memory
 * ECS and notifier, and `runFullRotation` (all four steps as Secrets Manager would call them).
 * No jest globals: `bench/` imports this module.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../../shared/config';
import { connect, type DbConnectOptions, type DbConnection, type Engine } from '../../shared/db/driver';
import type { Notification, Notifier } from '../../shared/notify';
import { rotateSecret, type RotationResult } from '../../functions/rotate-secret/core';
import type { DbPort, EcsPort, RotationDeps } from '../../functions/rotate-secret/ports';
import { ROTATION_STEPS, RotateSecretConfig, type RotationStep } from '../../functions/rotate-secret/schema';
import { secretsManagerAdapter } from '../../functions/rotate-secret/adapters/secrets-manager';
import type { FakeSecretsManager } from './fake-secrets-manager';

export const PG_PORT = 5432;
export const MYSQL_PORT = 3306;
/** PostgreSQL members of this role must give a password (see pg-password-auth.sh). */
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

/** The real driver, with a switch that makes the next N connections go to a closed port (database down). */
export function switchableDb(): DbPort & { downFor: number; attempts: number } {
  const port: DbPort & { downFor: number; attempts: number } = {
    downFor: 0,
    attempts: 0,
    async connect(options: DbConnectOptions) {
      port.attempts += 1;
      if (port.downFor > 0) {
        port.downFor -= 1;
        return connect({ ...options, port: 1 });
      }
      return connect(options);
    },
  };
  return port;
}

export function rotationDeps(fake: FakeSecretsManager, overrides: Partial<RotationDeps> = {}): RotationDeps {
  return {
    secrets: secretsManagerAdapter(fake.client),
    db: switchableDb(),
    ecs: fakeEcs(),
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
 * A database named `prefix` with a table, an app user `${prefix}_app` that has SELECT/INSERT on
 * it, and a master user `${prefix}_master` able to create users and grant. Passwords are enforced
 * (PostgreSQL: membership of rot_password_auth).
 */
export async function createFixture(
  engine: Engine,
  prefix: string,
  appPassword: string,
  masterPassword: string,
) {
  await dropFixture(engine, prefix);
  const app = `${prefix}_app`;
  const master = `${prefix}_master`;
  if (engine === 'postgres') {
    await asAdmin(engine, async (db) => {
      await db.query(
        `DO $$ BEGIN CREATE ROLE ${PG_PASSWORD_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
      );
      await db.query(
        `DO $$ BEGIN CREATE ROLE rds_iam NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
      );
      await db.query(`CREATE DATABASE ${prefix}`);
      await db.query(
        `CREATE ROLE ${master} LOGIN SUPERUSER PASSWORD '${masterPassword}' IN ROLE ${PG_PASSWORD_ROLE}`,
      );
      await db.query(`CREATE ROLE ${app} LOGIN PASSWORD '${appPassword}' IN ROLE ${PG_PASSWORD_ROLE}`);
    });
    await asAdmin(
      engine,
      async (db) => {
        await db.query('CREATE TABLE items (id serial PRIMARY KEY, name text)');
        await db.query(`GRANT SELECT, INSERT ON items TO ${app}`);
        await db.query(`GRANT USAGE ON SEQUENCE items_id_seq TO ${app}`);
      },
      prefix,
    );
  } else {
    await asAdmin(engine, async (db) => {
      await db.query(`CREATE DATABASE ${prefix}`);
      await db.query(`CREATE TABLE ${prefix}.items (id int AUTO_INCREMENT PRIMARY KEY, name text)`);
      await db.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [master, masterPassword]);
      await db.query(`GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION`, [master]);
      await db.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [app, appPassword]);
      await db.query(`GRANT SELECT, INSERT ON ${prefix}.items TO ?@'%'`, [app]);
    });
  }
  return { app, master, database: prefix };
}

/** Drops the fixture database and every user whose name starts with `prefix`. */
export async function dropFixture(engine: Engine, prefix: string): Promise<void> {
  await asAdmin(engine, async (db) => {
    if (engine === 'postgres') {
      await db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [prefix],
      );
      await db.query(`DROP DATABASE IF EXISTS ${prefix}`);
      const roles = await db.query<{ rolname: string }>(
        `SELECT rolname FROM pg_roles WHERE rolname LIKE $1`,
        [`${prefix}\\_%`],
      );
      for (const { rolname } of roles) {
        await db.query(`DROP OWNED BY "${rolname}"`).catch(() => undefined);
        await db.query(`DROP ROLE IF EXISTS "${rolname}"`);
      }
    } else {
      await db.query(`DROP DATABASE IF EXISTS ${prefix}`);
      const users = await db.query<{ User: string; Host: string }>(
        'SELECT User, Host FROM mysql.user WHERE User LIKE ?',
        [`${prefix}\\_%`],
      );
      for (const u of users) await db.query('DROP USER ?@?', [u.User, u.Host]);
    }
  });
}

const PG_PASSWORD_AUTH_SCRIPT = join(__dirname, 'pg-password-auth.sh');

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
