/**
 * Runs a function's real handler module in this process, the way Lambda would: the handler's
 * environment is set before the module is loaded (handlers read their configuration at init),
 * the middy middleware runs, and a Lambda context is passed. Everything the function prints
 * (Powertools JSON logs, EMF metrics, console notifier) is captured instead of shown, and what
 * matters is pulled out of it for the report.
 */
import { randomUUID } from 'node:crypto';
import { lambdaContext } from '../../local/lambda-context';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export interface Captured {
  /** Structured log lines (Powertools JSON). */
  logs: Array<Record<string, unknown>>;
  /** Metric name → value, from the EMF lines. */
  metrics: Array<{ name: string; value: unknown; dimensions: Record<string, unknown> }>;
  /** Everything else that was printed. */
  text: string[];
}

/**
 * Sets `env` (restoring the previous values afterwards), loads `modulePath` and returns its
 * `handler`. Loading happens once per module, as in a warm Lambda container.
 */
export async function loadHandler(modulePath: string, env: Record<string, string>): Promise<Handler> {
  const { result: handler, captured } = await withEnv(env, () =>
    capture(async () => {
      const mod = (await import(modulePath)) as { handler?: Handler; default?: { handler?: Handler } };
      const found = mod.handler ?? mod.default?.handler;
      if (typeof found !== 'function') throw new Error(`${modulePath} exports no handler`);
      return found;
    }),
  );
  initOutput.set(handler, captured);
  return handler;
}

/** What each handler printed while its module was loaded (cold start), merged into its first invoke. */
const initOutput = new Map<Handler, Captured>();

/** Invokes `handler` with `env` set, capturing what it prints. */
export async function invoke<T>(
  handler: Handler,
  functionName: string,
  event: unknown,
  env: Record<string, string> = {},
): Promise<{ result: T; captured: Captured }> {
  const out = await withEnv(env, () =>
    capture(
      async () =>
        (await handler(
          event,
          lambdaContext({
            functionName: `ops-sentinel-local-${functionName}`,
            awsRequestId: randomUUID(),
            deadline: Date.now() + 30_000,
          }),
        )) as T,
    ),
  );
  const init = initOutput.get(handler);
  if (init) {
    initOutput.delete(handler);
    out.captured = {
      logs: [...init.logs, ...out.captured.logs],
      metrics: [...init.metrics, ...out.captured.metrics],
      text: [...init.text, ...out.captured.text],
    };
  }
  return out;
}

/** Runs `fn` with stdout/stderr captured and parsed. A failure keeps the capture on the error. */
export async function capture<T>(fn: () => Promise<T>): Promise<{ result: T; captured: Captured }> {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const grab = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  try {
    const result = await fn();
    return { result, captured: parseOutput(chunks.join('')) };
  } catch (error) {
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), {
      captured: parseOutput(chunks.join('')),
    });
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

export function parseOutput(text: string): Captured {
  const captured: Captured = { logs: [], metrics: [], text: [] };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      captured.text.push(line);
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null) {
      captured.text.push(line);
      continue;
    }
    const record = parsed as Record<string, unknown>;
    const emf = record._aws as {
      CloudWatchMetrics?: Array<{ Metrics?: Array<{ Name: string }>; Dimensions?: string[][] }>;
    };
    if (emf?.CloudWatchMetrics) {
      for (const directive of emf.CloudWatchMetrics) {
        const dims = Object.fromEntries((directive.Dimensions?.flat() ?? []).map((d) => [d, record[d]]));
        for (const m of directive.Metrics ?? [])
          captured.metrics.push({ name: m.Name, value: record[m.Name], dimensions: dims });
      }
    } else {
      captured.logs.push(record);
    }
  }
  return captured;
}

/** Log messages that say which AWS call a dry run would have made. */
export function wouldCalls(captured: Captured): string[] {
  return captured.logs
    .map((l) => String(l.message ?? ''))
    .filter((m) => /would (have )?(call|put)|dry.?run/i.test(m));
}

async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
