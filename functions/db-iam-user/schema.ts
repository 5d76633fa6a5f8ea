import { existsSync } from 'node:fs';
import { envBool, envInt } from '../../shared/config';
import * as z from '../../shared/zod';
import type { LifecycleOptions } from './custom-resource';
import { identifierProblem, isReservedUser, MAX_LENGTH } from './identifiers';
import * as mysql from './dialects/mysql';
import * as postgres from './dialects/postgres';

/**
 * A whole number given as a number or a string (CloudFormation sends strings). A value that is not
 * a number reads "must be a whole number", not zod's "expected number, received NaN".
 */
const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a whole number' : undefined) })
    .check(z.int(), z.minimum(min), z.maximum(max));

/**
 * `z.preprocess(fn, schema)` of zod classic, which zod/mini lacks: the same pipe of a transform
 * into the schema.
 */
const preprocess = <T extends z.core.$ZodType>(fn: (value: unknown) => unknown, schema: T) =>
  z.pipe(z.transform(fn), schema);

/** The envelope CloudFormation sends to a custom resource (properties are parsed separately). */
export const CustomResourceEvent = z.object({
  RequestType: z.enum(['Create', 'Update', 'Delete']),
  ResponseURL: z.url(),
  StackId: z.string().check(z.minLength(1)),
  RequestId: z.string().check(z.minLength(1)),
  LogicalResourceId: z.string().check(z.minLength(1)),
  ResourceType: z.string().check(z.minLength(1)),
  PhysicalResourceId: z.optional(z.string().check(z.minLength(1))),
  ResourceProperties: z.record(z.string(), z.unknown()),
  OldResourceProperties: z.optional(z.record(z.string(), z.unknown())),
});
export type CustomResourceEvent = z.output<typeof CustomResourceEvent>;

/** The least an event needs for a response to be sent at all. */
export const ResponseTarget = z.object({
  ResponseURL: z.url(),
  StackId: z.string().check(z.minLength(1)),
  RequestId: z.string().check(z.minLength(1)),
  LogicalResourceId: z.string().check(z.minLength(1)),
});
export type ResponseTarget = z.output<typeof ResponseTarget>;

const ENGINE_ALIASES: Record<string, 'postgres' | 'mysql'> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  'aurora-postgresql': 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  'aurora-mysql': 'mysql',
};

const trimmed = (value: unknown) => (typeof value === 'string' ? value.trim() : value);
const lower = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

const SSL_ALIASES: Record<string, 'verify-full' | 'require' | 'disable'> = {
  'verify-full': 'verify-full',
  true: 'verify-full',
  required: 'verify-full',
  require: 'require',
  'no-verify': 'require',
  disable: 'disable',
  disabled: 'disable',
  false: 'disable',
};

/** `"SELECT, INSERT"`, `["SELECT","INSERT"]` or `"ALL"`; upper-cased, whitespace collapsed. */
const PrivilegeList = preprocess(
  (value) => {
    const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : value;
    if (!Array.isArray(items)) return items;
    return items.map((item) =>
      typeof item === 'string'
        ? item
            .trim()
            .toUpperCase()
            .replace(/\s+/g, ' ')
            .replace(/^ALL PRIVILEGES$/, 'ALL')
        : item,
    );
  },
  z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
);

/** Checked field by field (so every bad name is reported); engine-specific lengths in superRefine. */
const Identifier = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = identifierProblem(value, 64);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

const HOST_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9.:-]{0,252})$/;
const SECRET_ARN_PATTERN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+$/;

/**
 * The resource properties. CloudFormation passes every scalar as a string (`"5432"`), so numbers
 * are coerced; unknown keys are rejected so that a typo (`OnDeleet`) fails instead of being ignored.
 */
