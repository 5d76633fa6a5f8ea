/**
 * Captures the CloudWatch embedded-metric-format lines Powertools writes while `run` runs
 * (test/helpers/env.ts disables metrics; they are enabled here for the duration).
 */
export interface EmfLine extends Record<string, unknown> {
  _aws: {
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
}

export async function captureEmf(run: () => unknown): Promise<EmfLine[]> {
  const saved = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    await run();
  } finally {
    log.mockRestore();
    warn.mockRestore();
    if (saved === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = saved;
  }
  return lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as EmfLine);
}

/** Every datapoint of the lines, with the dimensions of its line. */
export function emfPoints(lines: EmfLine[]) {
  return lines.flatMap((emf) =>
    emf._aws.CloudWatchMetrics.flatMap((set) =>
      set.Metrics.map((m) => ({
        name: m.Name,
        unit: m.Unit,
        value: emf[m.Name],
        dims: Object.fromEntries((set.Dimensions[0] ?? []).map((d) => [d, emf[d]])),
      })),
    ),
  );
}
