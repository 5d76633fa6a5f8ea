import { classifyStop } from '../../shared/ecs/classify-stop';
import type {
  DeploymentPolicy,
  DeploymentView,
  ServiceSnapshot,
  Signal,
  SignalKind,
  StoppedTaskView,
  Trigger,
} from './types';

/** Why a deployment is judged stuck (first matching rule wins; every match is in `evidence.rules`). */
export type StuckReason =
  | 'deterministic-failure'
  | 'breaker-failed-no-rollback'
  | 'consecutive-failed-tasks'
  | 'start-impaired'
  | 'configuration-failure'
  | 'placement-failure'
  | 'max-duration';

export type WaitReason =
  'within-limits' | 'slow-but-progressing' | 'rollback-in-progress' | 'deployment-is-rollback' | 'capacity';
export type HealthyReason = 'no-deployment-in-progress' | 'deployment-completed';

export interface Evidence {
  deploymentId: string;
  taskDefinition: string;
  /** The last known-good revision (ACTIVE, completed), when there is one. */
  previousTaskDefinition?: string;
  startedAt: Date;
  elapsedMinutes: number;
  minutesSinceProgress: number;
  failedTasks: number;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  signals: Signal[];
  /** Set when an older deployment already ran this revision: report only, never roll back. */
  sameRevisionAs?: string;
  /** Earliest failure seen during this deployment. */
  firstFailure?: Signal;
  /** Every stuck rule that matched, as sentences. */
  rules: string[];
  /** Why the new revision itself is at fault (failed tasks, or it cannot fit where the old one runs). */
  revisionFault?: string;
  /**
   * Set when the trouble is capacity (Spot, ENIs, IP addresses, Fargate capacity) and nothing
   * shows the revision is at fault: rolling back cannot help, so the guard only reports.
   */
  capacity?: string;
  /** Set for `deterministic-failure`: why the guard did not wait for more failures. */
  deterministic?: string;
}

export type Decision =
  | { verdict: 'healthy'; reason: HealthyReason; summary: string }
  | { verdict: 'wait'; reason: WaitReason; summary: string; evidence?: Evidence }
  | { verdict: 'stuck'; reason: StuckReason; summary: string; evidence: Evidence };

