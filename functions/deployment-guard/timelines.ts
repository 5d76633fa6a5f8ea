/**
 * Stuck-deployment timelines and a pure replay of the guard over them. No test framework
 * here: the unit tests and the benchmark (`npm run bench`) both import this module to compare
 * when the guard acts with when the ECS circuit breaker would trip and CloudFormation's wait.
 *
 * A timeline is a list of timestamped changes to the deployment being rolled out (counts,
 * rollout state), lines of the service event log, and EventBridge triggers. Times are minutes
 * from the start of the deployment.
 */
import { runGuard } from './core';
import { decide, type Decision, type StuckReason } from './decide';
import { MARKER_TAG, memoryClaims, type GuardDeps } from './ports';
import {
  DEFAULT_POLICY,
  resolvePolicy,
  type DeploymentPolicy,
  type DeploymentView,
  type ServiceSnapshot,
  type Trigger,
} from './types';

export type TimelineTrigger =
  | {
      kind: 'service-action';
      eventName:
        | 'SERVICE_TASK_START_IMPAIRED'
        | 'SERVICE_TASK_PLACEMENT_FAILURE'
        | 'SERVICE_TASK_CONFIGURATION_FAILURE';
    }
  | { kind: 'task-stopped'; stopCode: string; stoppedReason: string; containerReason?: string }
  | { kind: 'deployment-state'; eventName: string; reason?: string };

export interface TimelineStep {
  /** Minutes from the start of the deployment. */
  at: number;
  /** New values of the PRIMARY deployment's fields (unchanged fields omitted). */
  primary?: Partial<
    Pick<
      DeploymentView,
      'runningCount' | 'pendingCount' | 'failedTasks' | 'rolloutState' | 'rolloutStateReason'
    >
  >;
  /** A line ECS writes to the service event log at this time. */
  serviceEvent?: string;
  /** An EventBridge event delivered to the guard at this time. */
  trigger?: TimelineTrigger;
}

export interface Timeline {
  name: string;
  description: string;
  desiredCount: number;
  /** How long the story lasts (minutes); the replay sweeps every minute until then. */
  durationMinutes: number;
  /** Whether a person would want this deployment rolled back. */
  shouldAct: boolean;
  /** The right answer is a report, never a rollback (the revision is not at fault). */
  reportOnly?: boolean;
  steps: TimelineStep[];
}

/** Wall-clock start of every timeline (any fixed instant works: all times are relative). */
export const TIMELINE_START = new Date('2026-01-05T10:00:00Z');
/** CloudFormation waits about this long for an ECS service to stabilise before failing the update. */
export const CLOUDFORMATION_WAIT_MINUTES = 180;

const CLUSTER = 'django-app';
const SERVICE = 'web';
const NEW_TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:43';
const OLD_TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:42';
const at = (minutes: number) => new Date(TIMELINE_START.getTime() + Math.round(minutes * 60_000));

/** ECS circuit breaker threshold: 0.5 × desired count, clamped to [3, 200] failed tasks. */
export function circuitBreakerThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desiredCount * 0.5)));
}

/** Minute at which the deployment's failedTasks first reaches the circuit breaker threshold, or null. */
export function circuitBreakerTripMinute(timeline: Timeline): number | null {
  const threshold = circuitBreakerThreshold(timeline.desiredCount);
  for (const step of [...timeline.steps].sort((a, b) => a.at - b.at)) {
    if ((step.primary?.failedTasks ?? 0) >= threshold) return step.at;
  }
  return null;
}

