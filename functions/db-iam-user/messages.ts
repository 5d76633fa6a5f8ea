/**
 * The Reason CloudFormation shows for a failure: what went wrong in words, never an internal
 * class name in front (`RetryableError: ...`), never "undefined" or an empty sentence. AWS error
 * names (AccessDeniedException, ThrottlingException) stay inside the message where the adapters
 * put them: they are what a person searches for.
 */
import { OpsError } from '../../shared/errors';

const FALLBACK = 'Unexpected failure with no message; see the function log for this request';

/** The text of a thrown value, for a Reason. */
export function reasonOf(error: unknown): string {
  if (error instanceof OpsError) return textOr(error.message);
  if (error instanceof Error) {
    const e = error as Error & { code?: unknown };
    const message = textOr(e.message);
    // A driver's or AWS's own code is useful; a JavaScript class name (TypeError) is not.
    const code = typeof e.code === 'string' && e.code.trim() ? e.code.trim() : undefined;
    const awsName = /^[A-Z][A-Za-z]+(Exception|Fault|Error)$/.test(e.name) && !JS_ERRORS.has(e.name);
    const label = code ?? (awsName ? e.name : undefined);
    return label && !message.includes(label) ? `${label}: ${message}` : message;
  }
  if (typeof error === 'string') return textOr(error);
  return FALLBACK;
}

const JS_ERRORS = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
]);

function textOr(text: string | undefined): string {
  const trimmed = (text ?? '').trim();
  return trimmed && trimmed !== 'undefined' && trimmed !== 'null' ? trimmed : FALLBACK;
}
