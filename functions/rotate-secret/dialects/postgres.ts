import { quoteIdent, quoteLiteral } from '../../../shared/db/postgres-quote';
import type { Dialect, Statement } from './types';

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
  // AWS's PostgreSQL multi-user template grants the base user's role to the clone; the session
  // default `role` makes the clone act as the base user, so what it creates (Django migrations)
  // belongs to the base user and both users can use everything.
  cloneOf: (base, clone) => [
    { sql: `GRANT ${quoteIdent(base)} TO ${quoteIdent(clone)}` },
    { sql: `ALTER ROLE ${quoteIdent(clone)} SET role = ${quoteLiteral(base)}` },
  ],
  test: { sql: 'SELECT 1 AS ok' },
};
