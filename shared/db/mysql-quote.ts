/**
 * MySQL/MariaDB identifier and string quoting for statements that cannot take `?` placeholders
 * (CREATE/ALTER USER, GRANT, the `'user'@'host'` account), on the driver's own escaping: mysql2's
 * `escapeId`/`escape`, the same escaping mysql2 applies to `?` values. They come from sql-escaper,
 * the package mysql2 re-exports them from (a dependency of ours at mysql2's range): importing
 * `mysql2` itself would load the driver at cold start, also in a PostgreSQL deployment. Strings are
 * backslash-escaped, which assumes the default sql_mode (not NO_BACKSLASH_ESCAPES), as every `?`
 * value mysql2 sends does; names are validated before they reach SQL anyway.
 */
import { escape, escapeId } from 'sql-escaper';

/** `` `name` `` with backticks doubled. */
export function quoteIdent(name: string): string {
  return escapeId(name, true);
}

/** `'value'` with quotes, backslashes and control characters backslash-escaped. */
export function quoteString(value: string): string {
  return escape(value);
}

/** `'user'@'host'`, for statements where placeholders are not allowed. */
export function quoteAccount(user: string, host: string): string {
  return `${quoteString(user)}@${quoteString(host)}`;
}
