import { envBool, envJson } from '../../shared/config';
import { InvalidEventError } from '../../shared/errors';
import * as z from '../../shared/zod';

/** The Django app's setting, and its value when the task definition does not set it. */
export const DEFAULT_ENV_VAR = 'SQS_QUEUE_VISIBILITY_TIMEOUT';
export const APP_DEFAULT_VISIBILITY_TIMEOUT = 360;

/** SQS accepts 0 s to 12 h. */
const visibilitySeconds = z.number().check(z.int(), z.minimum(0), z.maximum(43_200));

/** Where the app's expected timeout lives: an env var of a container in an ECS service's task definition. */
export const ExpectedSource = z.strictObject({
  service: z.string().check(z.minLength(1)),
  /** Defaults to CLUSTER_NAME. */
  cluster: z.optional(z.string().check(z.minLength(1))),
  /** Defaults to the first container that sets `envVar`. */
  container: z.optional(z.string().check(z.minLength(1))),
  envVar: z._default(z.string().check(z.minLength(1)), DEFAULT_ENV_VAR),
  /** The app's own default when the variable is unset. */
  default: z._default(visibilitySeconds, APP_DEFAULT_VISIBILITY_TIMEOUT),
});
export type ExpectedSource = z.output<typeof ExpectedSource>;

export const QueueSpec = z
  .strictObject({
    name: z.optional(z.string().check(z.minLength(1), z.maxLength(80))),
    url: z.optional(z.url()),
    expectedVisibilityTimeout: z.optional(visibilitySeconds),
    source: z.optional(ExpectedSource),
    /** Longest task time limit (Celery `task_time_limit`) or ETA in use: must stay below the timeout. */
    longestTaskSeconds: z.optional(z.number().check(z.int(), z.positive())),
    /** Name or URL of the queue's dead-letter queue: a finding when it holds more than the threshold. */
    deadLetterQueue: z.optional(z.string().check(z.minLength(1))),
    deadLetterThreshold: z._default(z.number().check(z.int(), z.minimum(0)), 0),
    /** SetQueueAttributes back to the expected value when drifted. Off by default. */
    remediate: z._default(z.boolean(), false),
  })
  .check(
    z.refine((q) => (q.name === undefined) !== (q.url === undefined), 'give exactly one of name or url'),
    z.refine(
      (q) => q.expectedVisibilityTimeout === undefined || q.source === undefined,
      'give expectedVisibilityTimeout or source, not both',
    ),
  );
export type QueueSpec = z.output<typeof QueueSpec>;

/** A list of queue entries, as the `queues` stage param holds them (no cross-entry checks). */
export const QueueSpecList = z.array(QueueSpec);

const Queues = QueueSpecList.check(
  z.refine((qs) => new Set(qs.map(queueName)).size === qs.length, 'two entries name the same queue'),
);

/** Environment of the function (see README.md for the stage params that feed it). */
export const QueueDriftConfig = z.object({
  QUEUES: z.optional(envJson(Queues)),
  /** The app's queue name prefix: other queues with it are reported as unexpected. Empty: skip. */
  QUEUE_PREFIX: z.optional(z.string()),
  CLUSTER_NAME: z._default(z.string().check(z.minLength(1)), 'django-app'),
  DRY_RUN: z.optional(envBool),
  /** DynamoDB table holding open drift episodes; unset: in-memory (invoke local). */
  EPISODE_TABLE: z.optional(z.string()),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
});
export type QueueDriftEnv = z.output<typeof QueueDriftConfig>;

/** Settings the core needs, with defaults applied. */
export interface QueueDriftSettings {
  queues: QueueSpec[];
  queuePrefix?: string;
  clusterName: string;
  dryRun: boolean;
  region: string;
}

export function settingsFrom(env: QueueDriftEnv): QueueDriftSettings {
  return {
    queues: env.QUEUES ?? [],
    queuePrefix: env.QUEUE_PREFIX?.trim() || undefined,
    clusterName: env.CLUSTER_NAME,
    dryRun: env.DRY_RUN ?? false,
    region: env.AWS_REGION,
  };
}

/** The queue's name: given, or the last path segment of its URL. */
export function queueName(q: { name?: string; url?: string }): string {
  if (q.name) return q.name;
  return nameFromQueueUrl(q.url ?? '');
}

export function nameFromQueueUrl(url: string): string {
  const path = url.split('?')[0] ?? '';
  const segments = path.split('/').filter(Boolean);
  return segments[segments.length - 1] ?? url;
}

/** A name or a URL, as written in `deadLetterQueue`. */
export function isQueueUrl(nameOrUrl: string): boolean {
  return /^https?:\/\//i.test(nameOrUrl);
}

// ---------------------------------------------------------------------------------------------
// Events

const ScheduledEvent = z.looseObject({
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  time: z.optional(z.string()),
});

