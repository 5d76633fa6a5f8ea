/** Small statistics helpers for the benchmarks: medians over repeated runs, never a single sample. */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Runs `fn` repeatedly for about `ms` milliseconds (at least `minRuns` times); returns operations per second. */
export function opsPerSecond(fn: () => void, ms: number, minRuns = 100): number {
  for (let i = 0; i < Math.min(minRuns, 1000); i++) fn(); // warm-up
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms || runs < minRuns) {
    for (let i = 0; i < 100; i++) fn();
    runs += 100;
    elapsed = performance.now() - start;
  }
  return (runs / elapsed) * 1000;
}

/** Prints an aligned table. */
export function table(title: string, rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return `\n${title}\n(no rows)\n`;
  const headers = Object.keys(rows[0]!);
  const cells = rows.map((r) => headers.map((h) => String(r[h] ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    '',
    `### ${title}`,
    '',
    line(headers),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.map(line),
    '',
  ].join('\n');
}
