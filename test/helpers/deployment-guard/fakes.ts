import {
  memoryClaims,
  type EcsPort,
  type GuardConfig,
  type GuardDeps,
  type StackPort,
  type StackView,
  type StopOutcome,
} from '../../../functions/deployment-guard/core';
import type { Notification } from '../../../shared/notify';
import {
  resolvePolicy,
  type DeploymentPolicy,
  type DeploymentView,
  type ServiceDeploymentView,
  type ServiceSnapshot,
  type StoppedTaskView,
} from '../../../functions/deployment-guard/types';
import { TIMELINE_START } from '../../../fixtures/deployment-guard/timelines';

export const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/django-app/web';
export const SD_ARN =
  'arn:aws:ecs:us-east-1:123456789012:service-deployment/django-app/web/r9i43YFjvgF_xlg7m2eJ1r';
export const OLD_TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:42';
export const NEW_TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:43';

export const minutes = (m: number) => new Date(TIMELINE_START.getTime() + m * 60_000);

/** A controlled clock: tests move it explicitly. */
/** A sweep of the guard at `m` minutes after the timeline start. */
export const sweep = (m: number) => ({ kind: 'sweep' as const, at: minutes(m) });

/** The ECS calls that change something (what "the guard acted" means in the tests). */
export const MUTATING = /^(StopServiceDeployment|UpdateService|TagResource|CancelUpdateStack)/;

/** The new revision's PRIMARY deployment, in progress with nothing running yet; `over` changes it. */
export function deployment(over: Partial<DeploymentView>): DeploymentView {
  return {
    id: 'ecs-svc/2',
    status: 'PRIMARY',
    taskDefinition: NEW_TD,
    rolloutState: 'IN_PROGRESS',
    desiredCount: 4,
    runningCount: 0,
    pendingCount: 0,
    failedTasks: 0,
    createdAt: minutes(0),
    updatedAt: minutes(0),
    ...over,
  };
}

/** The old revision, completed long before and running all its tasks. */
export const previous = deployment({
  id: 'ecs-svc/1',
  status: 'ACTIVE',
  taskDefinition: OLD_TD,
  rolloutState: 'COMPLETED',
  runningCount: 4,
  createdAt: minutes(-600),
  updatedAt: minutes(-590),
});

export function clock(startMinute = 0) {
  let current = minutes(startMinute);
  return {
    now: () => current,
    set: (minute: number) => {
      current = minutes(minute);
    },
  };
}

export interface FakeEcs extends EcsPort {
  calls: string[];
  /** Snapshots returned by successive DescribeServices calls (the last one repeats). */
  reads: ServiceSnapshot[][];
  serviceDeployments: ServiceDeploymentView[];
  tags: Record<string, string>;
  stoppedTasks: StoppedTaskView[];
  stopOutcome: StopOutcome | Error;
  rollbackError?: Error;
  markError?: Error;
  stoppedTasksError?: Error;
  /** DescribeServiceDeployments status by ARN; defaults to the listed status. */
  deploymentStatus: Record<string, string>;
}

export function fakeEcs(reads: ServiceSnapshot[][], init: Partial<FakeEcs> = {}): FakeEcs {
  let i = 0;
  const ecs: FakeEcs = {
    calls: [],
    reads,
    serviceDeployments: [{ arn: SD_ARN, status: 'IN_PROGRESS', startedAt: minutes(0) }],
    tags: {},
    stoppedTasks: [],
    stopOutcome: { outcome: 'requested' },
    deploymentStatus: {},
    async describeServices(_cluster, names) {
      ecs.calls.push(`DescribeServices ${names.join(',')}`);
      const snapshots = ecs.reads[Math.min(i, ecs.reads.length - 1)] ?? [];
      i += 1;
      return snapshots.filter((s) => names.includes(s.service));
    },
    async listOpenServiceDeployments(_cluster, service) {
      ecs.calls.push(`ListServiceDeployments ${service}`);
      return ecs.serviceDeployments;
    },
    async listTags(arn) {
      ecs.calls.push(`ListTagsForResource ${arn}`);
      return ecs.tags;
    },
    async listStoppedTasks(_cluster, service, deploymentId) {
      ecs.calls.push(`ListTasks ${service} ${deploymentId}`);
      if (ecs.stoppedTasksError) throw ecs.stoppedTasksError;
      return ecs.stoppedTasks;
    },
    async serviceDeploymentStatus(arn) {
      ecs.calls.push(`DescribeServiceDeployments ${arn}`);
      return ecs.deploymentStatus[arn] ?? ecs.serviceDeployments.find((sd) => sd.arn === arn)?.status;
    },
    async stopWithRollback(arn) {
      ecs.calls.push(`StopServiceDeployment ${arn}`);
      if (ecs.stopOutcome instanceof Error) throw ecs.stopOutcome;
      // As ECS does: the service deployment moves to ROLLBACK_REQUESTED.
      if (ecs.stopOutcome.outcome === 'requested') ecs.deploymentStatus[arn] = 'ROLLBACK_REQUESTED';
      return ecs.stopOutcome;
    },
    async rollbackService(_cluster, service, td) {
      ecs.calls.push(`UpdateService ${service} ${td}`);
      if (ecs.rollbackError) throw ecs.rollbackError;
    },
    async markHandled(arn, value) {
      ecs.calls.push(`TagResource ${arn} ${value}`);
      if (ecs.markError) throw ecs.markError;
      ecs.tags['ops-sentinel:deployment-guard'] = value;
    },
    ...init,
  };
  return ecs;
}

