/**
 * The contract of one deep-healthcheck probe (implemented in `probe.ts`), shared by
 * deepHealthcheck (scheduled) and healthAlarm (probe once now to list failing components).
 */
export type ComponentState = 'working' | 'unavailable' | 'unexpected' | 'warning';

export interface ComponentResult {
  name: string;
  state: ComponentState;
  /** The text after the state prefix, e.g. "Database error". */
  message: string;
}

/** Low-cardinality failure reasons (a metric dimension). */
export const PROBE_FAILURE_REASONS = [
  'none',
  'timeout',
  'connection',
  'tls',
  'status',
  'component',
  'body',
  'slow',
  'redirect',
  'auth',
  'config',
] as const;
export type ProbeFailureReason = (typeof PROBE_FAILURE_REASONS)[number];

export interface ProbeResult {
  target: string;
  url: string;
  /** Up: the target answered as expected (it may still be `degraded`). */
  healthy: boolean;
  /**
   * Up, but some components are not `working` (django-health-check answered 200 with `warning:`
   * or non-critical checks failing). Absent means false.
   */
  degraded?: boolean;
  reason: ProbeFailureReason;
  /** One readable sentence on what failed, or "healthy". Never contains the token. */
  detail: string;
  status?: number;
  latencyMs: number;
  components: ComponentResult[];
  certificateDaysLeft?: number;
  checkedAt: string;
}
