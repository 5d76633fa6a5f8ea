import type { StopCategory } from '../../shared/ecs/stop-types';
import type { Notifier } from '../../shared/notify';

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
}

export interface TaskStoppedSettings {
  stage: string;
  region: string;
  /** Monitored service names; empty = every service of the cluster(s) the rule lets through. */
  services: string[];
  notifyRoutine: boolean;
  escalateAfter: number;
  quietMs: number;
}
