/**
 * rotateSecret: a full rotation (createSecret → setSecret → testSecret → finishSecret) of an app
 * database secret against the real PostgreSQL set up as RDS hands it out (non-superuser master
 * behind its RDS-managed secret, tables owned by the app user through Django's migrations), with
 * the alternating-users strategy. Secrets
 * Manager has no local emulator: the rotateSecret tests' in-memory fake (version stages and all)
 * serves it. ECS neither: the redeploy of the consumers is recorded, not sent. The
 * notification goes through SNS. Users and database are removed at the end.
 */
import { loadConfig } from '../../../shared/config';
import { connect } from '../../../shared/db/driver';
import { notifierFromEnv } from '../../../shared/notify';
import { rotateSecret, type RotationResult } from '../../../functions/rotate-secret/core';
import type { EcsPort } from '../../../functions/rotate-secret/ports';
import { ROTATION_STEPS, RotateSecretConfig } from '../../../functions/rotate-secret/schema';
import { canLogin, dropWorld, migrate } from '../../../local/rds-world';
import { rotationDeps, setUpRotation } from '../../../local/rotate-secret/rotation';
import { capture, wouldCalls } from '../invoke';
import { worldServer } from '../postgres';
import type { Scenario } from './types';

export const rotateSecretScenario: Scenario = {
  fn: 'rotateSecret',
  title: 'full rotation of the app DB secret (alternating users) on PostgreSQL',
  async run(ctx) {
    const pg = ctx.postgres;
    const prefix = `sandbox_rot_${ctx.suffix}`;
    const secretName = 'django-app/db';
    // The RDS-shaped world (local/rds-world) on the sandbox's server.
    const server = worldServer(pg);
    const dropAll = () => dropWorld('postgres', prefix, server);
    ctx.onCleanup(`database ${prefix} and its users gone`, dropAll);
    // The master secret as RDS manages it ({username, password} only, found through its tag) and
    // the app secret naming it, in the in-memory Secrets Manager.
    const { world, fake } = await setUpRotation('postgres', prefix, 'alternating-users', {
      secretId: secretName,
      server,
    });
    const { app, master } = world;
    ctx.progress(
      `created database ${prefix} as RDS hands it out: master ${master} (not a superuser), app user ${app} owning the tables Django's migrations made`,
    );
    try {
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
      // RDS stand-in: DescribeDBInstances answers the sandbox server for the master secret's tag.
      const deps = rotationDeps(fake, { db: { connect }, ecs, notifier: notifierFromEnv() });

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
      const loginWorks = await canLogin('postgres', current.username, current.password, prefix, server);
      const oldStillWorks = await canLogin('postgres', app, world.appPassword, prefix, server);
      // A deployment after the rotation: Django's next migration run as the clone.
      const migrated = await migrate(
        { ...world, app: current.username, appPassword: current.password },
        'shop',
        '0002_orders',
      )
        .then(() => true)
        .catch(() => false);

      return {
        headline: `rotated ${secretName}: the app now logs in as ${current.username}`,
        via: 'core.ts rotateSecret() in-process, the four steps as Secrets Manager calls them; Secrets Manager = in-memory fake (local/rotate-secret), ECS = recorder',
        input: [
          `secret ${secretName}: {engine: postgres, username: ${app}, dbname: ${prefix}, masterarn: the RDS-managed rds!db-… secret, rotationStrategy: alternating-users}`,
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
          { check: `${current.username} runs Django's next migration on tables ${app} owns`, ok: migrated },
        ],
      };
    } finally {
      fake.restore();
      await dropAll();
      ctx.progress(`dropped database ${prefix} and its users`);
    }
  },
};
