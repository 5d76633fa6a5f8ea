/**
 * The event property every function gets: for each generated event (and, sometimes, the same
 * event delivered twice), the invocation ends in a handled outcome, its notifications carry no
 * `undefined`/`NaN`/`[object Object]`, and the event object is left as it came.
 */
import fc from 'fast-check';
import {
  badTokens,
  firstDifference,
  outcomeOf,
  outcomeProblems,
  snapshot,
  unchanged,
  type Outcome,
} from './outcome';

export interface PropertyTarget {
  fn: string;
  /** One invocation, as Lambda makes it. */
  invoke(event: unknown): Promise<unknown>;
  /** Subject + body of every notification sent so far (SNS Publish inputs or a recording notifier). */
  notifications(): string[];
  isSkip(result: unknown): boolean;
  /**
   * A known bug in the function for this event (returns the one-line description), excluded from
   * the property (each is returned in the run with a count and an example).
   */
  knownBug?(event: unknown, outcome: Outcome): string | undefined;
}

export interface PropertyRun {
  tried: number;
  knownBugs: Map<string, { count: number; example: string }>;
}

export async function assertEventsHandled(
  target: PropertyTarget,
  events: fc.Arbitrary<unknown>,
  options: { numRuns: number; seed?: number },
): Promise<PropertyRun> {
  const run: PropertyRun = { tried: 0, knownBugs: new Map() };
  await fc.assert(
    fc.asyncProperty(events, fc.integer({ min: 0, max: 9 }), async (event, dice) => {
      const twice = dice === 0; // duplicated delivery for one case in ten
      const before = snapshot(event);
      const sentBefore = target.notifications().length;
      const outcomes = [await outcomeOf(() => target.invoke(event), target.isSkip)];
      if (twice) outcomes.push(await outcomeOf(() => target.invoke(event), target.isSkip));
      const texts = target.notifications().slice(sentBefore);
      const bad = texts.flatMap((t) =>
        badTokens(t, event).map((token) => `notification contains ${token}: ${t.slice(0, 300)}`),
      );

      const problems = outcomes.flatMap(outcomeProblems).concat(bad);
      if (!unchanged(before, event))
        problems.push(`the event object was mutated by the invocation: ${firstDifference(before, event)}`);

      const bug = problems.length > 0 ? target.knownBug?.(event, outcomes[0]!) : undefined;
      run.tried += outcomes.length;
      if (bug) {
        const seen = run.knownBugs.get(bug) ?? { count: 0, example: short(event) };
        seen.count += outcomes.length;
        run.knownBugs.set(bug, seen);
        return;
      }
      if (problems.length > 0) {
        throw new Error(`${target.fn}: ${problems.join('\n')}\nevent: ${short(event)}`);
      }
    }),
    { numRuns: runsFrom(options.numRuns), seed: seedFrom(options.seed), endOnFailure: false },
  );
  return run;
}

/**
 * Fixed seed by default, so CI explores the same 1,000 events every run (a new counterexample is
 * found by exploring, not by a random red build). Explore with `HARDENING_SEED=random` (or a
 * number) and more runs with `HARDENING_RUNS=10000`; fast-check prints the seed of a failure.
 */
export const DEFAULT_SEED = 13;

function seedFrom(given: number | undefined): number | undefined {
  const env = process.env.HARDENING_SEED;
  if (env === 'random') return undefined;
  if (env && Number.isInteger(Number(env))) return Number(env);
  return given ?? DEFAULT_SEED;
}

function runsFrom(given: number): number {
  const env = Number(process.env.HARDENING_RUNS);
  return Number.isInteger(env) && env > 0 ? env : given;
}

export function short(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} chars)` : text;
}
