/**
 * dbIamUser, the Custom::DbIamUser resource, on the real PostgreSQL: Create makes an IAM login
 * user (member of `rds_iam`, which stands in for RDS's role) in a fresh database and answers
 * CloudFormation on a local ResponseURL; the user is checked on the server; Delete drops it.
 * The database and the user are removed at the end, also when a step fails.
 */
import path from 'node:path';
import { connect, type DbConnection } from '../../../shared/db/driver';
import type { InvocationResult } from '../../../functions/db-iam-user/custom-resource';
import { invoke, loadHandler, wouldCalls } from '../invoke';
import type { SandboxPostgres } from '../postgres';
import { HANDLER_VIA, sampleEvent } from './events';
import type { Scenario } from './types';

export const dbIamUser: Scenario = {
  fn: 'dbIamUser',
  title: 'CloudFormation custom resource: IAM database user on PostgreSQL',
  async run(ctx) {
    const pg = ctx.postgres;
    const database = `sandbox_app_${ctx.suffix}`;
    const username = `sandbox_iam_${ctx.suffix}`;
    const dropAll = () =>
      asAdmin(pg, 'postgres', async (db) => {
        await db.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await db.query(`DROP ROLE IF EXISTS ${username}`);
      });
    ctx.onCleanup(`database ${database} and user ${username} gone`, dropAll);
    await asAdmin(pg, 'postgres', async (db) => {
      await db.query(
        `DO $$ BEGIN CREATE ROLE rds_iam NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
      );
      await db.query(`CREATE DATABASE ${database}`);
    });
    ctx.progress(`created database ${database} (role rds_iam stands in for RDS's)`);
    try {
      const env = {
        LOCAL_MASTER_CREDENTIALS_JSON: JSON.stringify({ username: pg.user, password: pg.password ?? '' }),
        RESPONSE_MARGIN_MS: '5000',
        DRY_RUN: 'false',
      };
      const handler = await loadHandler(path.join(ctx.root, 'functions/db-iam-user/handler.ts'), env);
      const request = (file: string, extra: Record<string, unknown> = {}) => {
        const event = sampleEvent(ctx.root, file);
        const props = event.ResourceProperties as Record<string, unknown>;
        return {
          ...event,
          ...extra,
          ResponseURL: ctx.responseUrl.url(`${file.replace(/\W/g, '-')}-${ctx.suffix}`),
          ResourceProperties: {
            ...props,
            Host: pg.host,
            Port: String(pg.port),
            Database: database,
            Username: username,
            OnDelete: 'drop',
          },
        };
      };

      const created = await invoke<InvocationResult>(
        handler,
        'dbIamUser',
        request('db-iam-user/create.json'),
        env,
      );
      const createResponse = ctx.responseUrl.accepted().at(-1);
      const afterCreate = await inspectUser(pg, database, username);
      ctx.progress(`Create → ${created.result.status}; user ${username} exists: ${afterCreate.exists}`);

      const deleted = await invoke<InvocationResult>(
        handler,
        'dbIamUser',
        request('db-iam-user/delete.json', { PhysicalResourceId: created.result.physicalResourceId }),
        env,
      );
      const deleteResponse = ctx.responseUrl.accepted().at(-1);
      const afterDelete = await inspectUser(pg, database, username);

      return {
        headline: `Create ${created.result.status}: IAM user ${username} checked on the server; Delete ${deleted.result.status}: dropped`,
        via: `${HANDLER_VIA}; master credentials from LOCAL_MASTER_CREDENTIALS_JSON (STAGE=local)`,
        input: [
          `events/db-iam-user/create.json, then delete.json, with Host=${pg.host} Port=${pg.port} Database=${database} Username=${username} OnDelete=drop`,
          `ResponseURL=${ctx.responseUrl.url().split('?')[0]}… (local server)`,
        ],
        decided: [
          `Create: ${created.result.status} ${created.result.reason}`,
          `Delete: ${deleted.result.status} ${deleted.result.reason}`,
        ],
        did: [
          ...summarizeSql('create', created.result.changes),
          ...summarizeSql('delete', deleted.result.changes),
          `CloudFormation response PUT (create): Status=${String(createResponse?.Status)} PhysicalResourceId=${String(createResponse?.PhysicalResourceId)}`,
          `CloudFormation response PUT (delete): Status=${String(deleteResponse?.Status)}`,
        ],
        wouldCall: [...wouldCalls(created.captured), ...wouldCalls(deleted.captured)],
        verified: [
          {
            check: `after Create, user ${username} exists and can log in`,
            ok: afterCreate.exists && afterCreate.canLogin,
          },
          { check: 'after Create, it is a member of rds_iam (IAM authentication)', ok: afterCreate.rdsIam },
          { check: `after Create, it may connect to ${database}`, ok: afterCreate.canConnect },
          {
            check: 'CloudFormation got SUCCESS for Create and Delete',
            ok: createResponse?.Status === 'SUCCESS' && deleteResponse?.Status === 'SUCCESS',
          },
          { check: 'after Delete (OnDelete=drop), the user is gone', ok: !afterDelete.exists },
        ],
        noNotificationBecause:
          'none by design: a custom resource answers CloudFormation (the ResponseURL PUT above)',
      };
    } finally {
      await dropAll();
      ctx.progress(`dropped database ${database} and user ${username}`);
    }
  },
};

/** The first statements in full, then how many more (the whole list is in the JSON report). */
function summarizeSql(request: string, statements: string[], shown = 3): string[] {
  const lines = statements
    .slice(0, shown)
    .map((sql) => `SQL (${request}): ${sql.length > 110 ? `${sql.slice(0, 109)}…` : sql}`);
  if (statements.length > shown)
    lines.push(`SQL (${request}): … and ${statements.length - shown} more statements`);
  return lines;
}

interface UserState {
  exists: boolean;
  canLogin: boolean;
  rdsIam: boolean;
  canConnect: boolean;
}

async function inspectUser(pg: SandboxPostgres, database: string, user: string): Promise<UserState> {
  return asAdmin(pg, 'postgres', async (db) => {
    const rows = await db.query<{ rolcanlogin: boolean; rds_iam: boolean; can_connect: boolean }>(
      `SELECT rolcanlogin,
              pg_has_role(rolname, 'rds_iam', 'MEMBER') AS rds_iam,
              has_database_privilege(rolname, $2, 'CONNECT') AS can_connect
         FROM pg_roles WHERE rolname = $1`,
      [user, database],
    );
    const row = rows[0];
    return {
      exists: !!row,
      canLogin: !!row?.rolcanlogin,
      rdsIam: !!row?.rds_iam,
      canConnect: !!row?.can_connect,
    };
  });
}

export async function asAdmin<T>(
  pg: SandboxPostgres,
  database: string,
  fn: (db: DbConnection) => Promise<T>,
): Promise<T> {
  const db = await connect({
    engine: 'postgres',
    host: pg.host,
    port: pg.port,
    user: pg.user,
    password: pg.password ?? '',
    database,
    ssl: 'disable',
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
