import type { StoppedTaskFacts } from '../../shared/ecs/stop-types';

/**
 * Domain types of deploymentGuard: what the guard knows about a service, what woke it up,
 * and the policy it applies. No SDK types here: adapters translate into these.
 */

export const DEPLOYMENT_MODES = ['rollback', 'notify', 'dry-run'] as const;
export type DeploymentMode = (typeof DEPLOYMENT_MODES)[number];

/** Per-service policy (stage param `services[].deployment`). Defaults in `DEFAULT_POLICY`. */
export interface DeploymentPolicy {
  /** `rollback`: act; `notify`: tell a person only; `dry-run`: say what would be done. */
  mode: DeploymentMode;
  /** A deployment older than this that is not visibly progressing is stuck. */
  maxDurationMinutes: number;
  /** ECS `failedTasks` (consecutive failures, resets when a task runs) at which it is stuck. */
  maxConsecutiveFailedTasks: number;
  /** `SERVICE_TASK_START_IMPAIRED` (and `SERVICE_TASK_CONFIGURATION_FAILURE`) alone mean stuck. */
  startImpairedIsStuck: boolean;
  /** No progress for this long while placement fails (or past the maximum duration) means stuck. */
  stallMinutes: number;
  /** After a rollback is under way, cancel the app's stack update if it is UPDATE_IN_PROGRESS. */
  cancelStackUpdate: boolean;
  /**
   * Act on the first failure that cannot succeed on retry (image or tag missing, secret or key
   * missing, invalid task definition, command not found) instead of waiting for more failures.
   * Default: on in `rollback` mode, off otherwise (see `resolvePolicy`).
   */
  actOnFirst: boolean;
}

export const DEFAULT_POLICY: DeploymentPolicy = {
  mode: 'notify',
  maxDurationMinutes: 30,
  maxConsecutiveFailedTasks: 3,
  startImpairedIsStuck: true,
  stallMinutes: 10,
  cancelStackUpdate: false,
  actOnFirst: false,
};

/** A policy from partial settings: defaults filled in, `actOnFirst` on by default in rollback mode. */
export function resolvePolicy(partial: Partial<DeploymentPolicy> = {}): DeploymentPolicy {
  const mode = partial.mode ?? DEFAULT_POLICY.mode;
  return { ...DEFAULT_POLICY, actOnFirst: mode === 'rollback', ...partial, mode };
}

/** One entry of DescribeServices `deployments[]`. */
export interface DeploymentView {
  /** `ecs-svc/<digits>`; also the `startedBy` of the tasks it launches. */
  id: string;
  /** `PRIMARY` (the newest), `ACTIVE` (older, still running tasks) or `INACTIVE`. */
  status: string;
  taskDefinition: string;
  /** `IN_PROGRESS` | `COMPLETED` | `FAILED`; absent for services without rollout tracking. */
  rolloutState?: string;
  rolloutStateReason?: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  /** Consecutive failed tasks of this deployment (ECS resets it when a task reaches RUNNING). */
  failedTasks: number;
  createdAt: Date;
  /** Changes whenever the counts change: the last sign of progress. */
  updatedAt: Date;
}

/** One entry of ListServiceDeployments (the newer API with rollback states). */
export interface ServiceDeploymentView {
  arn: string;
  /** PENDING | IN_PROGRESS | ROLLBACK_REQUESTED | ROLLBACK_IN_PROGRESS | STOP_REQUESTED | ... */
  status: string;
  statusReason?: string;
  startedAt?: Date;
  createdAt?: Date;
}

/** A line of the service's own event log (DescribeServices `events[]`). */
export interface ServiceEventView {
  at: Date;
  message: string;
}

/** A stopped task of the deployment (ListTasks startedBy + DescribeTasks; kept by ECS about an hour). */
export interface StoppedTaskView {
  taskArn: string;
  stoppedAt: Date;
  stopCode?: string;
  stoppedReason?: string;
  /** First container reason or non-zero exit code worth quoting. */
  containerReason?: string;
  containers?: StoppedTaskFacts['containers'];
}

/** A service deployment as DescribeServiceDeployments shows it (only what the guard reads). */
export interface ServiceDeploymentState {
  arn: string;
  /** PENDING | IN_PROGRESS | ROLLBACK_REQUESTED | ROLLBACK_IN_PROGRESS | STOP_REQUESTED | SUCCESSFUL | ... */
  status: string;
}

/** What the guard has read about one service. */
export interface ServiceSnapshot {
  cluster: string;
  service: string;
  serviceArn?: string;
  deployments: DeploymentView[];
  /** Most recent first or any order; only entries after the deployment started count. */
  events: ServiceEventView[];
  /** Only read right before acting (ListServiceDeployments); undefined when not read. */
  serviceDeployments?: ServiceDeploymentView[];
  /** Only read right before acting (ListTagsForResource); undefined when not read. */
  tags?: Record<string, string>;
  /** Only read right before acting: stopped tasks of the PRIMARY deployment, for evidence. */
  stoppedTasks?: StoppedTaskView[];
  /** Set when the stopped tasks could not be read: the evidence is incomplete, and says so. */
  stoppedTasksError?: string;
}

export type ServiceActionName =
  'SERVICE_TASK_START_IMPAIRED' | 'SERVICE_TASK_PLACEMENT_FAILURE' | 'SERVICE_TASK_CONFIGURATION_FAILURE';

/** What woke the guard up. Every kind leads to the same re-read and decision. */
export type Trigger =
  | { kind: 'sweep'; at: Date }
  | {
      kind: 'deployment-state';
      at: Date;
      service: string;
      eventName: string;
      deploymentId?: string;
      reason?: string;
    }
  | { kind: 'service-action'; at: Date; service: string; eventName: ServiceActionName }
  | {
      kind: 'task-stopped';
      at: Date;
      service: string;
      /** `startedBy` of the task: the deployment that launched it. */
      deploymentId: string;
      taskArn?: string;
      stopCode?: string;
      stoppedReason?: string;
      /** First container reason/exit code worth quoting (e.g. CannotPullContainerError). */
      containerReason?: string;
      containers?: StoppedTaskFacts['containers'];
    };

export type SignalKind =
  | 'start-impaired'
  | 'placement-failure'
  | 'configuration-failure'
  | 'unhealthy'
  | 'task-failed'
  | 'deployment-failed';

/** A failure observed during the deployment, from the trigger or the service's event log. */
export interface Signal {
  kind: SignalKind;
  at: Date;
  detail: string;
  /** For a stopped task: what to check, from the shared stop classifier. */
  nextSteps?: string[];
  /** For a stopped task: why no retry can succeed (missing image, secret...), when that is known. */
  deterministic?: string;
  /** For a stopped task or a service event: the cause is capacity (Spot, ENIs, IPs...), not the revision. */
  capacity?: boolean;
  /** For a stopped task: the exit code of the failing essential container, when known. */
  exitCode?: number;
}
