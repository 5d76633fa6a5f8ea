import type { StopCategory } from '../../shared/ecs/stop-types';
import type { Notifier } from '../../shared/notify';
import type { Log } from '../../shared/ports';

/**
 * One open crash-loop incident of one service: the state that bounds notification volume.
 * Absent = no incident (the item is deleted on recovery).
 */
export interface Incident {
  /** `<cluster>/<service>`. */
  key: string;
  cluster: string;
  service: string;
  clusterArn: string;
  serviceArn: string;
  /** Epoch milliseconds. */
  openedAt: number;
  lastFailureAt: number;
  /** Failed stops counted in this incident. */
  count: number;
  categories: Partial<Record<StopCategory, number>>;
  /** Distinct task definitions (`family:revision`) and deployments seen, oldest first, at most 5. */
  taskDefinitions: string[];
  deployments: string[];
  escalated: boolean;
  /** The last task ids counted, so a redelivered event is not counted twice. */
  recentTaskIds: string[];
  /**
   * Epoch milliseconds at which the earliest task of the service that reached RUNNING after the
   * last failure started: recovery evidence once it has stayed up for the quiet period.
   */
  runningAt?: number;
  /**
   * `capacity`: a capacity episode (Spot reclaim, Fargate retirement, host failure), stored under
   * `<cluster>/<service>#capacity`; it never escalates and sends no recovery. Absent: a crash loop.
   */
  kind?: 'capacity';
  /** Epoch seconds after which the store may forget the incident (DynamoDB TTL). */
  expiresAt: number;
  /** Optimistic-concurrency version: every write must name the version it replaces. */
  version: number;
}

/** Where incidents live. Every write is conditional so concurrent invocations cannot both win. */
export interface IncidentStore {
  get(key: string): Promise<Incident | undefined>;
  /**
   * Writes `incident` if the stored version is still `expectedVersion` (`undefined`: only if
   * no incident exists). Returns false when another invocation wrote first.
   */
  save(incident: Incident, expectedVersion: number | undefined): Promise<boolean>;
  /** Deletes the incident if its stored version is still `incident.version`; false otherwise. */
  remove(incident: Incident): Promise<boolean>;
  /** Every open incident (a handful: at most one per service). */
  listOpen(): Promise<Incident[]>;
}

/** Metrics in domain terms (names and dimensions from shared/metric-names.ts). */
export interface StopMetrics {
  taskStopped(service: string, category: StopCategory): void;
  notification(service: string, sent: boolean): void;
}

export interface TaskStoppedDeps {
  store: IncidentStore;
  notifier: Notifier;
  metrics: StopMetrics;
  /** Epoch milliseconds; injected so tests control time. */
  now: () => number;
  /** Waits between conflicting writes (default: setTimeout); injected so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** [0, 1) for the backoff jitter (default Math.random). */
  random?: () => number;
}

/** The invocation's deps (core.handleEvent): the decisions' ports and the log. */
export interface TaskStoppedRunDeps extends TaskStoppedDeps {
  log: Log;
}

export interface TaskStoppedSettings {
  stage: string;
  region: string;
  /** Monitored service names; empty = every service of the cluster(s) the rule lets through. */
  services: string[];
  notifyRoutine: boolean;
  escalateAfter: number;
  /**
   * How long a task must stay RUNNING, with no failed stop of the service, before its incident
   * counts as recovered.
   */
  quietMs: number;
  /**
   * An incident with no failed stop for this long and no recovery evidence (no task seen
   * RUNNING, no completed deployment) is closed without a recovery: far above ECS's 27-minute
   * throttle, so a slow startup loop never reaches it. Default 6 h.
   */
  staleMs?: number;
  /** A capacity stop this long after the previous one of the service opens a new episode. Default 1 h. */
  capacityEpisodeMs?: number;
}
