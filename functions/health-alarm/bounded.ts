import { OpsError } from '../../shared/errors';

/** The outcome of one enrichment step: its value, or why it is unavailable. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

const MAX_ERROR = 200;

/**
 * A short reason for an enrichment failure, e.g. `AccessDenied: User ... is not authorized`.
 * Adapters wrap SDK errors in the project's types; the AWS error name is in `cause`.
 */
export function enrichmentError(error: unknown): string {
  const root = error instanceof OpsError && error.cause instanceof Error ? error.cause : error;
  if (!(root instanceof Error)) return String(root).slice(0, MAX_ERROR);
  // Our own error types say enough in their message; their class name is noise to a reader.
  if (root instanceof OpsError) return cap(root.message);
  const code = (root as { code?: unknown }).code;
  const name = root.name && root.name !== 'Error' ? root.name : typeof code === 'string' ? code : '';
  const text =
    name && root.message && !root.message.startsWith(name)
      ? `${name}: ${root.message}`
      : root.message || name;
  const status = (root as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // The SDK names unmodelled answers (a proxy's 404, an HTML error page) only "UnknownError".
  const vague = !name || name === 'UnknownError' || name === 'NotFound';
  return cap(status && vague && !text.includes(String(status)) ? `${text} (HTTP ${status})` : text);
}

function cap(text: string): string {
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR - 1)}…` : text;
}

/**
 * Runs one enrichment step within `budgetMs`. The step gets an AbortSignal that fires at the
 * deadline (SDK requests are cancelled with it); whatever happens, the caller gets an outcome
 * and never waits longer than the budget — a missing permission or an unreachable endpoint
 * must not cost the notification.
 */
export async function bounded<T>(
  budgetMs: number,
  step: (signal: AbortSignal) => Promise<T>,
): Promise<Outcome<T>> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, error: `timed out after ${budgetMs} ms` });
    }, budgetMs);
  });
  const work = (async (): Promise<Outcome<T>> => {
    try {
      return { ok: true, value: await step(controller.signal) };
    } catch (error) {
      return { ok: false, error: enrichmentError(error) };
    }
  })();
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
