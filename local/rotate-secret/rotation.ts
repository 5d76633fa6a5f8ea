/**
 * The rotation set-up on the RDS-shaped world (../rds-world), for the rotateSecret tests, the
 * sandbox and the bench: the app secret and its RDS-managed master in the in-memory Secrets
 * Manager, real-database users, in-memory ECS, RDS and notifier, and `runFullRotation` (all four
 * steps as Secrets Manager would call them). No jest globals here.
 *
 *   const rotation = await setUpRotation('postgres', 'rot_x', 'alternating-users');
 *   await runFullRotation(rotation.fake, rotation.secretId, rotationDeps(rotation.fake), testConfig());
 *   await rotation.login(CURRENT);   // the app secret's AWSCURRENT logs in to the app database
 *   await rotation.tearDown();
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../../shared/config';
import { connect, type DbConnectOptions, type Engine } from '../../shared/db/driver';
import type { Notification, Notifier } from '../../shared/notify';
import { rotateSecret, type RotationResult } from '../../functions/rotate-secret/core';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { rdsAdapter } from '../../functions/rotate-secret/adapters/rds';
import type { DbPort, EcsPort, RdsPort, RotationDeps } from '../../functions/rotate-secret/ports';
import {
  ROTATION_STEPS,
  RotateSecretConfig,
  type RotationStep,
  type StrategyName,
} from '../../functions/rotate-secret/schema';
import { secretsManagerAdapter } from '../../functions/rotate-secret/adapters/secrets-manager';
import {
  asAdmin,
  canLogin,
  createWorld,
  dropWorld,
  PG_PASSWORD_ROLE,
  rdsManagedSecret,
  type RdsManagedSecret,
  type Server,
  type World,
} from '../rds-world';
import { FakeSecretsManager } from './fake-secrets-manager';

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

/** The ports `rotationDeps` builds, with what a test reads back from them. */
export type LocalRotationDeps = RotationDeps & {
  db: ReturnType<typeof switchableDb>;
  ecs: ReturnType<typeof fakeEcs>;
  rds: ReturnType<typeof fakeRds>;
  notifier: ReturnType<typeof recordingNotifier>;
};

/** Secrets Manager = `fake`, the real driver (switchable), in-memory ECS, RDS and notifier. */
export function rotationDeps<O extends Partial<RotationDeps> = Record<never, never>>(
  fake: FakeSecretsManager,
  overrides?: O,
): Omit<LocalRotationDeps, keyof O> & O {
  return {
    secrets: secretsManagerAdapter(fake.client),
    db: switchableDb(),
    ecs: fakeEcs(),
    rds: fakeRds(managedMasters.get(fake) ?? []),
    notifier: recordingNotifier(),
    ...overrides,
  } as Omit<LocalRotationDeps, keyof O> & O;
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

export interface RotationSetUp {
  world: World;
  fake: FakeSecretsManager;
  /** The app secret: the RDS templates' shape, `masterarn` = the world's RDS-managed master secret. */
  secretId: string;
  /** True when the credentials at `stage` of the app secret log in to the app database. */
  login(stage: string): Promise<boolean>;
  /** Restores the fake's SDK mock and drops the world. */
  tearDown(): Promise<void>;
}

/**
 * A fresh RDS-shaped world under `prefix` (database `prefix`, a master that is not a superuser,
 * the app user `${prefix}_app` owning the tables Django's migrations made; PostgreSQL passwords
 * enforced through rot_password_auth) and a new fake Secrets Manager holding its RDS-managed
 * master secret and the app secret `secretId` (default `${prefix}/app/db`) of `strategy`.
 */
export async function setUpRotation(
  engine: Engine,
  prefix: string,
  strategy: StrategyName,
  { secretId = `${prefix}/app/db`, server }: { secretId?: string; server?: Server } = {},
): Promise<RotationSetUp> {
  const world = await createWorld(engine, prefix, server);
  const fake = new FakeSecretsManager();
  seedAppSecret(fake, world, secretId, strategy);
  return {
    world,
    fake,
    secretId,
    login(stage) {
      const s = fake.json(secretId, stage) as { username: string; password: string };
      return canLogin(engine, s.username, s.password, world.database, server);
    },
    async tearDown() {
      fake.restore();
      await dropWorld(engine, prefix, server);
    },
  };
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
