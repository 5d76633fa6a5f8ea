/**
 * Gatus-style conditions on a probe's response, e.g. `[STATUS] == 200`, `[BODY].status == UP`,
 * `[RESPONSE_TIME] < 300`, `len([BODY].items) > 0`, `has([BODY].db) == true`,
 * `[BODY].version == pat(4.*)`, `[BODY].state == any(ok, degraded)`.
 *
 * Parsed once when the configuration loads (a typo fails at cold start, naming the condition)
 * and evaluated on every probe.
 */
import type { ProbeFailureReason } from './types';

export type ConditionOperator = '==' | '!=' | '<=' | '>=' | '<' | '>';

type Placeholder =
  { kind: 'status' } | { kind: 'responseTime' } | { kind: 'body'; path: Array<string | number> };

export interface Condition {
  /** The condition as written in the configuration. */
  text: string;
  left: { fn?: 'len' | 'has'; placeholder: Placeholder };
  operator: ConditionOperator;
  right: string;
}

export interface ConditionContext {
  status: number;
  responseTimeMs: number;
  /** The parsed JSON body, or `undefined` when the body is not JSON. */
  body: unknown;
  bodyIsJson: boolean;
}

export interface ConditionOutcome {
  ok: boolean;
  /** The value the left side resolved to, for the failure message. */
  actual: string;
  /** Which failure reason a false result maps to. */
  reason: ProbeFailureReason;
}

const OPERATORS: ConditionOperator[] = ['==', '!=', '<=', '>=', '<', '>'];
const PATH_SEGMENT = /\.([^.[\]]+)|\[(\d+)\]/y;

function parsePlaceholder(text: string): Placeholder {
  const upper = text.toUpperCase();
  if (upper === '[STATUS]') return { kind: 'status' };
  if (upper === '[RESPONSE_TIME]') return { kind: 'responseTime' };
  if (!upper.startsWith('[BODY]')) {
    throw new Error(`unknown placeholder "${text}" (use [STATUS], [RESPONSE_TIME] or [BODY].path)`);
  }
  const path: Array<string | number> = [];
  let index = '[BODY]'.length;
  while (index < text.length) {
    PATH_SEGMENT.lastIndex = index;
    const match = PATH_SEGMENT.exec(text);
    if (!match) throw new Error(`cannot read the JSON path "${text}" at "${text.slice(index)}"`);
    path.push(match[1] !== undefined ? match[1] : Number(match[2]));
    index = PATH_SEGMENT.lastIndex;
  }
  return { kind: 'body', path };
}

/** Parses one condition; throws an `Error` whose message says what is wrong with it. */
export function parseCondition(text: string): Condition {
  const trimmed = text.trim();
  let operator: ConditionOperator | undefined;
  let at = -1;
  for (const op of OPERATORS) {
    const found = trimmed.indexOf(` ${op} `);
    if (found >= 0 && (at < 0 || found < at)) {
      operator = op;
      at = found;
    }
  }
  if (!operator) {
    throw new Error(
      `condition "${text}" has no operator (expected "<left> <op> <right>", op one of ${OPERATORS.join(' ')})`,
    );
  }
  const leftText = trimmed.slice(0, at).trim();
  const right = trimmed.slice(at + operator.length + 2).trim();
  const fnMatch = /^(len|has)\((.*)\)$/i.exec(leftText);
  const fn = fnMatch ? (fnMatch[1]!.toLowerCase() as 'len' | 'has') : undefined;
  const placeholder = parsePlaceholder(fnMatch ? fnMatch[2]!.trim() : leftText);
  if (fn && placeholder.kind !== 'body')
    throw new Error(`condition "${text}": ${fn}() only applies to [BODY]`);
  return { text: trimmed, left: { fn, placeholder }, operator, right };
}

function resolvePath(body: unknown, path: Array<string | number>): { found: boolean; value: unknown } {
  let current: unknown = body;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return { found: false, value: undefined };
      current = current[segment];
    } else {
      if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) {
        return { found: false, value: undefined };
      }
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return { found: true, value: current };
}

function asText(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 's');
}

function compare(actual: string, operator: ConditionOperator, right: string): boolean {
  const pat = /^pat\((.*)\)$/is.exec(right);
  const any = /^any\((.*)\)$/is.exec(right);
  let equal: boolean;
  if (pat) equal = globToRegExp(pat[1]!).test(actual);
  else if (any) equal = any[1]!.split(',').some((option) => option.trim() === actual);
  else equal = actual === right;
  if (operator === '==') return equal;
  if (operator === '!=') return !equal;
  const a = Number(actual);
  const b = Number(right);
  if (actual.trim() === '' || right.trim() === '' || Number.isNaN(a) || Number.isNaN(b)) return false;
  if (operator === '<') return a < b;
  if (operator === '<=') return a <= b;
  if (operator === '>') return a > b;
  return a >= b;
}

/** Evaluates a parsed condition against one response. */
export function evaluateCondition(condition: Condition, context: ConditionContext): ConditionOutcome {
  const { placeholder, fn } = condition.left;
  let actual: string;
  let reason: ProbeFailureReason;
  if (placeholder.kind === 'status') {
    actual = String(context.status);
    reason = 'status';
  } else if (placeholder.kind === 'responseTime') {
    actual = String(Math.round(context.responseTimeMs));
    reason = 'slow';
  } else {
    reason = 'body';
    const { found, value } = context.bodyIsJson
      ? resolvePath(context.body, placeholder.path)
      : { found: false, value: undefined };
    if (fn === 'has') actual = String(found);
    else if (fn === 'len') {
      actual =
        typeof value === 'string' || Array.isArray(value)
          ? String(value.length)
          : found && typeof value === 'object' && value !== null
            ? String(Object.keys(value).length)
            : '(missing)';
    } else actual = found ? asText(value) : '(missing)';
  }
  return { ok: compare(actual, condition.operator, condition.right), actual, reason };
}
