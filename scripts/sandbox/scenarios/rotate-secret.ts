/**
 * rotateSecret: a full rotation (createSecret → setSecret → testSecret → finishSecret) of an app
 * database secret against the real PostgreSQL, with the alternating-users strategy. Secrets
 * Manager has no local emulator: the rotateSecret tests' in-memory fake (version stages and all)
 * serves it. ECS neither: the redeploy of the consumers is recorded, not sent. The
 * notification goes through SNS. Users and database are removed at the end.
 */
import { loadConfig } from '../../../shared/config';
import { connect } from '../../../shared/db/driver';
import { notifierFromEnv } from '../../../shared/notify';
import { rotateSecret, type RotationResult } from '../../../functions/rotate-secret/core';
import type { EcsPort, RotationDeps } from '../../../functions/rotate-secret/ports';
import { ROTATION_STEPS, RotateSecretConfig } from '../../../functions/rotate-secret/schema';
import { secretsManagerAdapter } from '../../../functions/rotate-secret/adapters/secrets-manager';
import { FakeSecretsManager } from '../../../local/rotate-secret/fake-secrets-manager';
import { capture, wouldCalls } from '../invoke';
import type { SandboxPostgres } from '../postgres';
import { asAdmin } from './db-iam-user';
import type { Scenario } from './types';

/** Members must give a password where pg_hba.conf says so (local/rotate-secret/pg-password-auth.sh). */
const PASSWORD_ROLE = 'rot_password_auth';

export const rotateSecretScenario: Scenario = {
  fn: 'rotateSecret',
  title: 'full rotation of the app DB secret (alternating users) on PostgreSQL',
  async run(ctx) {
    const pg = ctx.postgres;
    const prefix = `sandbox_rot_${ctx.suffix}`;
    const app = `${prefix}_app`;
    const master = `${prefix}_master`;
    const secretName = 'django-app/db';
    const fake = new FakeSecretsManager();
    ctx.onCleanup(`database ${prefix} and its users gone`, () => dropFixture(pg, prefix));
    await createFixture(pg, prefix, app, master);
    ctx.progress(`created database ${prefix}, users ${app} and ${master}`);
    try {
      const masterArn = fake.createSecret(
        'django-app/db-master',
        JSON.stringify({
          engine: 'postgres',
          host: pg.host,
          port: pg.port,
          username: master,
          password: 'Sandbox-master-1',
        }),
      );
      fake.createSecret(
        secretName,
        JSON.stringify({
          engine: 'postgres',
          host: pg.host,
          port: pg.port,
          username: app,
          password: 'Sandbox-app-1',
          dbname: prefix,
          masterarn: masterArn,
          rotationStrategy: 'alternating-users',
        }),
      );
      const recordedEcs: string[] = [];
      const ecs: EcsPort = {
        async forceNewDeployment(cluster, service) {
          recordedEcs.push(
            `ecs:UpdateService {"cluster":"${cluster}","service":"${service}","forceNewDeployment":true}`,
          );
          return {};
        },
      };
      const config = loadConfig(RotateSecretConfig, {
        STAGE: 'local',
        CLUSTER_NAME: 'django-app',
        DB_SSL_MODE: 'disable',
        SECRET_CONSUMERS: JSON.stringify([{ secret: 'django-app/db', services: ['web', 'worker'] }]),
      });
      const deps: RotationDeps = {
        secrets: secretsManagerAdapter(fake.client),
        db: { connect },
        ecs,
        notifier: notifierFromEnv(),
      };

      const token = fake.startRotation(secretName);
      const results: RotationResult[] = [];
      const { captured } = await capture(async () => {
        for (const Step of ROTATION_STEPS) {
          results.push(
            await rotateSecret({ SecretId: secretName, ClientRequestToken: token, Step }, deps, config),
          );
        }
      });
      fake.completeRotation(secretName);
      const current = fake.json(secretName) as { username: string; password: string };
      const loginWorks = await canLogin(pg, prefix, current.username, current.password);
      const oldStillWorks = await canLogin(pg, prefix, app, 'Sandbox-app-1');

      return {
        headline: `rotated ${secretName}: the app now logs in as ${current.username}`,
        via: 'core.ts rotateSecret() in-process, the four steps as Secrets Manager calls them; Secrets Manager = in-memory fake (local/rotate-secret), ECS = recorder',
        input: [
          `secret ${secretName}: {engine: postgres, username: ${app}, dbname: ${prefix}, masterarn, rotationStrategy: alternating-users}`,
          `SECRET_CONSUMERS=[{secret: django-app/db, services: [web, worker]}], CLUSTER_NAME=django-app`,
        ],
        decided: results.map(
          (r) =>
            `${r.step}: ${r.outcome}${r.strategy ? ` (${r.strategy}, from ${r.strategySource})` : ''}${r.reason ? ` — ${r.reason}` : ''}`,
        ),
        did: [
          ...results.flatMap((r) =>
            r.actions.map(
              (a) =>
                `${r.step}: ${a}${a.startsWith('UpdateService') ? ' (ECS stand-in: recorded only)' : ''}`,
            ),
          ),
          `secret stages now: AWSCURRENT → user ${current.username}, AWSPREVIOUS → user ${app}`,
        ],
        wouldCall: [
          ...recordedEcs.map((c) => `${c} (ECS has no local emulator: recorded, not sent)`),
          ...wouldCalls(captured),
        ],
        verified: [
          {
            check: 'all four steps completed',
            ok: results.length === 4 && results.every((r) => r.outcome !== 'dry-run'),
          },
          {
            check: `the new AWSCURRENT user ${current.username} logs in to PostgreSQL`,
            ok: loginWorks && current.username !== app,
          },
          { check: `the old user ${app} still logs in (running tasks keep working)`, ok: oldStillWorks },
        ],
      };
    } finally {
      fake.restore();
      await dropFixture(pg, prefix);
      ctx.progress(`dropped database ${prefix} and its users`);
    }
  },
};

