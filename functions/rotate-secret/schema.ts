import { envBool, envInt, envJson } from '../../shared/config';
import type { Engine } from '../../shared/db/driver';
import { InvalidEventError, PermanentError } from '../../shared/errors';
import * as z from '../../shared/zod';

/** The three steps' event, as Secrets Manager sends it. */
export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

export const RotationEvent = z.object({
  SecretId: z.string().check(z.minLength(1)),
  ClientRequestToken: z.string().check(z.minLength(1)),
  Step: z.enum(ROTATION_STEPS),
});
export type RotationEvent = z.output<typeof RotationEvent>;

/** Parses the invocation, failing with a message that says which field is wrong. */
export function parseRotationEvent(input: unknown): RotationEvent {
  const result = RotationEvent.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (i) => `${i.path.map(String).join('.') || '(event)'}: ${i.message}`,
  );
  throw new InvalidEventError(
    `Not a Secrets Manager rotation event ({SecretId, ClientRequestToken, Step}): ${problems.join('; ')}`,
  );
}

/**
 * Secrets Manager's own record of a failed rotation, delivered by EventBridge as a CloudTrail
 * service event (no trail needed for service events):
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 */
export const RotationFailedEvent = z.object({
  'detail-type': z.literal('AWS Service Event via CloudTrail'),
  source: z.literal('aws.secretsmanager'),
  time: z.optional(z.string()),
  region: z.optional(z.string()),
  resources: z.optional(z.array(z.string())),
  detail: z.looseObject({
    eventName: z.literal('RotationFailed'),
    eventTime: z.optional(z.string()),
    additionalEventData: z.nullish(z.looseObject({ SecretId: z.optional(z.string()) })),
    requestParameters: z.nullish(z.looseObject({ secretId: z.optional(z.string()) })),
  }),
});
export type RotationFailedEvent = z.output<typeof RotationFailedEvent>;

/** True for an EventBridge envelope (a rotation step never has `detail-type`). */
function isEventBridgeEvent(input: unknown): boolean {
  return typeof input === 'object' && input !== null && 'detail-type' in input;
}

export function parseRotationFailedEvent(input: unknown): RotationFailedEvent {
  const result = RotationFailedEvent.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (i) => `${i.path.map(String).join('.') || '(event)'}: ${i.message}`,
  );
  throw new InvalidEventError(
    `Not a Secrets Manager RotationFailed event (EventBridge, AWS Service Event via CloudTrail): ${problems.join('; ')}`,
  );
}

/** The function's two inputs: Secrets Manager's RotationFailed record, or a rotation step. */
export type RotateSecretEvent =
  { kind: 'rotation-failed'; event: RotationFailedEvent } | { kind: 'step'; event: RotationEvent };

/**
 * An EventBridge envelope (it has `detail-type`) is Secrets Manager's RotationFailed record (the
 * rule in resources/rotate-secret.yml); anything else is a rotation step Secrets Manager invokes
 * the function with. Either parse throws InvalidEventError naming what is wrong.
 */
export function parseEvent(input: unknown): RotateSecretEvent {
  return isEventBridgeEvent(input)
    ? { kind: 'rotation-failed', event: parseRotationFailedEvent(input) }
    : { kind: 'step', event: parseRotationEvent(input) };
}

export const STRATEGIES = ['alternating-users', 'single-user', 'random-value'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/**
 * An ECS service that reads the secret at task start. `secret` is the secret's name, its ARN, or
 * a name prefix ending in `*`; `cluster` defaults to the stage's `clusterName`.
 */
export const SecretConsumer = z.object({
  secret: z.string().check(z.minLength(1)),
  services: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  cluster: z.optional(z.string().check(z.minLength(1))),
});
export type SecretConsumer = z.output<typeof SecretConsumer>;

/**
 * Characters that break a password inside a connection string or URL
 * (`postgres://user:pass@host/db`, dj-database-url, libpq key=value strings, shell snippets).
 */
export const DEFAULT_EXCLUDE_CHARACTERS = '/@"\'\\:?#%&`$;=[]{}<>|^ ~';

export const RotateSecretConfig = z.object({
  STAGE: z._default(z.string(), 'dev'),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  DRY_RUN: z._default(envBool, false),
  CLUSTER_NAME: z._default(z.string(), ''),
  SECRET_CONSUMERS: z._default(envJson(z.array(SecretConsumer)), []),
  /** TLS to the database: `verify-full` (default), `require`, or `disable` (local test servers only). */
  DB_SSL_MODE: z._default(z.enum(['verify-full', 'require', 'disable']), 'verify-full'),
  DB_CA_BUNDLE_PATH: z.optional(z.string()),
  DB_CONNECT_TIMEOUT_MS: z._default(envInt(500, 60_000), 5_000),
  PASSWORD_LENGTH: z._default(envInt(16, 4096), 32),
  PASSWORD_EXCLUDE_CHARACTERS: z._default(z.string(), DEFAULT_EXCLUDE_CHARACTERS),
  /** `local` stage only: a JSON file of secrets read instead of Secrets Manager (with DRY_RUN). */
  LOCAL_SECRETS_STATE: z.optional(z.string()),
});
export type RotateSecretConfig = z.output<typeof RotateSecretConfig>;

/**
 * A database secret, the shape of the AWS RDS rotation templates. Unknown fields are kept
 * (rotation copies them to the new version unchanged).
 */
export const DbSecret = z.looseObject({
  engine: z.string().check(z.minLength(1)),
  host: z.string().check(z.minLength(1)),
  port: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(65_535))),
  username: z.string().check(z.minLength(1)),
  password: z.optional(z.string()),
  dbname: z.optional(z.string().check(z.minLength(1))),
  masterarn: z.optional(z.string().check(z.minLength(1))),
  rotationStrategy: z.optional(z.enum(STRATEGIES)),
});
export type DbSecret = z.output<typeof DbSecret>;

/** `postgres`, `aurora-postgresql` → postgres; `mysql`, `mariadb`, `aurora-mysql`, `aurora` → mysql. */
export function engineOf(engine: string): Engine {
  const e = engine.toLowerCase();
  if (['postgres', 'postgresql', 'aurora-postgresql'].includes(e)) return 'postgres';
  if (['mysql', 'mariadb', 'aurora-mysql', 'aurora'].includes(e)) return 'mysql';
  throw new PermanentError(
    `Unsupported database engine "${engine}" (expected postgres, aurora-postgresql, mysql, mariadb or aurora-mysql)`,
  );
}

export function portOf(secret: DbSecret): number {
  return secret.port ?? (engineOf(secret.engine) === 'postgres' ? 5432 : 3306);
}

/**
 * The secret's name from a Secrets Manager ARN (`...:secret:NAME-AbCdEf`), or the id itself.
 * Notifications and messages name secrets by name, as the Secrets Manager console lists them.
 */
export function secretNameOf(secretId: string): string {
  const match = /^arn:[^:]+:secretsmanager:[^:]*:\d*:secret:(.+)-[A-Za-z0-9]{6}$/.exec(secretId);
  return match?.[1] ?? secretId;
}

/** Parses JSON text; `undefined` when the text is not a JSON object. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a database secret, naming the secret, version and bad fields (never the values). */
export function parseDbSecret(text: string, what: string): DbSecret {
  const obj = jsonObject(text);
  if (!obj)
    throw new PermanentError(
      `${what} is not a JSON object; a database secret needs engine, host, username, password`,
    );
  const result = DbSecret.safeParse(obj);
  if (!result.success) {
    const fields = result.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
    throw new PermanentError(`${what} is not a valid database secret: ${fields.join('; ')}`);
  }
  return result.data;
}
