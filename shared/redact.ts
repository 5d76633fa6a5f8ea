/**
 * Secret redaction. Two layers: exact values registered at run time (passwords, tokens the
 * code has read) and patterns that look like credentials in free text. Used by the logger's
 * JSON replacer and by every notification formatter.
 */
const knownSecrets = new Set<string>();
const MIN_SECRET_LENGTH = 4;

/** Registers a value that must never be printed. Short values are ignored (too many false hits). */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) knownSecrets.add(value);
}

/** For tests: forget registered secrets. */
export function clearRegisteredSecrets(): void {
  knownSecrets.clear();
}

export const REDACTED = '[REDACTED]';

const SECRET_KEY = /pass(word|wd)?|secret|token|api[-_]?key|authorization|credential|private[-_]?key/i;

const PATTERNS: Array<[RegExp, string]> = [
  // scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s:/@]{1,200}:)[^\s@/]{1,500}@/gi, `$1${REDACTED}@`],
  // "password": "value" or password=value or password: value — but not ARN parts (`:secret:NAME`)
  [
    /((?<![:\w-])(?:"|')?[A-Za-z0-9_-]{0,40}(?:pass(?:word|wd)?|secret(?!smanager)|token|api[-_]?key)[A-Za-z0-9_-]{0,40}(?:"|')?\s{0,5}[:=]\s{0,5})("[^"]{0,1000}"|'[^']{0,1000}'|[^\s,;&}"']{1,1000})/gi,
    `$1${REDACTED}`,
  ],
  // Authorization: Bearer xxx / Token xxx / Basic xxx
  [/(\b(?:Bearer|Token|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}/g, `$1${REDACTED}`],
  // AWS secret access keys (40 chars base64-ish after a key id) and session tokens are caught
  // by key names above; access key ids are not secret but keys next to them are.
];

/** True when an object key names a secret (`password`, `DJANGO_SECRET_KEY`, `token`...). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * Returns `text` with every registered secret and secret-looking value replaced. Every
 * quantifier is bounded so redaction stays linear on megabyte-sized input.
 */
export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Deep copy of `value` with secret keys blanked and every string redacted. */
export function redactDeep<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, jsonRedactor)) as T;
}

/** A `JSON.stringify` replacer that redacts. */
export function jsonRedactor(key: string, value: unknown): unknown {
  if (key && isSecretKey(key) && (typeof value === 'string' || typeof value === 'number')) return REDACTED;
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
