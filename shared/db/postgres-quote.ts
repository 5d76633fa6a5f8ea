/**
 * PostgreSQL identifier and literal quoting for statements that cannot take `$n` parameters
 * (CREATE/ALTER ROLE, GRANT), on the driver's own escaping: `pg`'s escapeIdentifier/escapeLiteral,
 * imported from pg/lib/utils: importing `pg` itself would load the driver at cold start, also in a
 * MySQL deployment (issue 19: no driver at init).
 */
import { escapeIdentifier, escapeLiteral } from 'pg/lib/utils';

/** `"name"` with embedded quotes doubled (always quoted). */
export function quoteIdent(name: string): string {
  return escapeIdentifier(name);
}

/**
 * `'value'` with quotes doubled; as `E'...'` with backslashes doubled when one is present, so it is
 * safe whatever `standard_conforming_strings` says (pg prefixes that form with a space; trimmed).
 */
export function quoteLiteral(value: string): string {
  return escapeLiteral(value).trimStart();
}
