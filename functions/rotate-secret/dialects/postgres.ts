import type { Dialect, Privilege, Statement } from './types';

/** `"name"` with embedded quotes doubled (PostgreSQL `quote_ident`, always quoting). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A string literal that is safe whatever `standard_conforming_strings` says (as libpq's escapeLiteral). */
export function quoteLiteral(value: string): string {
  const body = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

// Every privilege the role holds: role memberships, and ACL entries on the current database,
// schemas, tables/views/sequences and functions. A NULL ACL means the default one (acldefault),
// which is where an owner's privileges live: listing them lets the other user be granted what the
// owner can do with the tables it created (Django migrations), since ownership itself cannot be
// shared. `owned` marks the owner's own entries, which are never revoked. `object` is quoted SQL.
const LIST_PRIVILEGES = `
WITH target AS (SELECT oid FROM pg_roles WHERE rolname = $1)
SELECT 'ROLE' AS kind, quote_ident(r.rolname) AS object, '' AS privilege, m.admin_option AS grantable, false AS owned
  FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
 WHERE m.member = (SELECT oid FROM target)
UNION ALL
SELECT 'DATABASE', quote_ident(d.datname), a.privilege_type, a.is_grantable, a.grantee = d.datdba
  FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
 WHERE d.datname = current_database() AND a.grantee = (SELECT oid FROM target)
UNION ALL
SELECT 'SCHEMA', quote_ident(n.nspname), a.privilege_type, a.is_grantable, a.grantee = n.nspowner
  FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
 WHERE a.grantee = (SELECT oid FROM target)
UNION ALL
SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.privilege_type, a.is_grantable, a.grantee = c.relowner
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
       aclexplode(coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) a
 WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p', 'S') AND a.grantee = (SELECT oid FROM target)
UNION ALL
SELECT CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
       p.oid::regprocedure::text, a.privilege_type, a.is_grantable, a.grantee = p.proowner
  FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
 WHERE a.grantee = (SELECT oid FROM target)
ORDER BY 1, 2, 3`;

function privilegeOf(row: Record<string, unknown>, user: string): Privilege {
  const kind = String(row.kind);
  const object = String(row.object);
  const privilege = String(row.privilege);
  const grantable = row.grantable === true || row.grantable === 't';
  const to = quoteIdent(user);
  if (kind === 'ROLE') {
    return {
      key: `ROLE ${object}${grantable ? ' ADMIN' : ''}`,
      grant: { sql: `GRANT ${object} TO ${to}${grantable ? ' WITH ADMIN OPTION' : ''}` },
      revoke: { sql: `REVOKE ${object} FROM ${to}` },
    };
  }
  const owned = row.owned === true || row.owned === 't';
  return {
    key: `${privilege} ON ${kind} ${object}${grantable ? ' GRANTABLE' : ''}`,
    grant: {
      sql: `GRANT ${privilege} ON ${kind} ${object} TO ${to}${grantable ? ' WITH GRANT OPTION' : ''}`,
    },
    // An owner's own privileges are part of owning the object: never taken away.
    ...(owned ? {} : { revoke: { sql: `REVOKE ${privilege} ON ${kind} ${object} FROM ${to}` } }),
  };
}

export const postgresDialect: Dialect = {
  engine: 'postgres',
  maxUserName: { limit: 63, unit: 'bytes' },
  userNameLength: (name) => Buffer.byteLength(name, 'utf8'),
  isIamUser: (user): Statement => ({
    sql: `SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
            JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = 'rds_iam' AND u.rolname = $1) AS iam`,
    params: [user],
  }),
  accounts: (user) => ({ sql: `SELECT '' AS host FROM pg_roles WHERE rolname = $1`, params: [user] }),
  createUser: (user, _host, password) => ({
    sql: `CREATE ROLE ${quoteIdent(user)} WITH LOGIN PASSWORD ${quoteLiteral(password)}`,
  }),
  setPassword: (user, _host, password) => ({
    sql: `ALTER ROLE ${quoteIdent(user)} WITH LOGIN PASSWORD ${quoteLiteral(password)}`,
  }),
  serverVersion: { sql: 'SELECT version() AS version' },
  setOwnPassword: (user, password) => ({
    sql: `ALTER ROLE ${quoteIdent(user)} WITH PASSWORD ${quoteLiteral(password)}`,
  }),
  listPrivileges: (user) => ({ sql: LIST_PRIVILEGES, params: [user] }),
  privileges: (rows, _holder, grantee) => rows.map((row) => privilegeOf(row, grantee)),
  resetPrivileges: () => [],
  test: { sql: 'SELECT 1 AS ok' },
};