/** A stack as DescribeStacks shows it; a bare status is a top-level stack with a service role. */
export type FakeStack = string | Omit<StackView, 'name'>;
export const CFN_ROLE = 'arn:aws:iam::123456789012:role/django-app-cloudformation';

export function fakeStacks(stacks: Record<string, FakeStack> = {}): StackPort & { calls: string[] } {
  const view = (name: string): StackView | undefined => {
    const stack =
      stacks[name] ??
      Object.entries(stacks).find(([, s]) => typeof s !== 'string' && s.stackId === name)?.[1];
    const key = stacks[name] ? name : Object.entries(stacks).find(([, s]) => s === stack)?.[0];
    if (stack === undefined || key === undefined) return undefined;
    return typeof stack === 'string'
      ? { name: key, status: stack, roleArn: CFN_ROLE }
      : { ...stack, name: key };
  };
  const fake = {
    calls: [] as string[],
    async describe(name: string) {
      fake.calls.push(`DescribeStacks ${name}`);
      return view(name);
    },
    async cancelUpdate(name: string) {
      fake.calls.push(`CancelUpdateStack ${name}`);
    },
  };
  return fake;
}

export function harness(
  ecs: FakeEcs,
  options: { stacks?: ReturnType<typeof fakeStacks>; startMinute?: number } = {},
) {
  const time = clock(options.startMinute ?? 0);
  const notifications: Notification[] = [];
  const metrics: Array<[string, string, number, string]> = [];
  const stacks = options.stacks ?? fakeStacks();
  const deps: GuardDeps = {
    ecs,
    stacks,
    claims: memoryClaims(time.now),
    notifier: {
      async notify(n) {
        notifications.push(n);
        return { channel: 'console', subject: n.title };
      },
    },
    metrics: { add: (name, service, value, unit) => metrics.push([name, service, value, unit]) },
    log: { info: () => undefined, warn: () => undefined },
    now: time.now,
    dryRunReported: new Set(),
  };
  return { deps, time, notifications, metrics, stacks };
}

export function guardConfig(
  policy: Partial<DeploymentPolicy> = {},
  extra: Partial<GuardConfig> = {},
): GuardConfig {
  return {
    cluster: 'django-app',
    region: 'us-east-1',
    stage: 'test',
    dryRun: false,
    policies: { web: resolvePolicy({ mode: 'rollback', ...policy }) },
    stackPrefixes: ['django-app'],
    ...extra,
  };
}

/**
 * The service as DescribeServices returns it (SDK shape) mid stuck deployment: the deployment
 * started 5 minutes before `now` and has failed 6 tasks in a row; the previous one runs 2 of 2.
 */
export function stuckService(now: Date) {
  const ago = (m: number) => new Date(now.getTime() - m * 60_000);
  return {
    serviceName: 'web',
    serviceArn: SERVICE_ARN,
    status: 'ACTIVE',
    deployments: [
      {
        id: 'ecs-svc/2',
        status: 'PRIMARY',
        taskDefinition: NEW_TD,
        rolloutState: 'IN_PROGRESS' as const,
        desiredCount: 2,
        runningCount: 0,
        pendingCount: 0,
        failedTasks: 6,
        createdAt: ago(5),
        updatedAt: ago(1),
      },
      {
        id: 'ecs-svc/1',
        status: 'ACTIVE',
        taskDefinition: OLD_TD,
        rolloutState: 'COMPLETED' as const,
        desiredCount: 2,
        runningCount: 2,
        pendingCount: 0,
        failedTasks: 0,
        createdAt: ago(900),
        updatedAt: ago(890),
      },
    ],
    events: [],
  };
}
