/**
 * dbIamUser, the Custom::DbIamUser resource, on the real PostgreSQL shaped as RDS hands it out
 * (local/rds-world): the master is not a superuser (member of a stand-in rds_superuser),
 * and the app's tables were made by Django's migrations run as the app user, so the app user
 * owns them. Create makes an IAM login user (member of `rds_iam`) that may read the app's tables
 * and answers CloudFormation on a local ResponseURL; the user is checked on the server; Delete
 * drops it. The database and the users are removed at the end, also when a step fails.
 */
import path from 'node:path';
import { connect, type DbConnection } from '../../../shared/db/driver';
import type { InvocationResult } from '../../../functions/db-iam-user/custom-resource';
import { invoke, loadHandler, wouldCalls } from '../invoke';
import { createWorld, dropWorld } from '../../../local/rds-world';
import { type SandboxPostgres, worldServer } from '../postgres';
import { HANDLER_VIA, sampleEvent } from './events';
import type { Scenario } from './types';

export const dbIamUser: Scenario = {
  fn: 'dbIamUser',
  title: 'CloudFormation custom resource: IAM database user on PostgreSQL',
  async run(ctx) {
    const pg = ctx.postgres;
    const database = `sandbox_app_${ctx.suffix}`;
    const username = `${database}_iam`;
    const server = worldServer(pg);
    const dropAll = () => dropWorld('postgres', database, server);
    ctx.onCleanup(`database ${database} and users ${database}_* gone`, dropAll);
    const world = await createWorld('postgres', database, server);
    ctx.progress(
      `RDS-shaped world: master ${world.master} (not a superuser), database ${database} migrated by Django as ${world.app}`,
    );
    try {
      const env = {
        LOCAL_MASTER_CREDENTIALS_JSON: JSON.stringify({
          username: world.master,
          password: world.masterPassword,
        }),
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
        via: `${HANDLER_VIA}; master ${world.master} (RDS-shaped, not a superuser) from LOCAL_MASTER_CREDENTIALS_JSON (STAGE=local)`,
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
            check: `after Create, it may read the app's table items (owned by ${world.app}, made by Django)`,
            ok: afterCreate.readsItems,
          },
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
      ctx.progress(`dropped database ${database} and its users`);
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
  readsItems: boolean;
}

async function inspectUser(pg: SandboxPostgres, database: string, user: string): Promise<UserState> {
  return asAdmin(pg, database, async (db) => {
    const rows = await db.query<{
      rolcanlogin: boolean;
      rds_iam: boolean;
      can_connect: boolean;
      reads_items: boolean;
    }>(
      `SELECT rolcanlogin,
              pg_has_role(rolname, 'rds_iam', 'MEMBER') AS rds_iam,
              has_database_privilege(rolname, $2, 'CONNECT') AS can_connect,
              has_table_privilege(rolname, 'public.items', 'SELECT') AS reads_items
         FROM pg_roles WHERE rolname = $1`,
      [user, database],
    );
    const row = rows[0];
    return {
      exists: !!row,
      canLogin: !!row?.rolcanlogin,
      rdsIam: !!row?.rds_iam,
      canConnect: !!row?.can_connect,
      readsItems: !!row?.reads_items,
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
