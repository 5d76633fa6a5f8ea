/**
 * The body of the response to CloudFormation (pure): at most 4096 bytes, Reason without control
 * characters and secrets, and the ResponseURL as it may be logged. adapters/cfn-response.ts PUTs it.
 */
import { redact } from '../../shared/redact';

export const MAX_BODY_BYTES = 4096;
export const MAX_PHYSICAL_ID_BYTES = 1024;
const TRUNCATED = ' [truncated]';

export interface ResponseFields {
  Status: 'SUCCESS' | 'FAILED';
  Reason: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  NoEcho?: boolean;
  Data?: Record<string, string>;
}

// ANSI escape sequences (colours from driver messages) first, then every other control character.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/** Reason text as CloudFormation shows it: secrets redacted, no control characters, one line. */
export function cleanReason(text: string): string {
  return redact(text).replace(ANSI, '').replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (Buffer.byteLength(chars.slice(0, mid).join(''), 'utf8') <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('');
}

const byteLength = (body: string) => Buffer.byteLength(body, 'utf8');

/** The JSON body, guaranteed to be at most 4096 bytes: Reason is shortened first, then Data dropped. */
export function buildResponseBody(fields: ResponseFields): string {
  const base: ResponseFields = {
    ...fields,
    PhysicalResourceId: truncateUtf8(fields.PhysicalResourceId, MAX_PHYSICAL_ID_BYTES),
    Reason: cleanReason(fields.Reason),
  };
  const body = JSON.stringify(base);
  if (byteLength(body) <= MAX_BODY_BYTES) return body;
  // Longest prefix of the reason (whole characters, measured after JSON escaping) that fits.
  const chars = Array.from(base.Reason);
  const withPrefix = (n: number) =>
    JSON.stringify({ ...base, Reason: `${chars.slice(0, n).join('')}${TRUNCATED}`.trim() });
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (byteLength(withPrefix(mid)) <= MAX_BODY_BYTES) lo = mid;
    else hi = mid - 1;
  }
  const shortened = withPrefix(lo);
  if (byteLength(shortened) <= MAX_BODY_BYTES) return shortened;
  const { Data: _dropped, ...rest } = base;
  return JSON.stringify({
    ...rest,
    Reason: `Response Data too large (dropped). ${truncateUtf8(base.Reason, 1024)}`,
  });
}

/** `https://host/path` without the query string: the signature in a pre-signed URL is a credential. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
