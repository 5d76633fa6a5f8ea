import { envBool, envInt, envJson } from '../../shared/config';
import { InvalidEventError } from '../../shared/errors';
import * as z from '../../shared/zod';
import type { TaskStoppedSettings } from './ports';

/** Environment of taskStopped (see README.md for the stage params behind each variable). */
export const TaskStoppedConfig = z.object({
  /** Monitored services (the `services` stage param); only `name` is read here. Empty = all. */
  SERVICES: z._default(envJson(z.array(z.looseObject({ name: z.string().check(z.minLength(1)) }))), []),
  STAGE: z._default(z.string(), 'local'),
  /** Notify routine stops (deployment replacement, scale-in, user stop) too. */
  NOTIFY_ROUTINE: z._default(envBool, false),
  /** Failed stops in one incident after which the single escalation message is sent. */
  ESCALATE_AFTER: z._default(envInt(2, 1000), 3),
  /** Minutes a task must stay RUNNING, with no failed stop of the service, for its incident to recover. */
  RECOVERY_QUIET_MINUTES: z._default(envInt(1, 1440), 15),
  /** DynamoDB table for incident state; unset = in-memory (local use only). */
  STATE_TABLE_NAME: z.optional(z.string()),
  NOTIFY_TOPIC_ARN: z.optional(z.string()),
  DRY_RUN: z._default(envBool, false),
});
export type TaskStoppedConfig = z.output<typeof TaskStoppedConfig>;

const nullableString = z.catch(z.nullish(z.string()), undefined);

/**
 * The `detail` of an ECS Task State Change event. Only `taskArn` and `clusterArn` are required;
 * everything else is read loosely (the classifier copes with any shape of the rest).
 */
export const TaskDetail = z.looseObject({
  taskArn: z.string().check(z.startsWith('arn:')),
  clusterArn: z.string().check(z.startsWith('arn:')),
  lastStatus: nullableString,
  desiredStatus: nullableString,
  startedAt: nullableString,
  stopCode: nullableString,
  stoppedReason: nullableString,
  group: nullableString,
  startedBy: nullableString,
  taskDefinitionArn: nullableString,
  stoppedAt: nullableString,
  containerInstanceArn: nullableString,
  memory: z.catch(z.nullish(z.union([z.string(), z.number()])), undefined),
  containers: z.catch(z.nullish(z.array(z.unknown())), undefined),
});
export type TaskDetail = z.output<typeof TaskDetail>;

const TaskStateChange = z.object({
  'detail-type': z.literal('ECS Task State Change'),
  region: z.optional(z.string()),
  time: z.optional(z.string()),
  detail: TaskDetail,
});
export type TaskStateChange = z.output<typeof TaskStateChange>;

/**
 * An ECS Deployment State Change: `resources[0]` is the service ARN, `detail.eventName` one of
 * SERVICE_DEPLOYMENT_IN_PROGRESS / _COMPLETED / _FAILED.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html
 */
const DeploymentStateChange = z.object({
  'detail-type': z.literal('ECS Deployment State Change'),
  region: z.optional(z.string()),
  time: z.optional(z.string()),
  resources: z.array(z.string()).check(z.minLength(1)),
  detail: z.looseObject({
    eventName: z.string().check(z.minLength(1)),
    deploymentId: nullableString,
    updatedAt: nullableString,
    reason: nullableString,
  }),
});
export type DeploymentStateChange = z.output<typeof DeploymentStateChange>;

/** The schedule that sweeps open incidents for recovery (EventBridge Scheduled Event). */
const ScheduledSweep = z.object({
  'detail-type': z.literal('Scheduled Event'),
  time: z.optional(z.string()),
});

export type TaskStoppedEvent =
  | { kind: 'task-stopped'; event: TaskStateChange }
  | { kind: 'deployment'; event: DeploymentStateChange }
  | { kind: 'sweep'; event: z.output<typeof ScheduledSweep> };

/** Parses the incoming event or throws an `InvalidEventError` naming what is wrong. */
export function parseEvent(input: unknown): TaskStoppedEvent {
  const kind =
    typeof input === 'object' && input !== null
      ? (input as Record<string, unknown>)['detail-type']
      : undefined;
  if (kind === 'Scheduled Event') {
    const sweep = ScheduledSweep.safeParse(input);
    if (sweep.success) return { kind: 'sweep', event: sweep.data };
    throw new InvalidEventError(
      `taskStopped got a malformed "Scheduled Event": ${describeIssues(sweep.error.issues)}`,
    );
  }
  if (kind === 'ECS Deployment State Change') {
    const deployment = DeploymentStateChange.safeParse(input);
    if (deployment.success) return { kind: 'deployment', event: deployment.data };
    throw new InvalidEventError(
      `taskStopped got a malformed "ECS Deployment State Change": ${describeIssues(deployment.error.issues)}`,
    );
  }
  const result = TaskStateChange.safeParse(input);
  if (result.success) return { kind: 'task-stopped', event: result.data };
  const problems = describeIssues(result.error.issues);
  throw new InvalidEventError(
    `taskStopped expects an "ECS Task State Change", "ECS Deployment State Change" or "Scheduled Event" EventBridge event (got detail-type ${JSON.stringify(kind ?? null)}): ${problems}`,
  );
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(event)'}: ${i.message}`)
    .join('; ');
}

/** The plain settings core receives. */
export function settingsFrom(
  config: TaskStoppedConfig,
  env: NodeJS.ProcessEnv = process.env,
): TaskStoppedSettings {
  return {
    stage: config.STAGE,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    services: config.SERVICES.map((s) => s.name),
    notifyRoutine: config.NOTIFY_ROUTINE,
    escalateAfter: config.ESCALATE_AFTER,
    quietMs: config.RECOVERY_QUIET_MINUTES * 60_000,
  };
}
