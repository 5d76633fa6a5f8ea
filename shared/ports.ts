/** Ports every function's core may use. Adapters: `logPort` in shared/powertools.ts. */

/** Structured logging for core: a message a person reads, and context fields. */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}
