/**
 * PostgreSQL (RDS, Aurora PostgreSQL) statements for an IAM-authenticated login role. Every
 * function returns SQL text; nothing here talks to a database, so each statement is unit-tested
 * as text. Identifiers are double-quoted, literals single-quoted.
 */
import { quoteIdent, quoteLiteral } from '../../../shared/db/postgres-quote';

/** The role RDS uses to mark a login as IAM-authenticated (`GRANT rds_iam TO user`). */
export const IAM_ROLE = 'rds_iam';

/** Privileges on tables the `Privileges` property may list (besides ALL), plus CREATE on the schema. */
export const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];
export const ALLOWED_PRIVILEGES = ['ALL', ...TABLE_PRIVILEGES, 'CREATE'];

/**
 * One row when the role exists: whether it can log in, is already an IAM user (member of
 * rds_iam), and whether the connected (master) user already has its privileges (needed for
 * REASSIGN OWNED on RDS, where the master is not a superuser).
 */
export function lookupUser(user: string): string {
  return [
    'SELECT r.rolcanlogin AS can_login,',
    ` EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid AND g.rolname = ${quoteLiteral(IAM_ROLE)}) AS is_iam,`,
    " pg_has_role(r.oid, 'USAGE') AS master_has_role",
    ` FROM pg_roles r WHERE r.rolname = ${quoteLiteral(user)}`,
  ].join('');
}

/** Databases other than `database` on which the role holds an explicit privilege. */
export function otherDatabaseGrants(user: string, database: string): string {
  return [
    'SELECT DISTINCT d.datname AS database FROM pg_database d, aclexplode(d.datacl) a',
    ` WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = ${quoteLiteral(user)})`,
    ` AND d.datname <> ${quoteLiteral(database)} ORDER BY 1`,
  ].join('');
}

/** Serialises concurrent requests for the same role until the end of the transaction. */
export function lockUserName(user: string): string {
  return `SELECT pg_advisory_xact_lock(hashtext(${quoteLiteral(`dbiamuser:${user}`)}))`;
}

export function createUser(user: string): string {
  return `CREATE ROLE ${quoteIdent(user)} LOGIN`;
}

/** Converts an existing password role: the password is removed, IAM becomes the only way in. */
export function removePassword(user: string): string {
  return `ALTER ROLE ${quoteIdent(user)} PASSWORD NULL`;
}

export function allowLogin(user: string): string {
  return `ALTER ROLE ${quoteIdent(user)} LOGIN`;
}

export function grantIam(user: string): string {
  return `GRANT ${quoteIdent(IAM_ROLE)} TO ${quoteIdent(user)}`;
}

/**
 * Removes what a previous run granted on the database and schema, so that the grants that follow
 * are exactly the declared ones. Tables the role owns (e.g. created by Django migrations) are left
 * alone: revoking an owner's own privileges would break the application.
 */
export function revokeManaged(user: string, database: string, schema: string): string[] {
  const u = quoteIdent(user);
  return [
    `REVOKE ALL PRIVILEGES ON DATABASE ${quoteIdent(database)} FROM ${u}`,
    `REVOKE ALL PRIVILEGES ON SCHEMA ${quoteIdent(schema)} FROM ${u}`,
    [
      'DO $dbiam$ DECLARE obj regclass; BEGIN',
      ' FOR obj IN SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace',
      ` WHERE n.nspname = ${quoteLiteral(schema)} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')`,
      ` AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = ${quoteLiteral(user)})`,
      ` LOOP EXECUTE format('REVOKE ALL PRIVILEGES ON %s FROM %I', obj, ${quoteLiteral(user)}); END LOOP;`,
      ' END $dbiam$',
    ].join(''),
  ];
}

/**
 * The roles whose objects the grants touch, in the connected database: owners of tables, views
 * and sequences in `schemas` (e.g. the app user that ran Django's migrations), the owners of the
 * schemas (`pg_database_owner` read as the database owner) and the database owner. On RDS the
 * master is no superuser: it can grant or revoke on those objects only as a member of their
 * owner, so `held` says whether it already is. `creates_tables`: owners of relations or of a
 * schema, i.e. the roles whose future tables ALTER DEFAULT PRIVILEGES must cover. Superusers and
 * built-in pg_ roles are left out (the master cannot become them), and so is `user` itself for
 * default privileges (it owns what it creates).
 */
export function objectOwners(user: string, schemas: readonly string[]): string {
  const list = `ARRAY[${schemas.map(quoteLiteral).join(', ')}]::text[]`;
  const dbOwner = 'SELECT datdba FROM pg_database WHERE datname = current_database()';
  const dbOwnerRole = "SELECT oid FROM pg_roles WHERE rolname = 'pg_database_owner'";
  const creators = [
    'SELECT c.relowner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace',
    ` WHERE n.nspname = ANY (${list}) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')`,
    ` UNION SELECT CASE WHEN n.nspowner = (${dbOwnerRole}) THEN (${dbOwner}) ELSE n.nspowner END`,
    ` FROM pg_namespace n WHERE n.nspname = ANY (${list})`,
  ].join('');
  return [
    "SELECT r.rolname AS role, pg_has_role(current_user, r.oid, 'MEMBER') AS held,",
    ` (r.oid IN (${creators}) AND r.rolname <> ${quoteLiteral(user)}) AS creates_tables`,
    ` FROM pg_roles r WHERE (r.oid IN (${creators}) OR r.oid IN (${dbOwner}))`,
    " AND NOT r.rolsuper AND r.rolname NOT LIKE 'pg\\_%' ORDER BY r.rolname",
  ].join('');
}

