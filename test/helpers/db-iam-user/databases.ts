/**
 * The real local databases for dbIamUser tests, RDS-shaped (local/rds-world): a per-file
 * fixture (database made by a non-superuser master as on RDS, its tables made by Django's
 * migrations run as the app user) and an inspector that answers what a user would check by hand
 * (does the user exist, is it IAM, what may it do on the table).
 */
import type { Engine } from '../../../shared/db/driver';
import {
  as,
  asAdmin,
  createWorld,
  dropWorld,
  migrate,
  PG_PASSWORD_ROLE,
  PORT,
  type World,
} from '../../../local/rds-world';

export { asAdmin, PG_PASSWORD_ROLE, PORT };
/** What the tests tell the MySQL dialect to use instead of AWSAuthenticationPlugin (MariaDB has none). */
export const MARIADB_AUTH_CLAUSE = 'IDENTIFIED VIA unix_socket';
export const MARIADB_AUTH = { clause: MARIADB_AUTH_CLAUSE, plugin: 'unix_socket' };

export type Fixture = World;

/**
 * The RDS world of `prefix`: database `prefix` whose `items` (and Django's tables) the app user
 * `${prefix}_app` owns, and master `${prefix}_master` as RDS creates it (PostgreSQL: member of
 * rds_superuser, not a superuser, not a member of the app user; MariaDB: the RDS privilege list).
 */
export async function createFixture(engine: Engine, prefix: string): Promise<Fixture> {
  return createWorld(engine, prefix);
}

/** A second database `name`, made by the master, with the app's migrations run in it as the app user. */
export async function createSecondDatabase(fixture: Fixture, name: string): Promise<void> {
  const { engine } = fixture;
  await asAdmin(engine, async (db) => {
    if (engine === 'postgres')
      await db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [name],
      );
    await db.query(`DROP DATABASE IF EXISTS ${name}`);
  });
  await as(engine, fixture.master, fixture.masterPassword, async (db) => {
    await db.query(`CREATE DATABASE ${name}`);
    if (engine === 'mysql')
      await db.query(
        `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, REFERENCES ON ${name}.* TO ?@'%'`,
        [fixture.app],
      );
  });
  if (engine === 'postgres') {
    await as(
      engine,
      fixture.master,
      fixture.masterPassword,
      async (db) => {
        await db.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${name} TO ${fixture.app}`);
        await db.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${fixture.app}`);
      },
      name,
    );
  }
  await migrate({ ...fixture, database: name }, 'shop', '0001_initial');
}

/** Drops database `prefix` (and `prefix_b`) and every user named `prefix_...`. */
export async function dropFixture(engine: Engine, prefix: string): Promise<void> {
  await dropWorld(engine, prefix);
}

export interface UserState {
  exists: boolean;
  /** PostgreSQL: member of rds_iam; MariaDB: authenticates with the stand-in IAM plugin. */
  iam: boolean;
  /** PostgreSQL: NOLOGIN; MySQL: ACCOUNT LOCK. */
  locked: boolean;
}

export async function userState(engine: Engine, user: string): Promise<UserState> {
  return asAdmin(engine, async (db) => {
    if (engine === 'postgres') {
      const [row] = await db.query<{ rolcanlogin: boolean; iam: boolean }>(
        `SELECT rolcanlogin, EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
           WHERE m.member = r.oid AND g.rolname = 'rds_iam') AS iam FROM pg_roles r WHERE rolname = $1`,
        [user],
      );
      return { exists: !!row, iam: !!row?.iam, locked: row ? !row.rolcanlogin : false };
    }
    const [row] = await db.query<{ plugin: string }>(
      `SELECT plugin FROM mysql.user WHERE User = ? AND Host = '%'`,
      [user],
    );
    if (!row) return { exists: false, iam: false, locked: false };
    const [create] = await db.query<Record<string, string>>(`SHOW CREATE USER ?@'%'`, [user]);
    const text = Object.values(create ?? {}).join(' ');
    return {
      exists: true,
      iam: String(row.plugin) === MARIADB_AUTH.plugin,
      locked: /ACCOUNT LOCK/.test(text),
    };
  });
}

const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

/** Which of SELECT/INSERT/UPDATE/DELETE `user` holds on `table` (default `items`) in `database`. */
export async function tablePrivileges(
  engine: Engine,
  user: string,
  database: string,
  table = 'items',
): Promise<string[]> {
  if (engine === 'postgres') {
    return asAdmin(
      engine,
      async (db) => {
        const held: string[] = [];
        for (const p of TABLE_PRIVILEGES) {
          const [row] = await db.query<{ ok: boolean }>(`SELECT has_table_privilege($1, $3, $2) AS ok`, [
            user,
            p,
            `public.${table}`,
          ]);
          if (row?.ok) held.push(p);
        }
        return held;
      },
      database,
    );
  }
  return asAdmin(engine, async (db) => {
    const rows = await db.query<Record<string, string>>(
      `SELECT Select_priv, Insert_priv, Update_priv, Delete_priv FROM mysql.db WHERE User = ? AND Host = '%' AND Db IN (?, ?)`,
      [user, database, database.replace(/_/g, '\\_')],
    );
    const held = new Set<string>();
    for (const row of rows) {
      if (row.Select_priv === 'Y') held.add('SELECT');
      if (row.Insert_priv === 'Y') held.add('INSERT');
      if (row.Update_priv === 'Y') held.add('UPDATE');
      if (row.Delete_priv === 'Y') held.add('DELETE');
    }
    return TABLE_PRIVILEGES.filter((p) => held.has(p));
  });
}

/** A user that logs in with a password (not IAM), like one made by hand before the stack existed. */
export async function createPasswordUser(engine: Engine, user: string): Promise<void> {
  await asAdmin(engine, (db) =>
    engine === 'postgres'
      ? db.query(`CREATE ROLE "${user}" LOGIN PASSWORD 'hand-made-pw'`)
      : db.query(`CREATE USER ?@'%' IDENTIFIED BY 'hand-made-pw'`, [user]),
  );
}

/** Count of rows in `items`: proves a table survived. */
export async function itemsCount(engine: Engine, database: string): Promise<number> {
  return asAdmin(
    engine,
    async (db) => {
      const [row] = await db.query<{ n: number | string }>(
        engine === 'postgres'
          ? 'SELECT count(*) AS n FROM items'
          : `SELECT count(*) AS n FROM ${database}.items`,
      );
      return Number(row?.n);
    },
    engine === 'postgres' ? database : undefined,
  );
}

/** Roles `member` belongs to (directly): proves the master gave back a membership it took. */
export async function memberships(member: string): Promise<string[]> {
  return asAdmin('postgres', async (db) => {
    const rows = await db.query<{ rolname: string }>(
      `SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
        WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = $1) ORDER BY 1`,
      [member],
    );
    return rows.map((r) => r.rolname);
  });
}