/** The service as DescribeServices would show it at `minute`. */
export function snapshotAt(timeline: Timeline, minute: number): ServiceSnapshot {
  const primary: DeploymentView = {
    id: 'ecs-svc/4925818389744553701',
    status: 'PRIMARY',
    taskDefinition: NEW_TD,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: 'ECS deployment ecs-svc/4925818389744553701 in progress.',
    desiredCount: timeline.desiredCount,
    runningCount: 0,
    pendingCount: 0,
    failedTasks: 0,
    createdAt: TIMELINE_START,
    updatedAt: TIMELINE_START,
  };
  const events: ServiceSnapshot['events'] = [];
  for (const step of [...timeline.steps].sort((a, b) => a.at - b.at)) {
    if (step.at > minute) break;
    if (step.primary) {
      const counts = ['runningCount', 'pendingCount', 'failedTasks'] as const;
      if (counts.some((k) => step.primary?.[k] !== undefined && step.primary[k] !== primary[k]))
        primary.updatedAt = at(step.at);
      Object.assign(primary, step.primary);
    }
    if (step.serviceEvent) events.unshift({ at: at(step.at), message: step.serviceEvent });
  }
  const previous: DeploymentView = {
    id: 'ecs-svc/1187366284409174921',
    status: primary.rolloutState === 'COMPLETED' ? 'INACTIVE' : 'ACTIVE',
    taskDefinition: OLD_TD,
    rolloutState: 'COMPLETED',
    rolloutStateReason: 'ECS deployment ecs-svc/1187366284409174921 completed.',
    desiredCount: timeline.desiredCount,
    runningCount: primary.rolloutState === 'COMPLETED' ? 0 : timeline.desiredCount,
    pendingCount: 0,
    failedTasks: 0,
    createdAt: new Date(TIMELINE_START.getTime() - 3 * 86_400_000),
    updatedAt: new Date(TIMELINE_START.getTime() - 3 * 86_400_000),
  };
  return {
    cluster: CLUSTER,
    service: SERVICE,
    serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/${SERVICE}`,
    deployments: previous.status === 'ACTIVE' ? [primary, previous] : [primary],
    events,
  };
}

/** The guard's trigger for a timeline step (or the minute sweep). */
export function triggerAt(timeline: Timeline, step: TimelineStep | undefined, minute: number): Trigger {
  const t = step?.trigger;
  if (!t) return { kind: 'sweep', at: at(minute) };
  if (t.kind === 'service-action')
    return { kind: 'service-action', at: at(minute), service: SERVICE, eventName: t.eventName };
  if (t.kind === 'deployment-state') {
    return {
      kind: 'deployment-state',
      at: at(minute),
      service: SERVICE,
      eventName: t.eventName,
      reason: t.reason,
    };
  }
  return {
    kind: 'task-stopped',
    at: at(minute),
    service: SERVICE,
    deploymentId: snapshotAt(timeline, minute).deployments[0]!.id,
    stopCode: t.stopCode,
    stoppedReason: t.stoppedReason,
    containerReason: t.containerReason,
  };
}

export interface ReplayResult {
  /** Minutes from deployment start when the guard judges it stuck (and would act), or null. */
  actAtMinute: number | null;
  reason?: StuckReason;
  summary?: string;
  /** What woke the guard when it acted: an ECS event or the minute sweep. */
  trigger?: Trigger['kind'];
  /** What it does then: roll back, or only report (capacity, or a revision that already ran). */
  action?: 'rollback' | 'report';
  decision?: Decision;
}

/** Every step carrying an event, and every whole minute (the schedule), in time order. */
function moments(timeline: Timeline): Array<{ minute: number; step?: TimelineStep }> {
  const list: Array<{ minute: number; step?: TimelineStep }> = [];
  for (const step of timeline.steps) if (step.trigger) list.push({ minute: step.at, step });
  for (let m = 1; m <= timeline.durationMinutes; m += 1) list.push({ minute: m });
  return list.sort((a, b) => a.minute - b.minute || (a.step ? -1 : 1));
}

/**
 * Replays a timeline through the decision core: at every step carrying an event, and at every
 * whole minute (the schedule), in time order. Returns the first moment the guard acts.
 */
export function replayTimelineDetailed(
  timeline: Timeline,
  policy: DeploymentPolicy = DEFAULT_POLICY,
): ReplayResult {
  for (const { minute, step } of moments(timeline)) {
    const snapshot = snapshotAt(timeline, minute);
    const decision = decide(snapshot, triggerAt(timeline, step, minute), policy, at(minute));
    if (decision.verdict === 'stuck') {
      return {
        actAtMinute: minute,
        reason: decision.reason,
        summary: decision.summary,
        trigger: step ? step.trigger!.kind : 'sweep',
        action:
          decision.evidence.capacity !== undefined || decision.evidence.sameRevisionAs !== undefined
            ? 'report'
            : 'rollback',
        decision,
      };
    }
    if (decision.verdict === 'healthy' && decision.reason === 'deployment-completed')
      return { actAtMinute: null, decision };
  }
  return { actAtMinute: null };
}

/** When the guard would act on `timeline` (minutes from deployment start), or null. */
export function replayTimeline(timeline: Timeline, policy: DeploymentPolicy = DEFAULT_POLICY): number | null {
  return replayTimelineDetailed(timeline, policy).actAtMinute;
}

/** The guard as a team running it in rollback mode configures it (actOnFirst on). */
export const ROLLBACK_POLICY: DeploymentPolicy = resolvePolicy({ mode: 'rollback' });

const SD_ARN = `arn:aws:ecs:us-east-1:123456789012:service-deployment/${CLUSTER}/${SERVICE}/r9i43YFjvgF_xlg7m2eJ1r`;
/** After the guard's rollback, ECS takes this long to complete the rollback deployment. */
const ROLLBACK_MINUTES = 3;

export interface SimulationResult {
  /** Mutating ECS calls the guard made (StopServiceDeployment, UpdateService), with their minute. */
  rollbacks: Array<{ minute: number; call: string }>;
  /** Notifications sent, with their minute and title. */
  notifications: Array<{ minute: number; title: string }>;
}

/**
 * Runs the real guard (`runGuard`: re-read, marker, actions, notification) over a timeline, with
 * ECS simulated from it: a rollback the guard starts becomes a new PRIMARY deployment of the
 * previous revision that completes after a few minutes, as ECS does. Counts what the guard did
 * over the whole story — acting once, not once a minute, is part of getting it right.
 */
export async function simulateGuard(
  timeline: Timeline,
  policy: DeploymentPolicy = ROLLBACK_POLICY,
): Promise<SimulationResult> {
  let minute = 0;
  let rolledBackAt: number | null = null;
  const tags: Record<string, string> = {};
  const result: SimulationResult = { rollbacks: [], notifications: [] };

  const current = (): ServiceSnapshot => {
    if (rolledBackAt === null) return snapshotAt(timeline, minute);
    const frozen = snapshotAt(timeline, rolledBackAt);
    const stuck = { ...frozen.deployments[0]!, status: 'ACTIVE' };
    const done = minute >= rolledBackAt + ROLLBACK_MINUTES;
    const rollback: DeploymentView = {
      ...stuck,
      id: 'ecs-svc/7291538300474528193',
      status: 'PRIMARY',
      taskDefinition: OLD_TD,
      rolloutState: done ? 'COMPLETED' : 'IN_PROGRESS',
      rolloutStateReason: `ECS deployment ecs-svc/7291538300474528193 ${done ? 'completed' : 'in progress'}.`,
      runningCount: done ? timeline.desiredCount : 0,
      pendingCount: 0,
      failedTasks: 0,
      createdAt: at(rolledBackAt),
      updatedAt: at(done ? rolledBackAt + ROLLBACK_MINUTES : rolledBackAt),
    };
    return { ...frozen, deployments: done ? [rollback] : [rollback, ...frozen.deployments.slice(1), stuck] };
  };
  const openDeployment = () => {
    if (rolledBackAt !== null)
      return [{ arn: SD_ARN, status: 'ROLLBACK_IN_PROGRESS', startedAt: TIMELINE_START }];
    const primary = snapshotAt(timeline, minute).deployments[0]!;
    // A FAILED deployment is over (the breaker stopped it): nothing left to stop.
    return primary.rolloutState === 'IN_PROGRESS'
      ? [{ arn: SD_ARN, status: 'IN_PROGRESS', startedAt: TIMELINE_START }]
      : [];
  };
  const rollBack = (call: string) => {
    result.rollbacks.push({ minute, call });
    rolledBackAt ??= minute;
  };
  const deps: GuardDeps = {
    ecs: {
      describeServices: async (_cluster, names) => [current()].filter((s) => names.includes(s.service)),
      listOpenServiceDeployments: async () => openDeployment(),
      serviceDeploymentStatus: async (arn) => openDeployment().find((sd) => sd.arn === arn)?.status,
      listTags: async () => ({ ...tags }),
      listStoppedTasks: async () => [],
      stopWithRollback: async (arn) => {
        rollBack(`StopServiceDeployment ${arn}`);
        return { outcome: 'requested' };
      },
      rollbackService: async (_cluster, service, taskDefinition) =>
        rollBack(`UpdateService ${service} ${taskDefinition}`),
      markHandled: async (_arn, value) => {
        tags[MARKER_TAG] = value;
      },
    },
    stacks: { describe: async () => undefined, cancelUpdate: async () => undefined },
    claims: memoryClaims(() => at(minute)),
    notifier: {
      notify: async (n) => {
        result.notifications.push({ minute, title: n.title });
        return { channel: 'console', subject: n.title };
      },
    },
    metrics: { add: () => undefined },
    log: { info: () => undefined, warn: () => undefined },
    now: () => at(minute),
    dryRunReported: new Set(),
  };
  const config = {
    cluster: CLUSTER,
    region: 'us-east-1',
    dryRun: false,
    policies: { [SERVICE]: policy },
    stackPrefixes: [],
  };
  for (const moment of moments(timeline)) {
    minute = moment.minute;
    await runGuard(triggerAt(timeline, moment.step, minute), deps, config);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The timelines. Timings follow ECS behaviour described in REFERENCE.md §3-4; counts are those
// DescribeServices shows (failedTasks is consecutive and resets when a task reaches RUNNING).

const START = (): TimelineStep => ({
  at: 0,
  primary: { pendingCount: 0 },
  trigger: { kind: 'deployment-state', eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS' },
});

const PULL_ERROR =
  'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:release-43: not found';

const PULL_FAILED = {
  kind: 'task-stopped' as const,
  stopCode: 'TaskFailedToStart',
  stoppedReason: PULL_ERROR,
};

/**
 * ECS service throttle logic: tasks that keep failing to start are relaunched with growing
 * gaps, up to about 27 minutes between attempts.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html
 * Minutes (from the first attempt) of the attempts after the first three, as replayed here.
 */
const THROTTLED_ATTEMPTS = [8, 15, 30, 57, 84, 111, 138, 165];

/**
 * Bad image: the tag does not exist, every task fails to start. The service replaces one task
 * at a time (maximumPercent 125 on 4 tasks) and ECS relaunches with throttled, growing gaps.
 */
export const BAD_IMAGE: Timeline = {
  name: 'bad-image',
  description:
    'image tag missing from ECR: tasks never start (CannotPullContainerError), one at a time, ECS relaunches with growing gaps up to 27 min',
  desiredCount: 4,
  durationMinutes: 180,
  shouldAct: true,
  steps: [
    START(),
    { at: 0.1, primary: { pendingCount: 1 }, serviceEvent: '(service web) has started 1 tasks: (task a).' },
    { at: 1.2, primary: { failedTasks: 1, pendingCount: 0 }, trigger: PULL_FAILED },
    { at: 1.3, primary: { pendingCount: 1 }, serviceEvent: '(service web) has started 1 tasks: (task b).' },
    { at: 2.4, primary: { failedTasks: 2, pendingCount: 0 }, trigger: PULL_FAILED },
    { at: 4.0, primary: { pendingCount: 1 }, serviceEvent: '(service web) has started 1 tasks: (task c).' },
    { at: 5.1, primary: { failedTasks: 3, pendingCount: 0 }, trigger: PULL_FAILED },
    {
      at: 5.5,
      serviceEvent:
        '(service web) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.',
      trigger: { kind: 'service-action', eventName: 'SERVICE_TASK_START_IMPAIRED' },
    },
    ...THROTTLED_ATTEMPTS.flatMap((t, i): TimelineStep[] => [
      { at: t, primary: { pendingCount: 1 }, serviceEvent: '(service web) has started 1 tasks: (task n).' },
      { at: t + 1.1, primary: { failedTasks: 4 + i, pendingCount: 0 }, trigger: PULL_FAILED },
    ]),
  ],
};

const ELB_REASON =
  'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef)';
const UNHEALTHY =
  '(service web) (port 8000) is unhealthy in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef) due to (reason Health checks failed with these codes: [500]).';

/** Tasks start, then the load balancer kills them: /ht/ answers 500 (e.g. a missing migration). */
export const FAILING_HEALTH_CHECKS: Timeline = {
  name: 'failing-health-checks',
  description:
    'tasks reach RUNNING, fail ELB health checks after the grace period and are replaced, again and again',
  desiredCount: 4,
  durationMinutes: 180,
  shouldAct: true,
  steps: [
    START(),
    { at: 0.1, primary: { pendingCount: 4 } },
    {
      at: 0.9,
      primary: { pendingCount: 0, runningCount: 4 },
      serviceEvent: '(service web) registered 4 targets in (target-group web).',
    },
    { at: 3.0, serviceEvent: UNHEALTHY },
    ...[3.5, 3.55, 3.6, 3.65].map((t, i) => ({
      at: t,
      primary: { failedTasks: i + 1, runningCount: 3 - i, pendingCount: i + 1 },
      trigger: {
        kind: 'task-stopped' as const,
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: ELB_REASON,
      },
    })),
    { at: 4.6, primary: { pendingCount: 0, runningCount: 4 } },
    { at: 7.0, serviceEvent: UNHEALTHY },
    ...[7.5, 7.55, 7.6, 7.65].map((t, i) => ({
      at: t,
      primary: { failedTasks: i + 5, runningCount: 3 - i, pendingCount: i + 1 },
      trigger: {
        kind: 'task-stopped' as const,
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: ELB_REASON,
      },
    })),
  ],
};

const PLACEMENT =
  '(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 0a1b2c3d) has insufficient memory available.';

/** No capacity for the new revision (it asks for more memory than any instance has free). */
export const PLACEMENT_FAILURE: Timeline = {
  name: 'placement-failure',
  description:
    'new revision needs more memory than any container instance has: no task is ever created, failedTasks stays 0',
  desiredCount: 4,
  durationMinutes: 180,
  shouldAct: true,
  steps: [
    START(),
    ...[0.3, 5.3, 10.3, 15.3, 20.3, 25.3, 30.3].map((t) => ({
      at: t,
      serviceEvent: PLACEMENT,
      trigger: { kind: 'service-action' as const, eventName: 'SERVICE_TASK_PLACEMENT_FAILURE' as const },
    })),
  ],
};

/** A large service rolled out one task at a time, each taking 4 minutes to pass health checks. */
export const SLOW_BUT_HEALTHY: Timeline = {
  name: 'slow-but-healthy',
  description:
    '10 tasks replaced one at a time (maximumPercent 110), 4 min each: 41 min in all, never a failure',
  desiredCount: 10,
  durationMinutes: 60,
  shouldAct: false,
  steps: [
    START(),
    { at: 0.1, primary: { pendingCount: 1 } },
    ...Array.from({ length: 10 }, (_, i) => ({
      at: 4 * (i + 1),
      primary: { runningCount: i + 1, pendingCount: i === 9 ? 0 : 1 },
      serviceEvent: '(service web) has started 1 tasks: (task n).',
    })),
    {
      at: 41,
      primary: {
        rolloutState: 'COMPLETED',
        rolloutStateReason: 'ECS deployment ecs-svc/4925818389744553701 completed.',
      },
      serviceEvent: '(service web) has reached a steady state.',
      trigger: { kind: 'deployment-state', eventName: 'SERVICE_DEPLOYMENT_COMPLETED' },
    },
  ],
};

/**
 * Crash loop with resets: each task runs for a while then exits; its replacement reaches
 * RUNNING, which resets failedTasks, so the count never climbs and the circuit breaker never trips.
 */
export const CRASH_LOOP: Timeline = {
  name: 'crash-loop',
  description:
    'tasks start, run about a minute and exit 1; each replacement reaching RUNNING resets failedTasks to 0',
  desiredCount: 4,
  durationMinutes: 180,
  shouldAct: true,
  steps: [
    START(),
    { at: 0.1, primary: { pendingCount: 4 } },
    { at: 0.7, primary: { pendingCount: 0, runningCount: 4 } },
    ...Array.from({ length: 59 }, (_, i) => 1.5 + 3 * i).flatMap((t): TimelineStep[] => [
      {
        at: t,
        primary: { failedTasks: 1, runningCount: 3, pendingCount: 1 },
        trigger: {
          kind: 'task-stopped',
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
          containerReason: 'web: exit code 1',
        },
      },
      {
        at: t + 0.7,
        primary: { failedTasks: 0, runningCount: 4, pendingCount: 0 },
        serviceEvent: '(service web) has started 1 tasks: (task n).',
      },
    ]),
  ],
};

/**
 * Circuit breaker with rollback off (CDK's default): at its threshold the deployment becomes
 * FAILED and ECS stops launching tasks, leaving the service half on each revision for good.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html
 */
export const BREAKER_NO_ROLLBACK: Timeline = {
  name: 'breaker-without-rollback',
  description:
    'tasks fail ELB health checks; the circuit breaker (rollback: false) marks the deployment FAILED at 3 failures and nothing rolls it back',
  desiredCount: 4,
  durationMinutes: 180,
  shouldAct: true,
  steps: [
    START(),
    { at: 0.1, primary: { pendingCount: 4 } },
    {
      at: 0.9,
      primary: { pendingCount: 0, runningCount: 4 },
      serviceEvent: '(service web) registered 4 targets in (target-group web).',
    },
    { at: 3.0, serviceEvent: UNHEALTHY },
    ...[3.5, 3.55].map((t, i) => ({
      at: t,
      primary: { failedTasks: i + 1, runningCount: 3 - i },
      trigger: {
        kind: 'task-stopped' as const,
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: ELB_REASON,
      },
    })),
    {
      at: 3.6,
      primary: {
        failedTasks: 3,
        runningCount: 1,
        rolloutState: 'FAILED',
        rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      },
      trigger: {
        kind: 'task-stopped' as const,
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: ELB_REASON,
      },
    },
    {
      at: 3.65,
      serviceEvent:
        '(service web) deployment ecs-svc/4925818389744553701 deployment failed: tasks failed to start.',
      trigger: {
        kind: 'deployment-state',
        eventName: 'SERVICE_DEPLOYMENT_FAILED',
        reason: 'ECS deployment circuit breaker: tasks failed to start.',
      },
    },
  ],
};

const NO_ENI =
  "(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 0a1b2c3d) encountered error 'RESOURCE:ENI'.";

/**
 * No ENI left on the container instances (awsvpc on EC2): the new revision is fine, the cluster
 * is full. ECS retries placement with growing gaps and emits SERVICE_TASK_START_IMPAIRED, which
 * it also does for lack of capacity. Rolling back cannot create capacity: report, never roll back.
 */
export const CAPACITY_START_IMPAIRED: Timeline = {
  name: 'capacity-start-impaired',
  description:
    'no ENI left on the instances: placement fails, ECS retries with growing gaps and reports SERVICE_TASK_START_IMPAIRED; the revision is not at fault',
  desiredCount: 4,
  durationMinutes: 180,
  shouldAct: false,
  reportOnly: true,
  steps: [
    START(),
    ...[0.3, 1.3, 3.3, 7.3, 15.3, 31.3, 58.3, 85.3, 112.3, 139.3, 166.3].map((t) => ({
      at: t,
      serviceEvent: NO_ENI,
      trigger: { kind: 'service-action' as const, eventName: 'SERVICE_TASK_PLACEMENT_FAILURE' as const },
    })),
    {
      at: 4.0,
      serviceEvent:
        '(service web) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.',
      trigger: { kind: 'service-action', eventName: 'SERVICE_TASK_START_IMPAIRED' },
    },
  ],
};

/** The stuck-deployment timelines the benchmark replays (plus the slow one that must not be touched). */
export const TIMELINES: Timeline[] = [
  BAD_IMAGE,
  FAILING_HEALTH_CHECKS,
  PLACEMENT_FAILURE,
  SLOW_BUT_HEALTHY,
  CRASH_LOOP,
  BREAKER_NO_ROLLBACK,
  CAPACITY_START_IMPAIRED,
];