export const DbIamUserProperties = z
  .strictObject({
    ServiceToken: z.optional(z.string()),
    ServiceTimeout: z.optional(z.unknown()),
    Engine: z.pipe(
      preprocess(lower, z.enum(Object.keys(ENGINE_ALIASES) as [string, ...string[]])),
      z.transform((v) => ENGINE_ALIASES[v] as 'postgres' | 'mysql'),
    ),
    Host: z.optional(
      preprocess(trimmed, z.string().check(z.regex(HOST_PATTERN, 'must be a host name or IP address'))),
    ),
    Port: z.optional(wholeNumber(1, 65535)),
    Database: preprocess(trimmed, Identifier),
    Username: preprocess(trimmed, Identifier),
    Schema: z._default(preprocess(trimmed, Identifier), 'public'),
    MasterSecretArn: preprocess(
      trimmed,
      z.string().check(z.regex(SECRET_ARN_PATTERN, 'must be a Secrets Manager secret ARN')),
    ),
    Privileges: z._default(PrivilegeList, ['ALL']),
    Ssl: z._default(
      z.pipe(
        preprocess(lower, z.enum(Object.keys(SSL_ALIASES) as [string, ...string[]])),
        z.transform((v) => SSL_ALIASES[v] as 'verify-full' | 'require' | 'disable'),
      ),
      'verify-full',
    ),
    OnDelete: z._default(preprocess(lower, z.enum(['retain', 'lock', 'drop'])), 'retain'),
    ExistingUser: z._default(preprocess(lower, z.enum(['fail', 'convert'])), 'fail'),
    ConnectTimeoutSeconds: z._default(wholeNumber(1, 900), 30),
  })
  .check(
    z.superRefine((props, ctx) => {
      const limits = MAX_LENGTH[props.Engine];
      const names: Array<['Database' | 'Username' | 'Schema', string, number]> = [
        ['Database', props.Database, limits.database],
        ['Username', props.Username, limits.user],
        ['Schema', props.Schema, limits.schema],
      ];
      for (const [key, value, max] of names) {
        const problem = identifierProblem(value, max);
        if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
      }
      if (isReservedUser(props.Username)) {
        ctx.addIssue({ code: 'custom', path: ['Username'], message: 'is a built-in or reserved account' });
      }
      const allowed = props.Engine === 'postgres' ? postgres.ALLOWED_PRIVILEGES : mysql.ALLOWED_PRIVILEGES;
      const unknown = props.Privileges.filter((p) => !allowed.includes(p));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['Privileges'],
          message: `not allowed for ${props.Engine}: ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`,
        });
      }
      if (props.Privileges.includes('ALL') && props.Privileges.length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['Privileges'],
          message: 'ALL cannot be combined with other privileges',
        });
      }
    }),
  );
export type DbIamUserProperties = z.output<typeof DbIamUserProperties>;

/** `Engine: Invalid option...; Username: must contain only...` — one line, every problem. */
export function describePropertyIssues(error: z.core.$ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(properties)'}: ${issue.message}`)
    .join('; ');
}

/** The master credentials stored in Secrets Manager (RDS-managed secrets carry only the first two). */
export const MasterSecret = z.object({
  username: z.string().check(z.minLength(1)),
  password: z.string(),
  host: z.optional(z.string().check(z.minLength(1))),
  port: z.optional(wholeNumber(1, 65535)),
});
export type MasterSecret = z.output<typeof MasterSecret>;

/** Environment of the function. */
export const DbIamUserConfig = z.object({
  STAGE: z._default(z.string(), 'dev'),
  DRY_RUN: z._default(envBool, false),
  /** `IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'` unless a test server needs another plugin. */
  MYSQL_IAM_AUTH_CLAUSE: z._default(z.string(), mysql.AWS_IAM_AUTH_CLAUSE),
  /** CA bundle for verify-full; the Lambda runtime's bundle includes the RDS certificate authorities. */
  DB_CA_BUNDLE_PATH: z._default(z.string(), '/var/runtime/ca-cert.pem'),
  /** Milliseconds kept in reserve before the Lambda deadline to send FAILED. */
  RESPONSE_MARGIN_MS: z._default(envInt(500, 60_000), 5_000),
  /** Only honoured when STAGE=local: JSON `{username,password}` used instead of Secrets Manager. */
  LOCAL_MASTER_CREDENTIALS_JSON: z.optional(z.string()),
});
export type DbIamUserConfig = z.output<typeof DbIamUserConfig>;

/**
 * The request lifecycle's settings (custom-resource.ts `LifecycleOptions`) from the configuration:
 * dry run, the CA bundle when the file exists (otherwise the driver's default authorities) and the
 * margin kept before the deadline. (The region the response PUT names when S3 is unreachable is
 * the `respond` port's, adapters/index.ts.)
 */
export function settingsFrom(config: DbIamUserConfig): LifecycleOptions {
  return {
    dryRun: config.DRY_RUN,
    caBundlePath: existsSync(config.DB_CA_BUNDLE_PATH) ? config.DB_CA_BUNDLE_PATH : undefined,
    marginMs: config.RESPONSE_MARGIN_MS,
  };
}
