import type { ProbeOptions } from '../../shared/health/probe';
import type { HealthTarget } from '../../shared/health/target';
import type { TokenSource } from '../../shared/health/token';
import type { ProbeResult } from '../../shared/health/types';
import type { Log } from '../../shared/ports';

export interface DeepHealthcheckDeps {
  probe(target: HealthTarget, options: ProbeOptions): Promise<ProbeResult>;
  tokens: TokenSource;
  /** Publishes one target's metrics and log line. */
  report(result: ProbeResult): void;
  now(): number;
  log: Log;
}

export interface DeepHealthcheckRun {
  /** Absolute time (ms since epoch) by which every probe must be finished. */
  deadlineMs: number;
  /**
   * Probes in flight at most (default all at once). Raised when needed so that every target could
   * still use its whole `timeoutMs` before the deadline (see `probeConcurrency`).
   */
  concurrency?: number;
  /** Probe only these targets (manual runs); default all. */
  only?: string[];
}

export interface DeepHealthcheckSettings {
  targets: HealthTarget[];
  /** Probes in flight at most (see `probeConcurrency`). */
  concurrency: number;
  /** Milliseconds kept free before the Lambda timeout to publish metrics and logs. */
  deadlineMarginMs: number;
}