const CloudTrailSqsEvent = z.looseObject({
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  source: z.literal('aws.sqs'),
  detail: z.looseObject({
    eventSource: z.literal('sqs.amazonaws.com'),
    eventName: z.string().check(z.minLength(1)),
    eventTime: z.optional(z.string()),
    errorCode: z.optional(z.string()),
    // CloudTrail records the request as the caller sent it: queueUrl (SetQueueAttributes,
    // DeleteQueue), queueName (CreateQueue), attributes as strings. Some calls record null.
    requestParameters: z.nullish(
      z.looseObject({
        queueUrl: z.optional(z.string()),
        queueName: z.optional(z.string()),
        attributes: z.nullish(z.record(z.string(), z.unknown())),
      }),
    ),
    // CreateQueue answers with the queue's URL; failed calls record null.
    responseElements: z.nullish(z.looseObject({ queueUrl: z.optional(z.string()) })),
    // `arn` is absent for AWS services acting on their own (type AWSService: `invokedBy`).
    userIdentity: z.optional(
      z.looseObject({
        arn: z.optional(z.string()),
        type: z.optional(z.string()),
        invokedBy: z.optional(z.string()),
        principalId: z.optional(z.string()),
      }),
    ),
  }),
});

/** What started this run. */
export type Trigger = { kind: 'schedule'; time?: string } | { kind: 'manual' } | CloudTrailTrigger;

/** A CloudTrail-recorded SQS call, as far as the check needs it. */
export interface CloudTrailTrigger {
  kind: 'cloudtrail';
  eventName: string;
  /** The queue the call named (its name), when the call named one. */
  queue?: string;
  queueUrl?: string;
  /** Who made the call: the caller's ARN, else the AWS service or principal that made it. */
  actor?: string;
  /** `eventTime`: when the call was made (not when the event arrived). */
  time?: string;
  /** Set when the call failed: it then changed nothing. */
  errorCode?: string;
  /** `VisibilityTimeout` the call set (SetQueueAttributes, CreateQueue), when it set one. */
  visibilityTimeout?: number;
}

/**
 * The run's trigger from the invocation event: an EventBridge schedule, a CloudTrail-recorded
 * SQS API call, or an empty event (a manual invoke: `{}`, nothing, or the empty string). Anything else is rejected with the reason.
 */
export function parseEvent(event: unknown): Trigger {
  // `serverless invoke local` without --path/--data passes an empty string.
  const empty = event === undefined || event === null || event === '';
  if (empty || (isPlainObject(event) && Object.keys(event).length === 0)) {
    return { kind: 'manual' };
  }
  if (!isPlainObject(event))
    throw new InvalidEventError(`queueDrift: event must be an object, got ${typeof event}`);
  const detailType = event['detail-type'];
  if (detailType === 'Scheduled Event') {
    const parsed = ScheduledEvent.safeParse(event);
    if (!parsed.success)
      throw new InvalidEventError(`queueDrift: malformed Scheduled Event: ${issues(parsed.error)}`);
    return { kind: 'schedule', time: parsed.data.time };
  }
  if (detailType === 'AWS API Call via CloudTrail') {
    const parsed = CloudTrailSqsEvent.safeParse(event);
    if (!parsed.success) {
      throw new InvalidEventError(`queueDrift: not a CloudTrail SQS API call event: ${issues(parsed.error)}`);
    }
    const d = parsed.data.detail;
    const params = d.requestParameters ?? {};
    const queueUrl = nonEmpty(params.queueUrl) ?? nonEmpty(d.responseElements?.queueUrl);
    const queue = nonEmpty(params.queueName) ?? (queueUrl ? nameFromQueueUrl(queueUrl) : undefined);
    const who = d.userIdentity;
    return dropUndefined({
      kind: 'cloudtrail',
      eventName: d.eventName,
      queue,
      queueUrl,
      actor: nonEmpty(who?.arn) ?? nonEmpty(who?.invokedBy) ?? nonEmpty(who?.principalId),
      time: d.eventTime,
      errorCode: nonEmpty(d.errorCode),
      visibilityTimeout: seconds(params.attributes?.VisibilityTimeout),
    });
  }
  throw new InvalidEventError(
    `queueDrift: unsupported event (detail-type ${JSON.stringify(detailType ?? null)}); expected a Scheduled Event, ` +
      'an "AWS API Call via CloudTrail" event from aws.sqs, or {}',
  );
}

/** An attribute value as CloudTrail records it (a string of seconds), when it is one. */
function seconds(value: unknown): number | undefined {
  const parsed = visibilitySeconds.safeParse(
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value,
  );
  return parsed.success ? parsed.data : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value?.trim() ? value : undefined;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function issues(error: z.core.$ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(event)'}: ${i.message}`).join('; ');
}
