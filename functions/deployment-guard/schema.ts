import { envBool, envJson, envList } from '../../shared/config';
import { serviceNameFrom } from '../../shared/aws/arn';
import { InvalidEventError } from '../../shared/errors';
import * as z from '../../shared/zod';
import type { GuardConfig } from './ports';
import {
  DEPLOYMENT_MODES,
  resolvePolicy,
  type DeploymentPolicy,
  type ServiceActionName,
  type Trigger,
} from './types';

/** `services[].deployment` from the stage params; every field optional (see DEFAULT_POLICY). */
export const PolicyInput = z.partial(
  z.object({
    mode: z.enum(DEPLOYMENT_MODES),
    maxDurationMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(24 * 60)),
    maxConsecutiveFailedTasks: z.number().check(z.int(), z.minimum(1), z.maximum(1000)),
    startImpairedIsStuck: z.boolean(),
    stallMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(24 * 60)),
    cancelStackUpdate: z.boolean(),
    actOnFirst: z.boolean(),
  }),
);

const ServiceEntry = z.object({
  name: z.string().check(z.minLength(1)),
  deployment: z.optional(PolicyInput),
});

export const DeploymentGuardConfig = z.object({
  CLUSTER_NAME: z.string().check(z.minLength(1)),
  SERVICES: envJson(z.array(ServiceEntry)),
  DRY_RUN: z._default(envBool, false),
  STAGE: z.optional(z.string()),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  /** Prefixes of the app stacks whose update the guard may cancel. */
  APP_STACK_PREFIX: z._default(envList, []),
  /** Local stage only: a recorded cluster state file used instead of AWS (see adapters/offline.ts). */
  DEPLOYMENT_GUARD_OFFLINE_STATE: z.optional(z.string()),
  /** DynamoDB table of claims (one invocation acts per deployment); '' = in memory (invoke local). */
  CLAIMS_TABLE: z.optional(z.string()),
});
export type DeploymentGuardConfig = z.output<typeof DeploymentGuardConfig>;

/** The plain configuration core receives. */
export function settingsFrom(env: DeploymentGuardConfig): GuardConfig {
  return {
    cluster: env.CLUSTER_NAME,
    region: env.AWS_REGION,
    stage: env.STAGE,
    dryRun: env.DRY_RUN,
    policies: policiesFrom(env.SERVICES),
    stackPrefixes: env.APP_STACK_PREFIX,
  };
}

/** Policies by service name, defaults filled in. */
export function policiesFrom(services: z.output<typeof ServiceEntry>[]): Record<string, DeploymentPolicy> {
  return Object.fromEntries(services.map((s) => [s.name, resolvePolicy(s.deployment)]));
}

const Envelope = z.object({
  'detail-type': z.string(),
  source: z.string(),
  time: z.optional(z.string()),
  resources: z.optional(z.array(z.string())),
  detail: z.optional(z.record(z.string(), z.unknown())),
});

const TaskDetail = z.object({
  clusterArn: z.string(),
  group: z.optional(z.string()),
  startedBy: z.optional(z.string()),
  taskArn: z.optional(z.string()),
  lastStatus: z.optional(z.string()),
  stopCode: z.optional(z.string()),
  stoppedReason: z.optional(z.string()),
  stoppedAt: z.optional(z.string()),
  containers: z.optional(
    z.array(
      z.object({
        name: z.optional(z.string()),
        reason: z.optional(z.string()),
        exitCode: z.nullish(z.number()),
      }),
    ),
  ),
});

const ServiceActionDetail = z.object({
  eventName: z.string(),
  clusterArn: z.optional(z.string()),
  createdAt: z.optional(z.string()),
});
const DeploymentDetail = z.object({
  eventName: z.string(),
  deploymentId: z.optional(z.string()),
  updatedAt: z.optional(z.string()),
  reason: z.optional(z.string()),
});

const ACTIONS = new Set<string>([
  'SERVICE_TASK_START_IMPAIRED',
  'SERVICE_TASK_PLACEMENT_FAILURE',
  'SERVICE_TASK_CONFIGURATION_FAILURE',
]);

function date(value: string | undefined, fallback: Date): Date {
  const d = value ? new Date(value) : fallback;
  return Number.isNaN(d.getTime()) ? fallback : d;
}

