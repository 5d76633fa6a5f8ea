import * as z from 'zod';
import { envBool, envJson } from '../../shared/config';
import { InvalidEventError } from '../../shared/errors';

/** The Django app's setting, and its value when the task definition does not set it. */
export const DEFAULT_ENV_VAR = 'SQS_QUEUE_VISIBILITY_TIMEOUT';
export const APP_DEFAULT_VISIBILITY_TIMEOUT = 360;

/** SQS accepts 0 s to 12 h. */
const visibilitySeconds = z.number().int().min(0).max(43_200);

/** Where the app's expected timeout lives: an env var of a container in an ECS service's task definition. */
export const ExpectedSource = z.strictObject({
  service: z.string().min(1),
  /** Defaults to CLUSTER_NAME. */
  cluster: z.string().min(1).optional(),
  /** Defaults to the first container that sets `envVar`. */
  container: z.string().min(1).optional(),
  envVar: z.string().min(1).default(DEFAULT_ENV_VAR),
  /** The app's own default when the variable is unset. */
  default: visibilitySeconds.default(APP_DEFAULT_VISIBILITY_TIMEOUT),
});
export type ExpectedSource = z.infer<typeof ExpectedSource>;

export const QueueSpec = z
  .strictObject({
    name: z.string().min(1).max(80).optional(),
    url: z.url().optional(),
    expectedVisibilityTimeout: visibilitySeconds.optional(),
    source: ExpectedSource.optional(),
    /** Longest task time limit (Celery `task_time_limit`) or ETA in use: must stay below the timeout. */
    longestTaskSeconds: z.number().int().positive().optional(),
    /** Name or URL of the queue's dead-letter queue: a finding when it holds more than the threshold. */
    deadLetterQueue: z.string().min(1).optional(),
    deadLetterThreshold: z.number().int().min(0).default(0),
    /** SetQueueAttributes back to the expected value when drifted. Off by default. */
    remediate: z.boolean().default(false),
  })
  .refine((q) => (q.name === undefined) !== (q.url === undefined), 'give exactly one of name or url')
  .refine(
    (q) => q.expectedVisibilityTimeout === undefined || q.source === undefined,
    'give expectedVisibilityTimeout or source, not both',
  );
export type QueueSpec = z.infer<typeof QueueSpec>;

const Queues = z
  .array(QueueSpec)
  .refine((qs) => new Set(qs.map(queueName)).size === qs.length, 'two entries name the same queue');

/** Environment of the function (see README.md for the stage params that feed it). */
export const QueueDriftConfig = z.object({
  QUEUES: envJson(Queues).optional(),
  /** The app's queue name prefix: other queues with it are reported as unexpected. Empty: skip. */
  QUEUE_PREFIX: z.string().optional(),
  CLUSTER_NAME: z.string().min(1).default('django-app'),
  DRY_RUN: envBool.optional(),
  /** DynamoDB table holding open drift episodes; unset: in-memory (invoke local). */
  EPISODE_TABLE: z.string().optional(),
  AWS_REGION: z.string().default('us-east-1'),
});
export type QueueDriftEnv = z.infer<typeof QueueDriftConfig>;

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
  time: z.string().optional(),
});

const CloudTrailSqsEvent = z.looseObject({
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  source: z.literal('aws.sqs'),
  detail: z.looseObject({
    eventSource: z.literal('sqs.amazonaws.com'),
    eventName: z.string().min(1),
    eventTime: z.string().optional(),
    errorCode: z.string().optional(),
    // CloudTrail records the request as the caller sent it: queueUrl (SetQueueAttributes,
    // DeleteQueue), queueName (CreateQueue), attributes as strings. Some calls record null.
    requestParameters: z
      .looseObject({
        queueUrl: z.string().optional(),
        queueName: z.string().optional(),
        attributes: z.record(z.string(), z.unknown()).nullish(),
      })
      .nullish(),
    // CreateQueue answers with the queue's URL; failed calls record null.
    responseElements: z.looseObject({ queueUrl: z.string().optional() }).nullish(),
    // `arn` is absent for AWS services acting on their own (type AWSService: `invokedBy`).
    userIdentity: z
      .looseObject({
        arn: z.string().optional(),
        type: z.string().optional(),
        invokedBy: z.string().optional(),
        principalId: z.string().optional(),
      })
      .optional(),
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

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(event)'}: ${i.message}`).join('; ');
}
