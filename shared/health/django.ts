/**
 * Parser of django-health-check's JSON (`/ht/?format=json`): one key per check, the value
 * `working` or `<state>: <message>` where state is `unavailable`, `unexpected result` or
 * `warning`. A check with several errors joins them with newlines; the first one names the state.
 * The 500 response carries the same body, so a failing app still says which component failed.
 */
import type { ComponentResult, ComponentState } from './types';

const PREFIXES: Array<[prefix: string, state: ComponentState]> = [
  ['unavailable:', 'unavailable'],
  ['unexpected result:', 'unexpected'],
  ['warning:', 'warning'],
  // django-health-check's fallback for an error of an unknown class.
  ['unknown error:', 'unexpected'],
];

/** Reads one check's value. Anything that is not `working` or a known prefix is `unexpected`. */
export function parseComponentStatus(name: string, value: string): ComponentResult {
  const text = value.trim();
  if (text.toLowerCase() === 'working') return { name, state: 'working', message: '' };
  const firstLine = text.split('\n', 1)[0]!.toLowerCase();
  for (const [prefix, state] of PREFIXES) {
    if (firstLine.startsWith(prefix)) return { name, state, message: text.slice(prefix.length).trim() };
  }
  return { name, state: 'unexpected', message: text };
}

export type DjangoParseResult = { ok: true; components: ComponentResult[] } | { ok: false; problem: string };

/**
 * Turns the parsed JSON body into components. Fails (with a readable problem) when the body is
 * not an object of strings, i.e. not django-health-check's output.
 */
export function parseDjangoHealthCheck(body: unknown): DjangoParseResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      problem: `expected a JSON object of checks, got ${Array.isArray(body) ? 'an array' : typeof body}`,
    };
  }
  const entries = Object.entries(body as Record<string, unknown>);
  if (entries.length === 0)
    return { ok: false, problem: 'the JSON object lists no checks (no health_check app installed?)' };
  const components: ComponentResult[] = [];
  for (const [name, value] of entries) {
    if (typeof value !== 'string') {
      return {
        ok: false,
        problem: `check "${name}" is ${typeof value}, not a status string — not django-health-check output`,
      };
    }
    components.push(parseComponentStatus(name, value));
  }
  return { ok: true, components };
}

/** `DatabaseBackend unavailable: Database error; Cache backend: default unexpected: Connection Error` */
export function describeFailingComponents(components: ComponentResult[]): string {
  return components
    .filter((c) => c.state !== 'working')
    .map((c) => {
      const message = c.message.replace(/\s+/g, ' ').trim();
      return `${c.name.trim() || '(unnamed check)'} ${c.state}${message ? `: ${message}` : ''}`;
    })
    .join('; ');
}
