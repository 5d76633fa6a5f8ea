/**
 * MySQL / Aurora MySQL (and MariaDB for tests) statements for an IAM-authenticated user
 * `'name'@'%'`. Every function returns SQL text; nothing here talks to a database.
 */
import { quoteIdent, quoteString } from '../../../shared/db/mysql-quote';

/** What RDS documents for IAM database authentication on MySQL and Aurora MySQL. */
export const AWS_IAM_AUTH_CLAUSE = "IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'";

export const ALLOWED_PRIVILEGES = [
  'ALL',
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'INDEX',
  'ALTER',
  'REFERENCES',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'EVENT',
  'TRIGGER',
];

const AUTH_CLAUSE_PATTERN =
  /^IDENTIFIED\s+(?:WITH|VIA)\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s+(?:AS|USING)\s+'[A-Za-z0-9_]*')?$/i;

/**
 * The authentication clause and the plugin name it produces in `mysql.user.plugin`. The clause
 * is configuration (environment), never a resource property; it is checked against a strict
 * pattern so it cannot carry other SQL.
 */
export interface AuthMethod {
  clause: string;
  plugin: string;
}

export function authMethod(clause: string = AWS_IAM_AUTH_CLAUSE): AuthMethod {
  const match = AUTH_CLAUSE_PATTERN.exec(clause.trim());
  if (!match?.[1]) {
    throw new Error(
      `MySQL IAM authentication clause is not of the form IDENTIFIED WITH|VIA <plugin> [AS '<x>']`,
    );
  }
  return { clause: clause.trim().replace(/\s+/g, ' '), plugin: match[1] };
}

/** `'user'@'%'` */
export function account(user: string): string {
  return `${quoteString(user)}@'%'`;
}

/**
 * In GRANT, `_` and `%` in a database name are wildcards (`my_db` would also match `myXdb`), so
 * they are escaped; `mysql.db` then stores the escaped form.
 */
export function grantDatabaseName(database: string): string {
  return database.replace(/[\\_%]/g, (c) => `\\${c}`);
}

/** One row when the user exists: its authentication plugin. */
export function lookupUser(user: string): string {
  return `SELECT plugin FROM mysql.user WHERE User = ${quoteString(user)} AND Host = '%'`;
}

/** Database-level grants the user holds (as stored: escaped or not). */
export function databaseGrants(user: string): string {
  return `SELECT Db AS db FROM mysql.db WHERE User = ${quoteString(user)} AND Host = '%' ORDER BY Db`;
}

/** True when a stored `mysql.db` name refers to `database` (escaped or plain form). */
export function isSameDatabase(stored: string, database: string): boolean {
  return stored === database || stored === grantDatabaseName(database);
}

export function createUser(user: string, auth: AuthMethod): string {
  return `CREATE USER IF NOT EXISTS ${account(user)} ${auth.clause}`;
}

/** Converts an existing password user to IAM authentication (its password stops working). */
export function convertUser(user: string, auth: AuthMethod): string {
  return `ALTER USER ${account(user)} ${auth.clause}`;
}

export function unlockUser(user: string): string {
  return `ALTER USER ${account(user)} ACCOUNT UNLOCK`;
}

/**
 * Revokes a database-level grant exactly as stored in `mysql.db`. The explicit list (see
 * ALL_DATABASE_PRIVILEGES), because the RDS master may only revoke what it holds itself.
 */
export function revokeStored(user: string, storedDatabase: string): string {
  return `REVOKE ${ALL_DATABASE_PRIVILEGES.join(', ')} ON ${quoteIdent(storedDatabase)}.* FROM ${account(user)}`;
}

/**
 * `ALL` is granted as the explicit list of database privileges above, not `ALL PRIVILEGES`: the
 * RDS master holds a fixed list WITH GRANT OPTION, and on MariaDB `ALL` also means DELETE HISTORY
 * (and SHOW CREATE ROUTINE on 11.x), which the master of RDS for MariaDB 10.x lacks, so
 * `GRANT ALL` is refused there ("Master user account privileges",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.MasterAccounts.html).
 */
export const ALL_DATABASE_PRIVILEGES = ALLOWED_PRIVILEGES.filter((p) => p !== 'ALL');

export function grant(user: string, database: string, privileges: readonly string[]): string {
  const list = (privileges.includes('ALL') ? ALL_DATABASE_PRIVILEGES : privileges).join(', ');
  return `GRANT ${list} ON ${quoteIdent(grantDatabaseName(database))}.* TO ${account(user)}`;
}

export function lockUser(user: string): string {
  return `ALTER USER IF EXISTS ${account(user)} ACCOUNT LOCK`;
}

export function dropUser(user: string): string {
  return `DROP USER IF EXISTS ${account(user)}`;
}
