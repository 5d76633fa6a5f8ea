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
  | 'consecutive-failed-tasks'
  | 'start-impaired'
  | 'configuration-failure'
  | 'placement-failure'
  | 'max-duration';

export type WaitReason =
  'within-limits' | 'slow-but-progressing' | 'rollback-in-progress' | 'deployment-is-rollback';
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
  return {
    kind: 'task-failed',
    at,
    detail: `task ${c.headline} (${why || 'no reason given'})`,
    nextSteps: c.nextSteps,
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
    if (match) signals.push({ kind: match[1], at: event.at, detail: event.message });
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
  if (primary.rolloutState === 'FAILED')
    return `deployment ${primary.id} has FAILED (${primary.rolloutStateReason ?? 'circuit breaker'})`;
  if (primary.rolloutStateReason && ROLLBACK_TEXT.test(primary.rolloutStateReason)) {
    return `deployment ${primary.id} is a rollback: ${primary.rolloutStateReason}`;
  }
  const rolling = snapshot.serviceDeployments?.find((sd) => ROLLBACK_SERVICE_DEPLOYMENT.has(sd.status));
  if (rolling) return `service deployment ${rolling.arn} is ${rolling.status}`;
  return undefined;
}

function isInProgress(snapshot: ServiceSnapshot, primary: DeploymentView): boolean {
  if (primary.rolloutState !== undefined) return primary.rolloutState === 'IN_PROGRESS';
  // No rollout tracking: in progress while older deployments remain or tasks are missing.
  return snapshot.deployments.length > 1 || primary.runningCount < primary.desiredCount;
}

/**
 * The decision core: from the service's deployments, its event log, the trigger, the policy
 * and the time, decide whether the current deployment is healthy, worth waiting for, or stuck.
 * Pure: same input, same answer — tests and the benchmark replay timelines through it.
 *
 * Never `stuck` for a completed deployment, a failed one (the circuit breaker is rolling it
 * back) or one that is itself a rollback.
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
    const reason =
      primary.rolloutState === 'FAILED' ||
      snapshot.serviceDeployments?.some((sd) => ROLLBACK_SERVICE_DEPLOYMENT.has(sd.status))
        ? 'rollback-in-progress'
        : 'deployment-is-rollback';
    return { verdict: 'wait', reason, summary: `${rollback}: not acting` };
  }
  const earlier = sameRevisionAs(snapshot, primary);
  if (!isInProgress(snapshot, primary)) {
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
  const progressing = primary.failedTasks === 0 && minutesSinceProgress < policy.stallMinutes;

  const matched: Array<[StuckReason, string]> = [];
  if (primary.failedTasks >= policy.maxConsecutiveFailedTasks) {
    matched.push([
      'consecutive-failed-tasks',
      `${primary.failedTasks} consecutive failed tasks (limit ${policy.maxConsecutiveFailedTasks})`,
    ]);
  }
  if (policy.startImpairedIsStuck && has('start-impaired')) {
    matched.push([
      'start-impaired',
      'ECS reports the service is unable to consistently start tasks (SERVICE_TASK_START_IMPAIRED)',
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
  if (elapsedMinutes >= policy.maxDurationMinutes && !progressing) {
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
