// pg's escaping lives in pg/lib/utils (exported by pg's package.json); @types/pg types only the
// package root, whose import would load the whole driver at cold start.
declare module 'pg/lib/utils' {
  export function escapeIdentifier(value: string): string;
  export function escapeLiteral(value: string): string;
}
