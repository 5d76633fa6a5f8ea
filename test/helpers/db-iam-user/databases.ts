/**
 * The real local databases for dbIamUser tests: a per-file fixture (database, table, an RDS-like
 * master user with a password that is really checked) and an inspector that answers what a user
 * would check by hand (does the user exist, is it IAM, what may it do on the table).
 */
import { connect, type DbConnection, type Engine } from '../../../shared/db/driver';

export const PG_PASSWORD_ROLE = 'rot_password_auth';
/** What the tests tell the MySQL dialect to use instead of AWSAuthenticationPlugin (MariaDB has none). */
export const MARIADB_AUTH_CLAUSE = 'IDENTIFIED VIA unix_socket';
export const MARIADB_AUTH = { clause: MARIADB_AUTH_CLAUSE, plugin: 'unix_socket' };
export const PORT = { postgres: 5432, mysql: 3306 } as const;

export async function asAdmin<T>(
  engine: Engine,
  fn: (db: DbConnection) => Promise<T>,
  database?: string,
): Promise<T> {
  const db = await connect({
    engine,
    host: '127.0.0.1',
    port: PORT[engine],
    user: engine === 'postgres' ? 'postgres' : 'root',
    password: '',
    database: database ?? (engine === 'postgres' ? 'postgres' : undefined),
    ssl: 'disable',
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const ignoreDuplicate = (error: unknown) => {
  if (!/already exists|42710|duplicate/i.test(String((error as Error).message))) throw error;
};

export interface Fixture {
  database: string;
  master: string;
  masterPassword: string;
}

/**
 * Database `prefix` with table `items` (owned by the master), and master `${prefix}_master`:
 * PostgreSQL — LOGIN CREATEROLE, not superuser, owner of the database (like the RDS master user),
 * password enforced through membership of rot_password_auth; MariaDB — ALL ON *.* WITH GRANT OPTION.
 */
export async function createFixture(engine: Engine, prefix: string): Promise<Fixture> {
  await dropFixture(engine, prefix);
  const master = `${prefix}_master`;
  const masterPassword = `pw-${prefix}-Secr3t`;
  if (engine === 'postgres') {
    await asAdmin(engine, async (db) => {
      for (const role of [PG_PASSWORD_ROLE, 'rds_iam']) {
        await db.query(`CREATE ROLE ${role} NOLOGIN`).catch(ignoreDuplicate);
      }
      await db.query(
        `CREATE ROLE ${master} LOGIN CREATEROLE PASSWORD '${masterPassword}' IN ROLE ${PG_PASSWORD_ROLE}`,
      );
      // CREATEROLE may grant rds_iam on PostgreSQL 15; on 16+ it needs ADMIN OPTION, as the RDS master has.
      await db.query(`GRANT rds_iam TO ${master} WITH ADMIN OPTION`);
      await db.query(`CREATE DATABASE ${prefix} OWNER ${master}`);
    });
    const db = await connect({
      engine,
      host: '127.0.0.1',
      port: PORT.postgres,
      user: master,
      password: masterPassword,
      database: prefix,
      ssl: 'disable',
    });
    try {
      await db.query('CREATE TABLE items (id serial PRIMARY KEY, name text)');
    } finally {
      await db.close();
    }
  } else {
    await asAdmin(engine, async (db) => {
      await db.query(`CREATE DATABASE ${prefix}`);
      await db.query(`CREATE TABLE ${prefix}.items (id int AUTO_INCREMENT PRIMARY KEY, name text)`);
      await db.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [master, masterPassword]);
      await db.query(`GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION`, [master]);
    });
  }
  return { database: prefix, master, masterPassword };
}

/** A second database `name` (dropped with the fixture's users by `dropFixture(prefix)` callers). */
export async function createSecondDatabase(engine: Engine, name: string, master: string): Promise<void> {
  if (engine === 'postgres') {
    await asAdmin(engine, async (db) => {
      await db.query(`DROP DATABASE IF EXISTS ${name}`);
      await db.query(`CREATE DATABASE ${name} OWNER ${master}`);
    });
    await asAdmin(
      engine,
      (db) =>
        db.query(`CREATE TABLE items (id int)`).then(() => db.query(`ALTER TABLE items OWNER TO ${master}`)),
      name,
    );
  } else {
    await asAdmin(engine, async (db) => {
      await db.query(`DROP DATABASE IF EXISTS ${name}`);
      await db.query(`CREATE DATABASE ${name}`);
      await db.query(`CREATE TABLE ${name}.items (id int)`);
    });
  }
}

/** Drops database `prefix` (and `prefix_b`) and every user named `prefix_...`. */
export async function dropFixture(engine: Engine, prefix: string): Promise<void> {
  await asAdmin(engine, async (db) => {
    if (engine === 'postgres') {
      await db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [prefix],
      );
      await db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [`${prefix}_b`],
      );
      await db.query(`DROP DATABASE IF EXISTS ${prefix}`);
      await db.query(`DROP DATABASE IF EXISTS ${prefix}_b`);
      const roles = await db.query<{ rolname: string }>(
        `SELECT rolname FROM pg_roles WHERE rolname LIKE $1 ORDER BY rolname DESC`,
        [`${prefix}\\_%`],
      );
      for (const { rolname } of roles) {
        await db.query(`DROP OWNED BY "${rolname}"`).catch(() => undefined);
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
  });
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

/** Which of SELECT/INSERT/UPDATE/DELETE `user` holds on `items` in the fixture database. */
export async function tablePrivileges(engine: Engine, user: string, database: string): Promise<string[]> {
  if (engine === 'postgres') {
    return asAdmin(
      engine,
      async (db) => {
        const held: string[] = [];
        for (const p of TABLE_PRIVILEGES) {
          const [row] = await db.query<{ ok: boolean }>(
            `SELECT has_table_privilege($1, 'public.items', $2) AS ok`,
            [user, p],
          );
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