/**
 * Membership the master takes for the length of the transaction, so that its GRANT/REVOKE on an
 * owner's objects act as the owner's (PostgreSQL: "a member of the role that owns the object"),
 * and gives back before COMMIT. Needs CREATEROLE (PostgreSQL <= 15) or ADMIN OPTION on the owner
 * (16+: the master has it on roles it created, e.g. the app user).
 */
export function adoptOwner(owner: string): string {
  return `GRANT ${quoteIdent(owner)} TO CURRENT_USER`;
}

export function releaseOwner(owner: string): string {
  return `REVOKE ${quoteIdent(owner)} FROM CURRENT_USER`;
}

/** Removes default privileges `owner`'s future tables and sequences in `schema` would give `user`. */
export function revokeDefaultPrivileges(owner: string, schema: string, user: string): string[] {
  const head = `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(owner)} IN SCHEMA ${quoteIdent(schema)}`;
  return [
    `${head} REVOKE ALL PRIVILEGES ON TABLES FROM ${quoteIdent(user)}`,
    `${head} REVOKE ALL PRIVILEGES ON SEQUENCES FROM ${quoteIdent(user)}`,
  ];
}

/** Tables and sequences `owner` creates later in `schema` get the same privileges as `grant` gives now. */
export function grantDefaultPrivileges(
  owner: string,
  schema: string,
  user: string,
  privileges: readonly string[],
): string[] {
  const head = `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(owner)} IN SCHEMA ${quoteIdent(schema)}`;
  const u = quoteIdent(user);
  const all = privileges.includes('ALL');
  const tables = all ? ['ALL PRIVILEGES'] : TABLE_PRIVILEGES.filter((p) => privileges.includes(p));
  const sequences = all ? ['ALL PRIVILEGES'] : sequencePrivileges(privileges);
  return [
    ...(tables.length > 0 ? [`${head} GRANT ${tables.join(', ')} ON TABLES TO ${u}`] : []),
    ...(sequences.length > 0 ? [`${head} GRANT ${sequences.join(', ')} ON SEQUENCES TO ${u}`] : []),
  ];
}

function sequencePrivileges(privileges: readonly string[]): string[] {
  return [
    ...(privileges.includes('INSERT') || privileges.includes('UPDATE') ? ['USAGE'] : []),
    ...(privileges.includes('SELECT') ? ['SELECT'] : []),
  ];
}

/** Grants the declared privileges on the database, the schema and the tables/sequences in it. */
export function grant(
  user: string,
  database: string,
  schema: string,
  privileges: readonly string[],
): string[] {
  const u = quoteIdent(user);
  const db = quoteIdent(database);
  const s = quoteIdent(schema);
  if (privileges.includes('ALL')) {
    return [
      `GRANT ALL PRIVILEGES ON DATABASE ${db} TO ${u}`,
      `GRANT ALL PRIVILEGES ON SCHEMA ${s} TO ${u}`,
      `GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA ${s} TO ${u}`,
      `GRANT ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA ${s} TO ${u}`,
    ];
  }
  const tablePrivileges = TABLE_PRIVILEGES.filter((p) => privileges.includes(p));
  const statements = [
    `GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${u}`,
    `GRANT USAGE${privileges.includes('CREATE') ? ', CREATE' : ''} ON SCHEMA ${s} TO ${u}`,
  ];
  if (tablePrivileges.length > 0) {
    statements.push(`GRANT ${tablePrivileges.join(', ')} ON ALL TABLES IN SCHEMA ${s} TO ${u}`);
  }
  const sequences = sequencePrivileges(privileges);
  if (sequences.length > 0) {
    statements.push(`GRANT ${sequences.join(', ')} ON ALL SEQUENCES IN SCHEMA ${s} TO ${u}`);
  }
  return statements;
}

/** Delete with OnDelete=lock: the role stays (with its objects) but can no longer log in. */
export function lockUser(user: string): string {
  return `ALTER ROLE ${quoteIdent(user)} NOLOGIN`;
}

/**
 * Delete with OnDelete=drop. Objects the role owns in this database are handed to the master
 * user (data is kept), its remaining privileges are dropped, then the role. `needsMembership`:
 * on RDS the master is not a superuser and must hold the role to reassign its objects.
 */
export function dropUser(user: string, needsMembership: boolean): string[] {
  const u = quoteIdent(user);
  return [
    ...(needsMembership ? [`GRANT ${u} TO CURRENT_USER`] : []),
    `REASSIGN OWNED BY ${u} TO CURRENT_USER`,
    `DROP OWNED BY ${u}`,
    `DROP ROLE IF EXISTS ${u}`,
  ];
}
