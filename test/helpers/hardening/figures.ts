/**
 * Prints the hardening figures as a markdown table, from what the last `npx jest test/hardening`
 * wrote to .tmp/hardening/*.json (one file per test file) and the secret-leak scan's report
 * (.tmp/runs/leak-scan-report.json). Usage: `npx tsx test/helpers/hardening/figures.ts`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FIGURES_DIR, type Tally } from './figures-store';

interface FileFigures {
  file: string;
  at: string;
  tallies: Tally[];
  knownBugs?: Record<string, { fn: string; count: number; example: string }>;
  notes?: Record<string, unknown>;
}

const FUNCTIONS = [
  'dbIamUser',
  'rotateSecret',
  'deepHealthcheck',
  'taskStopped',
  'healthAlarm',
  'deploymentGuard',
  'queueDrift',
];
const CATEGORIES = ['properties', 'faults', 'hostile', 'custom-resource matrix', 'rotation matrix'];

export function render(
  files: FileFigures[],
  leakScan?: { linesScanned: number; secretsChecked: number; leaks: number },
): string {
  const merged = new Map<string, Tally>();
  for (const t of files.flatMap((f) => f.tallies)) {
    const key = `${t.fn}|${t.category}`;
    const m = merged.get(key) ?? {
      ...t,
      tried: 0,
      errors: 0,
      skips: 0,
      results: 0,
      unhandled: 0,
      leaks: 0,
      knownBugs: 0,
    };
    m.knownBugs += t.knownBugs ?? 0;
    m.tried += t.tried;
    m.errors += t.errors;
    m.skips += t.skips;
    m.results += t.results;
    m.unhandled += t.unhandled;
    m.leaks += t.leaks;
    merged.set(key, m);
  }
  const order = (t: Tally) => FUNCTIONS.indexOf(t.fn) * 10 + CATEGORIES.indexOf(t.category);
  const rows = [...merged.values()].sort((a, b) => order(a) - order(b));
  const total = rows.reduce(
    (s, t) => ({
      tried: s.tried + t.tried,
      errors: s.errors + t.errors,
      skips: s.skips + t.skips,
      results: s.results + t.results,
      unhandled: s.unhandled + t.unhandled,
      leaks: s.leaks + t.leaks,
      knownBugs: s.knownBugs + t.knownBugs,
    }),
    { tried: 0, errors: 0, skips: 0, results: 0, unhandled: 0, leaks: 0, knownBugs: 0 },
  );
  const lines = [
    '| Function | Category | Cases tried | Handled errors | Reasoned skips | Results | Known bugs (excluded) | Unhandled | Bad output (undefined/NaN/[object Object]) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (t) =>
        `| ${t.fn} | ${t.category} | ${t.tried} | ${t.errors} | ${t.skips} | ${t.results} | ${t.knownBugs} | ${t.unhandled} | ${t.leaks} |`,
    ),
    `| **all** | | **${total.tried}** | **${total.errors}** | **${total.skips}** | **${total.results}** | **${total.knownBugs}** | **${total.unhandled}** | **${total.leaks}** |`,
  ];
  if (leakScan) {
    lines.push(
      '',
      `Secret-leak scan (test/helpers/leak-scan, same run): ${leakScan.linesScanned} printed lines and notifications ` +
        `checked against ${leakScan.secretsChecked} secret values: **${leakScan.leaks} leaks found**.`,
    );
  }
  const calls = files.flatMap((f) => Object.entries(f.notes ?? {}).filter(([k]) => k.endsWith(' calls')));
  if (calls.length > 0) {
    lines.push('', 'AWS calls that got every fault (discovered from a working run of each handler):', '');
    for (const [key, value] of calls)
      lines.push(`- ${key.replace(/ calls$/, '')}: ${(value as string[]).join(', ')}`);
  }
  const bugs = files.flatMap((f) => Object.entries(f.knownBugs ?? {}));
  if (bugs.length > 0) {
    lines.push(
      '',
      'Known bugs met (column "Known bugs"): excluded from the assertions until fixed, each marked `// KNOWN BUG` in the tests:',
      '',
    );
    for (const [description, b] of bugs)
      lines.push(`- ${description} — ${b.count} case(s), e.g. \`${b.example.slice(0, 160)}\``);
  }
  return lines.join('\n');
}

function main(): void {
  if (!existsSync(FIGURES_DIR)) {
    console.error(`No figures in ${FIGURES_DIR}: run \`npx jest test/hardening\` first.`);
    process.exitCode = 1;
    return;
  }
  const files = readdirSync(FIGURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(FIGURES_DIR, f), 'utf8')) as FileFigures);
  const reportFile = path.resolve(FIGURES_DIR, '../runs/leak-scan-report.json');
  const leakScan = existsSync(reportFile)
    ? (JSON.parse(readFileSync(reportFile, 'utf8')) as {
        linesScanned: number;
        secretsChecked: number;
        leaks: number;
      })
    : undefined;
  console.log(render(files, leakScan));
}

if (require.main === module) main();
