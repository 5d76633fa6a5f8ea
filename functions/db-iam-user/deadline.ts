/**
 * A timer that fires `margin` before the Lambda deadline, so a FAILED response can still be sent
 * when the work (e.g. connecting to a database that is still waking up) has not finished.
 *
 * Why not middy's timeout (`timeoutEarlyInMillis` + `timeoutEarlyResponse`, @middy/core 6.4.5,
 * docs/adding-a-function.md "Deadlines"): what must happen at the deadline is a PUT of FAILED to
 * the event's ResponseURL, with the id of an unfinished Create and the phase in progress. Middy
 * calls `timeoutEarlyResponse()` with no argument (node_modules/@middy/core/index.js:
 * `resolve(plugin.timeoutEarlyResponse())`) and returns its value as the invocation's result, so
 * the hook has neither the event nor the phase to build that answer from. Using only middy's
 * `signal` would mean making `timeoutEarlyResponse` a promise that never settles, so that it never
 * wins the race against the handler's own FAILED PUT: an undocumented use that a middy change to
 * the race (or to the default throwing `TimeoutError`) would turn into "no response, the stack
 * waits for ServiceTimeout". The margin is also configuration (RESPONSE_MARGIN_MS) that may be
 * invalid when the module loads, where middy's plugin options are fixed, and custom-resource.ts
 * is exercised without middy by the integration and hardening tests (lambdaContext(remainingMs)).
 * The deadline stays here; its `signal` is what core passes on (sqlSession stops after it).
 */
export interface Deadline {
  /** Resolves when the timer fires; never rejects. */
  readonly reached: Promise<void>;
  /** Aborted when the timer fires. */
  readonly signal: AbortSignal;
  /** Epoch ms of the Lambda deadline itself. */
  readonly lambdaDeadline: number;
  /** Milliseconds until the timer fires (0 when it has). */
  timeLeftMs(): number;
  cancel(): void;
}

export function startDeadline(remainingMs: number, marginMs: number, now: () => number = Date.now): Deadline {
  const start = now();
  const fireIn = Math.max(0, remainingMs - marginMs);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const reached = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve();
    }, fireIn);
  });
  return {
    reached,
    signal: controller.signal,
    lambdaDeadline: start + remainingMs,
    timeLeftMs: () => Math.max(0, start + fireIn - now()),
    cancel: () => clearTimeout(timer),
  };
}