async function createFixture(
  pg: SandboxPostgres,
  prefix: string,
  app: string,
  master: string,
): Promise<void> {
  await dropFixture(pg, prefix);
  await asAdmin(pg, 'postgres', async (db) => {
    await db.query(
      `DO $$ BEGIN CREATE ROLE ${PASSWORD_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
    );
    await db.query(`CREATE DATABASE ${prefix}`);
    await db.query(
      `CREATE ROLE ${master} LOGIN SUPERUSER PASSWORD 'Sandbox-master-1' IN ROLE ${PASSWORD_ROLE}`,
    );
    await db.query(`CREATE ROLE ${app} LOGIN PASSWORD 'Sandbox-app-1' IN ROLE ${PASSWORD_ROLE}`);
  });
  await asAdmin(pg, prefix, async (db) => {
    await db.query('CREATE TABLE items (id serial PRIMARY KEY, name text)');
    await db.query(`GRANT SELECT, INSERT ON items TO ${app}`);
    await db.query(`GRANT USAGE ON SEQUENCE items_id_seq TO ${app}`);
  });
}

async function dropFixture(pg: SandboxPostgres, prefix: string): Promise<void> {
  await asAdmin(pg, 'postgres', async (db) => {
    await db.query(`DROP DATABASE IF EXISTS ${prefix} WITH (FORCE)`);
    const roles = await db.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [
      `${prefix}\\_%`,
    ]);
    for (const { rolname } of roles) {
      await db.query(`DROP OWNED BY "${rolname}"`).catch(() => undefined);
      await db.query(`DROP ROLE IF EXISTS "${rolname}"`);
    }
  });
}

async function canLogin(
  pg: SandboxPostgres,
  database: string,
  user: string,
  password: string,
): Promise<boolean> {
  try {
    const db = await connect({
      engine: 'postgres',
      host: pg.host,
      port: pg.port,
      user,
      password,
      database,
      ssl: 'disable',
      connectTimeoutMs: 3_000,
    });
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
