/**
 * A timer that fires `margin` before the Lambda deadline, so a FAILED response can still be sent
 * when the work (e.g. connecting to a database that is still waking up) has not finished.
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
