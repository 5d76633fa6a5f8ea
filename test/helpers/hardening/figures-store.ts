/**
 * Counts of the hardening suite: each test file tallies cases per function and category, and
 * writes them to .tmp/hardening/<file>.json when it ends; `figures.ts` turns them into the table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { OutcomeKind } from './outcome';

export const FIGURES_DIR = path.resolve(__dirname, '../../../.tmp/hardening');

export interface Tally {
  fn: string;
  category: string;
  tried: number;
  errors: number;
  skips: number;
  results: number;
  unhandled: number;
  /** Notifications or outputs with undefined/NaN/[object Object], or a secret. */
  leaks: number;
  /** Cases that hit a known bug (listed, excluded from the assertions until the lead fixes it). */
  knownBugs: number;
}

export type Category = 'properties' | 'faults' | 'hostile' | 'custom-resource matrix' | 'rotation matrix';

export class Figures {
  private readonly tallies = new Map<string, Tally>();
  /** Known bugs met (excluded from the assertions): description → count and an example input. */
  readonly knownBugs: Record<string, { fn: string; count: number; example: string }> = {};

  /** Free-form facts worth keeping with the figures (e.g. which AWS calls got faults). */
  readonly notes: Record<string, unknown> = {};

  note(key: string, value: unknown): void {
    this.notes[key] = value;
  }

  knownBug(fn: string, description: string, count: number, example: string): void {
    const seen = this.knownBugs[description] ?? { fn, count: 0, example };
    seen.count += count;
    this.knownBugs[description] = seen;
  }

  constructor(private readonly file: string) {}

  count(fn: string, category: Category, kind: OutcomeKind, leaks = 0, knownBug = false): void {
    const key = `${fn}|${category}`;
    const t = this.tallies.get(key) ?? {
      fn,
      category,
      tried: 0,
      errors: 0,
      skips: 0,
      results: 0,
      unhandled: 0,
      leaks: 0,
      knownBugs: 0,
    };
    t.tried += 1;
    if (knownBug) t.knownBugs += 1;
    else if (kind === 'error') t.errors += 1;
    else if (kind === 'skip') t.skips += 1;
    else if (kind === 'result') t.results += 1;
    else t.unhandled += 1;
    t.leaks += leaks;
    this.tallies.set(key, t);
  }

  all(): Tally[] {
    return [...this.tallies.values()];
  }

  /** Writes this file's tallies (call in afterAll). */
  write(): void {
    mkdirSync(FIGURES_DIR, { recursive: true });
    // Folder and name: properties/rotate-secret and faults/rotate-secret are different files.
    const name = `${path.basename(path.dirname(this.file))}-${path.basename(this.file).replace(/\.test\.ts$/, '')}`;
    writeFileSync(
      path.join(FIGURES_DIR, `${name}.json`),
      `${JSON.stringify({ file: path.relative(process.cwd(), this.file), at: new Date().toISOString(), tallies: this.all(), knownBugs: this.knownBugs, notes: this.notes }, null, 2)}\n`,
    );
  }
}
