/**
 * Generators of malformed and unusual events: arbitrary JSON, and mutations of the real sample
 * events in events/<fn>/ (a field removed, given the wrong type, emptied, made huge or unicode,
 * an enum value nobody knows), so most cases get past the first check and reach deeper code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { deepCopy } from './outcome';

const EVENTS = path.resolve(__dirname, '../../../events');

/** Every sample event of a function (events/<fn>/*.json, not the state folders). */
export function samples(fnFolder: string): Array<{ name: string; event: Record<string, unknown> }> {
  const dir = path.join(EVENTS, fnFolder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && statSync(path.join(dir, f)).isFile())
    .sort()
    .map((f) => ({
      name: f.replace(/\.json$/, ''),
      event: JSON.parse(readFileSync(path.join(dir, f), 'utf8')),
    }));
}

type Path = Array<string | number>;

/** Every path in a JSON value (objects and arrays included), the root excluded. */
export function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i], ...paths(v, [...prefix, i]));
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) out.push([...prefix, k], ...paths(v, [...prefix, k]));
  }
  return out;
}

/** A string whose content could be embedded in a message, header or SQL. */
export const nastyString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'undefined',
    'null',
    '0',
    '-1',
    'true',
    '\u0000',
    "'; DROP TABLE items; --",
    '"\\\'`$(whoami)`',
    '\r\nX-Injected: yes',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ 日本語 עברית \u202e',
    '\ud800',
    'arn:aws:ecs:us-east-1:123456789012:task/django-app/',
    'arn:',
    'UNKNOWN_ENUM_VALUE',
    '__proto__',
    'constructor',
    '%s%s%n',
    '{"nested":"json"}',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  // Huge: 100 KB (oversized 1 MB+ events are their own test).
  fc.integer({ min: 10_000, max: 100_000 }).map((n) => 'x'.repeat(n)),
);

/** A replacement of the wrong type, or a plausible value nobody expects. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, [], {}, [null], [[]], { '': '' }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.array(nastyString, { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);

export type Mutation =
  { op: 'delete'; path: Path } | { op: 'set'; path: Path; value: unknown } | { op: 'empty'; path: Path };

function applyMutation(root: unknown, m: Mutation): unknown {
  if (m.path.length === 0) return m.op === 'set' ? deepCopy(m.value) : root;
  const parent = m.path.slice(0, -1).reduce<unknown>((node, key) => {
    if (typeof node !== 'object' || node === null) return undefined;
    return (node as Record<string | number, unknown>)[key];
  }, root);
  if (typeof parent !== 'object' || parent === null) return root;
  const key = m.path[m.path.length - 1]!;
  const p = parent as Record<string | number, unknown>;
  // An earlier mutation may have changed the structure: mutate only what is still there.
  if (!Object.prototype.hasOwnProperty.call(p, key) || Array.isArray(p) !== (typeof key === 'number'))
    return root;
  if (m.op === 'delete') {
    if (Array.isArray(p) && typeof key === 'number') p.splice(key, 1);
    else delete p[key];
  } else if (m.op === 'set') {
    p[key] = deepCopy(m.value);
  } else {
    const current = p[key];
    p[key] = Array.isArray(current) ? [] : typeof current === 'object' && current !== null ? {} : '';
  }
  return root;
}

/** 1 to 4 mutations of one of `bases`, each at a path that exists in that base. */
export function mutated(bases: unknown[]): fc.Arbitrary<unknown> {
  return fc.constantFrom(...bases).chain((base) => {
    const all = paths(base);
    if (all.length === 0) return fc.constant(deepCopy(base));
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...all) }),
      {
        weight: 3,
        arbitrary: fc.record({
          op: fc.constant('set' as const),
          path: fc.constantFrom(...all),
          value: wrongValue,
        }),
      },
      fc.record({ op: fc.constant('empty' as const), path: fc.constantFrom(...all) }),
    );
    return fc
      .array(mutation, { minLength: 1, maxLength: 4 })
      .map((ms) => ms.reduce<unknown>((event, m) => applyMutation(event, m), deepCopy(base)));
  });
}

/**
 * The mix every property uses: mostly mutations of real samples, arbitrary JSON and values of
 * any type, plus `extra` (function-specific shapes, e.g. unknown enum values in the right place).
 */
export function malformedEvents(
  bases: unknown[],
  extra: Array<fc.Arbitrary<unknown>> = [],
): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: mutated(bases) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(
        undefined,
        null,
        '',
        0,
        [],
        {},
        'Scheduled Event',
        [{}],
        // Lambda hands over JSON.parse output: own "__proto__" keys are possible.
        JSON.parse('{"__proto__": false}'),
        JSON.parse('{"__proto__": {"detail-type": "Scheduled Event"}, "detail": {"__proto__": null}}'),
        JSON.parse('{"detail-type": "Scheduled Event", "constructor": {"prototype": {"polluted": true}}}'),
      ),
    },
    ...extra.map((arbitrary) => ({ weight: 2, arbitrary })),
  );
}

/** An event of more than 1 MB: a sample with one huge field and a long array. */
export function oversized(base: Record<string, unknown>): Record<string, unknown> {
  return {
    ...deepCopy(base),
    padding: 'p'.repeat(1_100_000),
    resources: Array.from({ length: 5_000 }, (_, i) => `arn:aws:ecs:us-east-1:123456789012:task/x/${i}`),
  };
}