const MINUTE = 60_000;
const minutesBetween = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / MINUTE);
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Service event log lines that are failure signals (ECS wording, stable for years). */
const SERVICE_EVENT_SIGNALS: Array<[RegExp, SignalKind]> = [
  [/unable to consistently start tasks successfully/i, 'start-impaired'],
  [/unable to place a task/i, 'placement-failure'],
  [/failed to launch a task/i, 'configuration-failure'],
  [/is unhealthy in \(target-group|failed (?:elb|container) health checks/i, 'unhealthy'],
  [/deployment failed/i, 'deployment-failed'],
];

const ACTION_SIGNALS: Record<string, SignalKind> = {
  SERVICE_TASK_START_IMPAIRED: 'start-impaired',
  SERVICE_TASK_PLACEMENT_FAILURE: 'placement-failure',
  SERVICE_TASK_CONFIGURATION_FAILURE: 'configuration-failure',
};

type StopFacts = Pick<StoppedTaskView, 'stopCode' | 'stoppedReason' | 'containerReason' | 'containers'>;

/**
 * Stop reasons no retry can fix: the breaker would only count them up to its threshold. Matched
 * on the task's stopped reason and container reasons (ECS wording, see REFERENCE.md §3).
 */
const DETERMINISTIC: Array<[RegExp, string]> = [
  [
    /CannotPullContainerError[\s\S]*(?:\bnot found\b|manifest unknown|name unknown|does not exist)/i,
    'the image or its tag does not exist',
  ],
  [/did not contain json key/i, 'the secret has no such JSON key'],
  [
    /ResourceNotFoundException|can.t find the specified secret|ParameterNotFound|invalid ssm parameters?/i,
    'a secret or parameter the task reads does not exist',
  ],
  [
    /executable file not found|exec format error|CannotStartContainerError[\s\S]*no such file or directory/i,
    "the container's command cannot run in this image",
  ],
  [/invalid (?:task|container) definition/i, 'the task definition is invalid'],
];
/** Exit codes that mean the command itself cannot run (127: not found, 126: not executable). */
const DETERMINISTIC_EXIT: Record<number, string> = {
  126: "the container's command is not executable (exit code 126)",
  127: "the container's command was not found (exit code 127)",
};
/**
 * Capacity that no revision could get either: Spot reclaims, infrastructure stops, ENI or IP
 * exhaustion, Fargate capacity. SERVICE_TASK_START_IMPAIRED is emitted for these too.
 */
const CAPACITY_TEXT =
  /RESOURCE:ENI|\bENIs?\b|elastic network interface|free (?:IP )?addresses|IP addresses? available|Capacity is unavailable|insufficient capacity|no container instances? (?:was|were) found|Spot (?:capacity|Task was interrupted)/i;
/** Placement failures that depend on what the revision asks for (memory, CPU, ports, attributes). */
const REVISION_FIT_TEXT =
  /insufficient (?:memory|CPU)|RESOURCE:(?:MEMORY|CPU|PORTS|GPU)|port .* already in use|required attribute|placement constraint/i;
const CAPACITY_CATEGORIES = new Set(['spot-interruption', 'infrastructure']);

function deterministicWhy(task: StopFacts): { why?: string; exitCode?: number } {
  const text = [task.stoppedReason, task.containerReason, ...(task.containers ?? []).map((c) => c.reason)]
    .filter(Boolean)
    .join(' | ');
  const failing = (task.containers ?? []).find((c) => typeof c.exitCode === 'number' && c.exitCode !== 0);
  const exitCode = typeof failing?.exitCode === 'number' ? failing.exitCode : undefined;
  const match = DETERMINISTIC.find(([pattern]) => pattern.test(text));
  if (match) return { why: match[1], exitCode };
  if (exitCode !== undefined && DETERMINISTIC_EXIT[exitCode])
    return { why: DETERMINISTIC_EXIT[exitCode], exitCode };
  return { exitCode };
}

/** A stopped task as a failure signal, explained by the shared classifier; undefined when routine. */
function stopSignal(task: StopFacts, at: Date): Signal | undefined {
  const c = classifyStop({
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    containers: task.containers,
  });
  if (c.routine) return undefined;
  // The container reason often repeats the task's stopped reason word for word.
  const containerReason =
    task.containerReason && task.stoppedReason?.length && task.containerReason.includes(task.stoppedReason)
      ? undefined
      : task.containerReason;
  const why = [task.stopCode, task.stoppedReason, containerReason].filter(Boolean).join(': ');
  const deterministic = deterministicWhy(task);
  return {
    kind: 'task-failed',
    at,
    detail: `task ${c.headline} (${why || 'no reason given'})`,
    nextSteps: c.nextSteps,
    deterministic: deterministic.why,
    exitCode: deterministic.exitCode,
    capacity: CAPACITY_CATEGORIES.has(c.category) || CAPACITY_TEXT.test(why) || undefined,
  };
}

const ROLLBACK_TEXT = /roll(?:ing|ed)?[\s-]?back/i;
const ROLLBACK_SERVICE_DEPLOYMENT = new Set(['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'STOP_REQUESTED']);

/** The PRIMARY deployment (the one being rolled out). */
export function primaryDeployment(snapshot: ServiceSnapshot): DeploymentView | undefined {
  return snapshot.deployments.find((d) => d.status === 'PRIMARY');
}

/**
 * The last known-good revision to return to: the newest ACTIVE deployment that completed
 * (or has no rollout tracking) with a task definition other than the primary's.
 */
export function rollbackTarget(snapshot: ServiceSnapshot): DeploymentView | undefined {
  const primary = primaryDeployment(snapshot);
  return snapshot.deployments
    .filter(
      (d) =>
        d.status === 'ACTIVE' &&
        (d.rolloutState === undefined || d.rolloutState === 'COMPLETED') &&
        d.taskDefinition !== primary?.taskDefinition,
    )
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
}

/** Failures seen since the deployment started, from the service event log and the trigger. */
export function collectSignals(
  snapshot: ServiceSnapshot,
  primary: DeploymentView,
  trigger: Trigger,
): Signal[] {
  const since = primary.createdAt.getTime();
  const signals: Signal[] = [];
  for (const event of snapshot.events) {
    if (event.at.getTime() < since) continue;
    const match = SERVICE_EVENT_SIGNALS.find(([pattern]) => pattern.test(event.message));
    if (match) {
      signals.push({
        kind: match[1],
        at: event.at,
        detail: event.message,
        capacity: CAPACITY_TEXT.test(event.message) || undefined,
      });
    }
  }
  for (const task of snapshot.stoppedTasks ?? []) {
    if (task.stoppedAt.getTime() < since) continue;
    if (trigger.kind === 'task-stopped' && trigger.taskArn === task.taskArn) continue;
    const signal = stopSignal(task, task.stoppedAt);
    if (signal) signals.push(signal);
  }
  if (trigger.kind !== 'sweep' && trigger.at.getTime() >= since) {
    if (trigger.kind === 'service-action') {
      const kind = ACTION_SIGNALS[trigger.eventName];
      if (kind) signals.push({ kind, at: trigger.at, detail: `ECS Service Action ${trigger.eventName}` });
    } else if (trigger.kind === 'task-stopped' && trigger.deploymentId === primary.id) {
      const signal = stopSignal(trigger, trigger.at);
      if (signal) signals.push(signal);
    } else if (trigger.kind === 'deployment-state' && trigger.eventName === 'SERVICE_DEPLOYMENT_FAILED') {
      signals.push({
        kind: 'deployment-failed',
        at: trigger.at,
        detail: trigger.reason ?? 'deployment failed',
      });
    }
  }
  return signals.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * An older deployment that already ran the primary's task definition: the primary is a
 * rollback (ours, or the circuit breaker's while the old tasks still run) or a forced redeploy.
 * Rolling it back would change nothing, so such a deployment is only ever reported.
 */
export function sameRevisionAs(
  snapshot: ServiceSnapshot,
  primary: DeploymentView,
): DeploymentView | undefined {
  return snapshot.deployments.find(
    (d) => d !== primary && d.taskDefinition === primary.taskDefinition && d.createdAt < primary.createdAt,
  );
}

/** Why the primary deployment is being rolled back or is ECS's rollback, or undefined. */
export function rollbackEvidence(snapshot: ServiceSnapshot, primary: DeploymentView): string | undefined {
  if (primary.rolloutStateReason && ROLLBACK_TEXT.test(primary.rolloutStateReason)) {
    return `deployment ${primary.id} is a rollback: ${primary.rolloutStateReason}`;
  }
  const rolling = snapshot.serviceDeployments?.find((sd) => ROLLBACK_SERVICE_DEPLOYMENT.has(sd.status));
  if (rolling) return `service deployment ${rolling.arn} is ${rolling.status}`;
  return undefined;
}

/**
 * A circuit breaker with `rollback: false` (CDK's default) leaves a FAILED deployment as the
 * PRIMARY: ECS stops launching its tasks and nothing rolls it back. ECS starts its own rollback
 * (a new PRIMARY) right when the breaker trips; this long is left to it before FAILED alone counts.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html
 */
export const FAILED_GRACE_MINUTES = 1;

function isInProgress(snapshot: ServiceSnapshot, primary: DeploymentView): boolean {
  if (primary.rolloutState !== undefined) return primary.rolloutState === 'IN_PROGRESS';
  // No rollout tracking: in progress while older deployments remain or tasks are missing.
  return snapshot.deployments.length > 1 || primary.runningCount < primary.desiredCount;
}

/**
 * Whether the new revision itself is at fault: a task of this deployment failed for a reason
 * other than capacity, or it cannot be placed (memory, CPU, ports) where the previous revision
 * runs all its tasks. Undefined when nothing shows it.
 */
function revisionFault(
  snapshot: ServiceSnapshot,
  primary: DeploymentView,
  signals: Signal[],
): string | undefined {
  const stops = signals.filter((s) => s.kind === 'task-failed');
  const failed = stops.find((s) => !s.capacity);
  if (failed) return `a task of this revision failed: ${failed.detail}`;
  if (primary.failedTasks > 0 && stops.length === 0)
    return `${primary.failedTasks} task(s) of this revision failed to reach a healthy state`;
  const previous = rollbackTarget(snapshot);
  const fit = signals.find(
    (s) => s.kind === 'placement-failure' && !s.capacity && REVISION_FIT_TEXT.test(s.detail),
  );
  if (fit && previous && previous.runningCount >= previous.desiredCount && previous.desiredCount > 0) {
    return `the previous revision runs ${previous.runningCount} task(s) on the same capacity, the new one cannot be placed (${fit.detail})`;
  }
  return undefined;
}

/** Why the trouble looks like capacity rather than the revision, or undefined. */
function capacityCause(signals: Signal[]): string | undefined {
  const capacity = signals.filter((s) => s.capacity);
  if (capacity.length > 0) return capacity[capacity.length - 1]!.detail;
  if (signals.some((s) => s.kind === 'start-impaired' || s.kind === 'placement-failure')) {
    return 'ECS cannot start or place tasks and no task of this revision failed';
  }
  return undefined;
}

/**
 * A failure of this deployment that no retry can fix, with why: its latest stop has a
 * deterministic reason (missing image, secret, key; invalid task definition; command not
 * found), or its essential container exited with the same code on every start (two in a row),
 * and no task of it is running.
 */
function deterministicFailure(
  primary: DeploymentView,
  signals: Signal[],
): { signal: Signal; why: string } | undefined {
  // A task of this revision running shows it can start: then nothing about it is deterministic.
  if (primary.runningCount > 0) return undefined;
  const stops = signals.filter((s) => s.kind === 'task-failed' && !s.capacity);
  const latest = stops[stops.length - 1];
  if (latest?.deterministic) return { signal: latest, why: latest.deterministic };
  const last = stops.slice(-2);
  if (
    primary.failedTasks >= 2 &&
    last.length === 2 &&
    last[0]!.exitCode !== undefined &&
    last[0]!.exitCode === last[1]!.exitCode
  ) {
    return {
      signal: last[1]!,
      why: `the essential container exits with code ${last[0]!.exitCode} on every start (twice in a row, no task ran)`,
    };
  }
  return undefined;
}

/**
 * The decision core: from the service's deployments, its event log, the trigger, the policy
 * and the time, decide whether the current deployment is healthy, worth waiting for, or stuck.
 * Pure: same input, same answer — tests and the benchmark replay timelines through it.
 *
 * Never `stuck` for a completed deployment, one the circuit breaker is rolling back, or one
 * that is itself a rollback. A FAILED deployment with no rollback (breaker with rollback off)
 * is stuck. When the cause is capacity, not the revision, `evidence.capacity` says so.
 */
export function decide(
  snapshot: ServiceSnapshot,
  trigger: Trigger,
  policy: DeploymentPolicy,
  now: Date,
): Decision {
  const primary = primaryDeployment(snapshot);
  if (!primary)
    return { verdict: 'healthy', reason: 'no-deployment-in-progress', summary: 'no PRIMARY deployment' };
  if (primary.rolloutState === 'COMPLETED') {
    return {
      verdict: 'healthy',
      reason: 'deployment-completed',
      summary: `deployment ${primary.id} completed`,
    };
  }
  const rollback = rollbackEvidence(snapshot, primary);
  if (rollback) {
    const reason = snapshot.serviceDeployments?.some((sd) => ROLLBACK_SERVICE_DEPLOYMENT.has(sd.status))
      ? 'rollback-in-progress'
      : 'deployment-is-rollback';
    return { verdict: 'wait', reason, summary: `${rollback}: not acting` };
  }
  const failed = primary.rolloutState === 'FAILED';
  if (failed && minutesBetween(primary.updatedAt, now) < FAILED_GRACE_MINUTES) {
    return {
      verdict: 'wait',
      reason: 'rollback-in-progress',
      summary: `deployment ${primary.id} has FAILED (${primary.rolloutStateReason ?? 'circuit breaker'}): waiting a minute for the circuit breaker's own rollback`,
    };
  }
  const earlier = sameRevisionAs(snapshot, primary);
  if (!failed && !isInProgress(snapshot, primary)) {
    return {
      verdict: 'healthy',
      reason: 'no-deployment-in-progress',
      summary: `deployment ${primary.id} is steady`,
    };
  }

  const signals = collectSignals(snapshot, primary, trigger);
  const has = (kind: SignalKind) => signals.some((s) => s.kind === kind);
  const elapsedMinutes = minutesBetween(primary.createdAt, now);
  const lastProgress = primary.updatedAt > primary.createdAt ? primary.updatedAt : primary.createdAt;
  const minutesSinceProgress = minutesBetween(lastProgress, now);
  const progressing = !failed && primary.failedTasks === 0 && minutesSinceProgress < policy.stallMinutes;
  const fault = revisionFault(snapshot, primary, signals);
  const capacity = fault ? undefined : capacityCause(signals);
  const deterministic = policy.actOnFirst ? deterministicFailure(primary, signals) : undefined;

  const matched: Array<[StuckReason, string]> = [];
  if (deterministic) {
    matched.push([
      'deterministic-failure',
      primary.failedTasks < policy.maxConsecutiveFailedTasks
        ? `the first failure cannot succeed on retry: ${deterministic.why} (acting on failed task ${primary.failedTasks || 1} instead of waiting for ${policy.maxConsecutiveFailedTasks})`
        : `the failures cannot succeed on retry: ${deterministic.why}`,
    ]);
  }
  if (failed) {
    matched.push([
      'breaker-failed-no-rollback',
      `the circuit breaker marked deployment ${primary.id} FAILED and no rollback followed (its rollback option is off): ECS launches no more tasks and nothing will recover the service`,
    ]);
  }
  if (primary.failedTasks >= policy.maxConsecutiveFailedTasks) {
    matched.push([
      'consecutive-failed-tasks',
      `${primary.failedTasks} consecutive failed tasks (limit ${policy.maxConsecutiveFailedTasks})`,
    ]);
  }
  if (policy.startImpairedIsStuck && has('start-impaired') && fault) {
    matched.push([
      'start-impaired',
      'ECS reports the service is unable to consistently start tasks (SERVICE_TASK_START_IMPAIRED) and tasks of this revision failed',
    ]);
  }
  if (policy.startImpairedIsStuck && has('configuration-failure')) {
    matched.push([
      'configuration-failure',
      'ECS cannot launch tasks because of their configuration (SERVICE_TASK_CONFIGURATION_FAILURE)',
    ]);
  }
  if (
    has('placement-failure') &&
    primary.runningCount < primary.desiredCount &&
    minutesSinceProgress >= policy.stallMinutes
  ) {
    matched.push([
      'placement-failure',
      `tasks cannot be placed and nothing has progressed for ${round1(minutesSinceProgress)} min (limit ${policy.stallMinutes})`,
    ]);
  }
  if (!failed && elapsedMinutes >= policy.maxDurationMinutes && !progressing) {
    matched.push([
      'max-duration',
      `running for ${round1(elapsedMinutes)} min (limit ${policy.maxDurationMinutes}) and not progressing (${primary.failedTasks} failed tasks, last change ${round1(minutesSinceProgress)} min ago)`,
    ]);
  }

  const evidence: Evidence = {
    deploymentId: primary.id,
    taskDefinition: primary.taskDefinition,
    previousTaskDefinition: rollbackTarget(snapshot)?.taskDefinition,
    startedAt: primary.createdAt,
    elapsedMinutes: round1(elapsedMinutes),
    minutesSinceProgress: round1(minutesSinceProgress),
    failedTasks: primary.failedTasks,
    desiredCount: primary.desiredCount,
    runningCount: primary.runningCount,
    pendingCount: primary.pendingCount,
    sameRevisionAs: earlier?.id,
    signals,
    firstFailure: signals[0],
    rules: matched.map(([, sentence]) => sentence),
    revisionFault: fault,
    capacity,
    deterministic: deterministic?.why,
  };
  const first = matched[0];
  if (first) return { verdict: 'stuck', reason: first[0], summary: first[1], evidence };
  if (earlier) {
    return {
      verdict: 'wait',
      reason: 'deployment-is-rollback',
      summary: `deployment ${primary.id} returns to ${primary.taskDefinition}, already run by ${earlier.id}`,
      evidence,
    };
  }
  if (has('start-impaired') && capacity) {
    return {
      verdict: 'wait',
      reason: 'capacity',
      summary: `ECS reports SERVICE_TASK_START_IMPAIRED but no task of this revision failed: capacity, not the revision (${capacity})`,
      evidence,
    };
  }
  const slow = elapsedMinutes >= policy.maxDurationMinutes;
  return {
    verdict: 'wait',
    reason: slow ? 'slow-but-progressing' : 'within-limits',
    summary: slow
      ? `running for ${round1(elapsedMinutes)} min but still progressing (${primary.runningCount}/${primary.desiredCount} running, no failures)`
      : `in progress for ${round1(elapsedMinutes)} min, ${primary.runningCount}/${primary.desiredCount} running, ${primary.failedTasks} failed`,
    evidence,
  };
}
