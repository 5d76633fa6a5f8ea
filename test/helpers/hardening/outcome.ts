/**
 * What counts as a handled outcome in the hardening suite, and the checks every outcome gets:
 * a project error with a specific message, or a result (a reasoned skip or a normal result);
 * never a TypeError/RangeError/raw exception, never a notification with `undefined`, `NaN` or
 * `[object Object]` in it, never a mutated event.
 */
import { isDeepStrictEqual } from 'node:util';

/** Error names of shared/errors.ts. Compared by name: jest.isolateModules loads its own copy. */
export const PROJECT_ERRORS = [
  'InvalidEventError',
  'PermanentError',
  'RetryableError',
  'ConfigError',
  // shared/aws/reachability: an AWS endpoint (or the ResponseURL's S3) cannot be reached.
  'EndpointUnreachableError',
] as const;

export type OutcomeKind = 'error' | 'skip' | 'result' | 'unhandled';

export interface Outcome {
  kind: OutcomeKind;
  /** Error name, or the result's short description. */
  detail: string;
  error?: unknown;
  result?: unknown;
}

export function isProjectError(error: unknown): error is Error & { retryable: boolean } {
  return (
    error instanceof Error &&
    (PROJECT_ERRORS as readonly string[]).includes(error.name) &&
    typeof (error as { retryable?: unknown }).retryable === 'boolean'
  );
}

/**
 * Runs one invocation and classifies it. `isSkip` tells a reasoned skip apart from a normal
 * result for this function.
 */
export async function outcomeOf(
  run: () => Promise<unknown>,
  isSkip: (result: unknown) => boolean,
): Promise<Outcome> {
  try {
    const result = await run();
    return { kind: isSkip(result) ? 'skip' : 'result', detail: 'ok', result };
  } catch (error) {
    if (isProjectError(error)) return { kind: 'error', detail: error.name, error };
    return { kind: 'unhandled', detail: describe(error), error };
  }
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ''}`.slice(0, 2000);
  return `non-Error thrown: ${String(error)}`;
}

/** Problems with a handled outcome (empty when fine). */
export function outcomeProblems(outcome: Outcome): string[] {
  const problems: string[] = [];
  if (outcome.kind === 'unhandled') problems.push(`unhandled: ${outcome.detail}`);
  if (outcome.kind === 'error') {
    const e = outcome.error as Error;
    // A specific message: says something, and no serialisation accident.
    if (e.message.trim().length < 12) problems.push(`unspecific message: ${JSON.stringify(e.message)}`);
    if (e.message.includes('[object Object]')) problems.push(`message with [object Object]: ${e.message}`);
  }
  return problems;
}

export const BAD_TOKENS = ['undefined', 'NaN', '[object Object]'] as const;

/**
 * Tokens in `text` that betray a formatting bug. A token the event itself carries (a generated
 * string may well contain "NaN") is the input echoed back, not a bug.
 */
export function badTokens(text: string, event: unknown): string[] {
  let source = '';
  try {
    source = JSON.stringify(event) ?? '';
  } catch {
    source = String(event);
  }
  // zod's wording for a missing field ("expected string, received undefined") names the problem.
  const checked = text.replace(/received undefined/g, 'received nothing');
  return BAD_TOKENS.filter((t) => checked.includes(t) && !source.includes(t));
}

/** A copy to check the event against after the invocation (the DLQ must get it unchanged). */
export function snapshot(event: unknown): unknown {
  return deepCopy(event);
}

/**
 * A deep copy made in this realm (jest's structuredClone builds objects of another realm, which
 * isDeepStrictEqual then tells apart from the originals).
 */
export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => deepCopy(v)) as T;
  if (typeof value === 'object' && value !== null) {
    const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
    // defineProperty: an own "__proto__" key (JSON.parse makes those) stays a key.
    for (const key of Object.keys(value)) {
      Object.defineProperty(out, key, {
        value: deepCopy(own(value, key)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out as T;
  }
  return value;
}

function own(value: object, key: string): unknown {
  return Object.getOwnPropertyDescriptor(value, key)?.value;
}

export function unchanged(before: unknown, after: unknown): boolean {
  return isDeepStrictEqual(before, after);
}

/** The first path where two values differ (for the failure message). */
export function firstDifference(a: unknown, b: unknown, at = '$'): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${at}: ${String(JSON.stringify(a)).slice(0, 80)} became ${String(JSON.stringify(b)).slice(0, 80)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${at}: array-ness changed`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference(own(a, k), own(b, k), `${at}.${k}`);
    if (d) return d;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at}: prototype changed`;
  return undefined;
}