function parseOrThrow<T extends z.ZodMiniType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InvalidEventError(`${what}: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'invalid'}`);
}

/** Cluster name from `arn:...:cluster/NAME` or `arn:...:service/CLUSTER/NAME`. */
function clusterOf(arn: string | undefined): string | undefined {
  const resource = arn?.split(':').slice(5).join(':');
  const parts = resource?.split('/') ?? [];
  if (parts[0] === 'cluster') return parts[1];
  if (parts[0] === 'service' && parts.length === 3) return parts[1];
  return undefined;
}

export type ParsedEvent = { trigger: Trigger } | { skip: string };

/**
 * Turns an EventBridge event into a trigger. Events for another cluster, or stopped tasks
 * not launched by a service deployment, become a reasoned skip; malformed events throw
 * InvalidEventError naming the missing field.
 */
export function parseEvent(event: unknown, cluster: string, now: Date): ParsedEvent {
  const env = parseOrThrow(Envelope, event, 'not an EventBridge event');
  const at = date(env.time, now);
  const type = env['detail-type'];
  if (type === 'Scheduled Event') return { trigger: { kind: 'sweep', at } };
  if (env.source !== 'aws.ecs')
    throw new InvalidEventError(`unexpected event source ${env.source} (${type})`);

  if (type === 'ECS Task State Change') {
    const d = parseOrThrow(TaskDetail, env.detail, 'ECS Task State Change detail');
    if (clusterOf(d.clusterArn) !== cluster)
      return { skip: `task of cluster ${clusterOf(d.clusterArn)}, not ${cluster}` };
    if (d.lastStatus && d.lastStatus !== 'STOPPED') return { skip: `task is ${d.lastStatus}, not STOPPED` };
    if (!d.startedBy?.startsWith('ecs-svc/'))
      return { skip: `task not started by a service deployment (startedBy ${d.startedBy ?? 'none'})` };
    const service = serviceNameFrom(d.group);
    if (!d.group?.startsWith('service:') || !service)
      return { skip: `task group ${d.group ?? 'none'} is not a service` };
    const container = d.containers?.find(
      (c) => c.reason || (c.exitCode !== undefined && c.exitCode !== null && c.exitCode !== 0),
    );
    return {
      trigger: {
        kind: 'task-stopped',
        at: date(d.stoppedAt, at),
        service,
        deploymentId: d.startedBy,
        taskArn: d.taskArn,
        stopCode: d.stopCode,
        stoppedReason: d.stoppedReason,
        containers: d.containers,
        containerReason: container
          ? `${container.name ?? 'container'}: ${container.reason ?? `exit code ${container.exitCode}`}`
          : undefined,
      },
    };
  }

  const serviceArn = env.resources?.find((r) => r.includes(':service/'));
  if (type === 'ECS Service Action' || type === 'ECS Deployment State Change') {
    if (!serviceArn) throw new InvalidEventError(`${type}: resources[] holds no service ARN`);
    const service = serviceNameFrom(serviceArn)!;
    if (type === 'ECS Service Action') {
      const d = parseOrThrow(ServiceActionDetail, env.detail, 'ECS Service Action detail');
      const eventCluster = clusterOf(d.clusterArn) ?? clusterOf(serviceArn);
      if (eventCluster && eventCluster !== cluster)
        return { skip: `service of cluster ${eventCluster}, not ${cluster}` };
      if (!ACTIONS.has(d.eventName)) return { skip: `service action ${d.eventName} is not a failure signal` };
      return {
        trigger: {
          kind: 'service-action',
          at: date(d.createdAt, at),
          service,
          eventName: d.eventName as ServiceActionName,
        },
      };
    }
    const d = parseOrThrow(DeploymentDetail, env.detail, 'ECS Deployment State Change detail');
    const eventCluster = clusterOf(serviceArn);
    if (eventCluster && eventCluster !== cluster)
      return { skip: `service of cluster ${eventCluster}, not ${cluster}` };
    return {
      trigger: {
        kind: 'deployment-state',
        at: date(d.updatedAt, at),
        service,
        eventName: d.eventName,
        deploymentId: d.deploymentId,
        reason: d.reason,
      },
    };
  }
  throw new InvalidEventError(`unsupported event type ${type}`);
}
