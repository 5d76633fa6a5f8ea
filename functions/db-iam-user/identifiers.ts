/**
 * Names that reach SQL. They are validated against a strict pattern before any connection is
 * opened, and quoted anyway when a statement is built: two independent defences, so a hostile
 * property such as `x'; DROP TABLE t; --` never becomes SQL.
 */

/** Letters, digits and underscores, not starting with a digit. */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Longest names each engine accepts (PostgreSQL NAMEDATALEN-1; MySQL 8 user names; schema names). */
export const MAX_LENGTH = {
  postgres: { user: 63, database: 63, schema: 63 },
  mysql: { user: 32, database: 64, schema: 64 },
} as const;

/**
 * Built-in accounts and roles this resource must never take over: turning one of them into an
 * IAM user (or dropping it on Delete) would lock operators out of the database.
 */
const RESERVED_USERS = new Set([
  'postgres',
  'public',
  'root',
  'admin',
  'rdsadmin',
  'rdsrepladmin',
  'rdstopmgr',
  'rds_superuser',
  'rds_iam',
  'rds_replication',
  'rds_password',
  'rds_ad',
  'rdsproxyadmin',
  'mariadb_sys',
  'current_user',
  'session_user',
  'none',
]);

export function isReservedUser(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_USERS.has(lower) || lower.startsWith('pg_') || lower.startsWith('rds_');
}

/** Why `name` is not an acceptable identifier, or undefined when it is. */
export function identifierProblem(name: string, maxLength: number): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (Buffer.byteLength(name, 'utf8') > maxLength) return `must be at most ${maxLength} characters`;
  if (!IDENTIFIER_PATTERN.test(name)) {
    return 'must contain only letters, digits and underscores and not start with a digit';
  }
  return undefined;
}
