/**
 * Decisions of the Custom::DbIamUser resource: what a Create, Update or Delete means for the
 * database user, and the outcome to report to CloudFormation. Never throws: every failure
 * becomes a FAILED outcome with a reason and the right PhysicalResourceId.
 */
import type { DbConnection, DbConnectOptions } from '../../shared/db/driver';
import { PermanentError } from '../../shared/errors';
import { reasonOf } from './messages';
import type { EndpointResolver, MasterCredentials } from './ports';
import type { AuthMethod } from './dialects/mysql';
import {
  failedCreateId,
  isUnfinishedCreateId,
  parsePhysicalId,
  physicalIdOf,
  sameUser,
  type UserIdentity,
} from './physical-id';
import {
  type CustomResourceEvent,
  DbIamUserProperties,
  describePropertyIssues,
  type MasterSecret,
} from './schema';
import { sqlSession } from './sql-session';
import { ensureUser, isIamUser, removeUser } from './user-manager';

export interface CoreDeps {
  credentials: MasterCredentials;
  endpoints: EndpointResolver;
  connect(options: DbConnectOptions): Promise<DbConnection>;
  mysqlAuth: AuthMethod;
}

export interface CoreOptions {
  dryRun: boolean;
  /** CA bundle for `Ssl: verify-full`, when one is available. */
  caBundlePath?: string;
  /** Milliseconds the work may still take before the response must be sent. */
  timeLeftMs(): number;
  /** Aborted once a response has been sent for this request (deadline): make no further change. */
  signal?: AbortSignal;
  /** Told what is in progress, for the deadline's FAILED reason. */
  progress?(phase: string): void;
}

export interface Outcome {
  status: 'SUCCESS' | 'FAILED';
  physicalResourceId: string;
  reason: string;
  data?: Record<string, string>;
  /** SQL changes made (or, in dry run, that would have been made). */
  changes: string[];
}

const DEFAULT_PORT = { postgres: 5432, mysql: 3306 } as const;

/** The PhysicalResourceId to report when a request fails. */
export function failureId(
  event: Pick<CustomResourceEvent, 'RequestType' | 'PhysicalResourceId' | 'LogicalResourceId'>,
) {
  // A failed Create gets a marker (its Delete is a no-op); Update/Delete keep the current id.
  return event.RequestType === 'Create' || !event.PhysicalResourceId
    ? failedCreateId(event.LogicalResourceId)
    : event.PhysicalResourceId;
}

/** Handles one CloudFormation request. */
export async function processRequest(
  event: CustomResourceEvent,
  deps: CoreDeps,
  options: CoreOptions,
): Promise<Outcome> {
  const changes: string[] = [];
  try {
    if (event.RequestType === 'Delete') return await deleteUser(event, deps, options, changes);
    return await createOrUpdate(event, deps, options, changes);
  } catch (error) {
    return { status: 'FAILED', physicalResourceId: failureId(event), reason: reasonOf(error), changes };
  }
}

async function createOrUpdate(
  event: CustomResourceEvent,
  deps: CoreDeps,
  options: CoreOptions,
  changes: string[],
): Promise<Outcome> {
  const parsed = DbIamUserProperties.safeParse(event.ResourceProperties);
  if (!parsed.success) {
    return {
      status: 'FAILED',
      physicalResourceId: failureId(event),
      reason: `Invalid properties: ${describePropertyIssues(parsed.error)}`,
      changes,
    };
  }
  const props = parsed.data;
  const { secret, identity } = await resolveTarget(props, deps, options);
  // Same server and user under another host spelling: keep the id, or CloudFormation would send
  // a Delete of the old id that locks or drops the live user.
  const previous = event.RequestType === 'Update' ? parsePhysicalId(event.PhysicalResourceId) : undefined;
  const keptId = previous && sameUser(previous, identity) ? event.PhysicalResourceId : undefined;
  const id = keptId ?? physicalIdOf(identity);

  // A previous Schema whose grants this resource managed (same user, same id) is cleaned up too.
  const old = event.OldResourceProperties
    ? DbIamUserProperties.safeParse(event.OldResourceProperties)
    : undefined;
  const schemas = [props.Schema];
  if (old?.success && old.data.Schema !== props.Schema && event.PhysicalResourceId === id)
    schemas.push(old.data.Schema);

  const result = await withSession(identity, secret, props, deps, options, changes, async (session) => {
    options.progress?.(`creating or updating user ${identity.user}`);
    return ensureUser(
      session,
      {
        engine: identity.engine,
        user: identity.user,
        database: identity.database,
        schemas,
        privileges: props.Privileges,
        existingUser: props.ExistingUser,
      },
      deps.mysqlAuth,
    );
  });
  const replaced =
    event.RequestType === 'Update' && event.PhysicalResourceId && event.PhysicalResourceId !== id;
  const verb = { created: 'Created', existing: 'Updated', converted: 'Converted password user to' }[
    result.user
  ];
  return {
    status: 'SUCCESS',
    physicalResourceId: id,
    reason:
      `${options.dryRun ? '[dry run] ' : ''}${verb} IAM user ${identity.user} on ${describeIdentity(identity)} ` +
      `with ${props.Privileges.join(', ')}` +
      (replaced ? '; the previous user is left for the Delete CloudFormation sends next' : '') +
      (keptId && previous && (previous.host !== identity.host || previous.port !== identity.port)
        ? `; PhysicalResourceId kept (same engine, database and user; previously addressed as ${previous.host}:${previous.port})`
        : ''),
    data: {
      Username: identity.user,
      Database: identity.database,
      Host: identity.host,
      Port: String(identity.port),
      Engine: identity.engine,
    },
    changes,
  };
}

async function deleteUser(
  event: CustomResourceEvent,
  deps: CoreDeps,
  options: CoreOptions,
  changes: string[],
): Promise<Outcome> {
  const id = event.PhysicalResourceId ?? failedCreateId(event.LogicalResourceId);
  if (isUnfinishedCreateId(id)) return deleteUnfinished(id, event, deps, options, changes);
  const parsedId = parsePhysicalId(id);
  if (!parsedId) {
    return {
      status: 'SUCCESS',
      physicalResourceId: id,
      reason: 'Nothing to delete: this id was not created by Custom::DbIamUser (failed Create or unknown id)',
      changes,
    };
  }
  const parsed = DbIamUserProperties.safeParse(event.ResourceProperties);
  if (!parsed.success) {
    return {
      status: 'SUCCESS',
      physicalResourceId: id,
      reason: `User ${parsedId.user} retained: properties are invalid (${describePropertyIssues(parsed.error)})`,
      changes,
    };
  }
  const props = parsed.data;
  if (props.OnDelete === 'retain') {
    return {
      status: 'SUCCESS',
      physicalResourceId: id,
      reason: `User ${parsedId.user} retained (OnDelete: retain)`,
      changes,
    };
  }
  const secret = await deps.credentials.get(props.MasterSecretArn);
  // Connect where the properties say the server is now (the id may carry an older spelling).
  const identity = await currentAddress(parsedId, props, secret, deps, options);
  const mode = props.OnDelete;
  const result = await withSession(identity, secret, props, deps, options, changes, (session) => {
    options.progress?.(`${mode === 'lock' ? 'locking' : 'dropping'} user ${identity.user}`);
    return removeUser(
      session,
      { engine: identity.engine, user: identity.user, database: identity.database, schemas: [props.Schema] },
      mode,
    );
  });
  const where = describeIdentity(identity);
  const prefix = options.dryRun ? '[dry run] ' : '';
  const reason = {
    locked: `${prefix}Locked user ${identity.user} on ${where} (OnDelete: lock)`,
    dropped: `${prefix}Dropped user ${identity.user} on ${where} (OnDelete: drop)`,
    absent: `User ${identity.user} does not exist on ${where}; nothing to ${mode}`,
    'revoked-database-only':
      `${prefix}Revoked ${identity.user}'s access to ${identity.database} only: it still has access to ` +
      `${result.otherDatabases.map(unescapeGrantName).join(', ')}, so the user itself was kept`,
  }[result.action];
  return { status: 'SUCCESS', physicalResourceId: id, reason, changes };
}

/**
 * The id's user at the address the (same-user) properties resolve to now; the id's own host and
 * port when the properties name another user or cannot be resolved.
 */
async function currentAddress(
  fromId: UserIdentity,
  props: DbIamUserProperties,
  secret: MasterSecret,
  deps: CoreDeps,
  options: CoreOptions,
): Promise<UserIdentity> {
  const fromProps = { engine: props.Engine, database: props.Database, user: props.Username };
  if (!sameUser(fromId, { ...fromId, ...fromProps })) return fromId;
  const endpoint = await resolveEndpoint(props, secret, deps, options).catch(() => undefined);
  return endpoint ? { ...fromId, ...endpoint } : fromId;
}

/**
 * Delete of the id a deadline answer gave a Create: a statement still running then (MySQL has no
 * transactional DDL) may have created the user after all. It is removed as OnDelete says when it
 * exists and is an IAM user (a password user that made the Create fail is never touched). A
 * failure here answers SUCCESS with what to check: failing would leave the stack in
 * ROLLBACK_FAILED for a user that most likely does not exist.
 */
async function deleteUnfinished(
  id: string,
  event: CustomResourceEvent,
  deps: CoreDeps,
  options: CoreOptions,
  changes: string[],
): Promise<Outcome> {
  const parsed = DbIamUserProperties.safeParse(event.ResourceProperties);
  const mode = parsed.success ? parsed.data.OnDelete : 'retain';
  if (!parsed.success || mode === 'retain') {
    return {
      status: 'SUCCESS',
      physicalResourceId: id,
      reason:
        'Nothing to delete: the Create was answered at its deadline and OnDelete is retain (or the properties are invalid)',
      changes,
    };
  }
  const props = parsed.data;
  try {
    const { secret, identity } = await resolveTarget(props, deps, options);
    const spec = {
      engine: identity.engine,
      user: identity.user,
      database: identity.database,
      schemas: [props.Schema],
    };
    const result = await withSession(identity, secret, props, deps, options, changes, async (session) => {
      options.progress?.(`looking for user ${identity.user} left by the unfinished Create`);
      if (!(await isIamUser(session, spec, deps.mysqlAuth))) return undefined;
      return removeUser(session, spec, mode);
    });
    const where = describeIdentity(identity);
    if (!result || result.action === 'absent') {
      return {
        status: 'SUCCESS',
        physicalResourceId: id,
        reason: `The unfinished Create left no IAM user ${identity.user} on ${where}; nothing to ${mode}`,
        changes,
      };
    }
    return {
      status: 'SUCCESS',
      physicalResourceId: id,
      reason:
        `${options.dryRun ? '[dry run] ' : ''}${result.action === 'locked' ? 'Locked' : result.action === 'dropped' ? 'Dropped' : 'Revoked this database from'} ` +
        `user ${identity.user} on ${where}, created by a statement that finished after the Create was answered (OnDelete: ${mode})`,
      changes,
    };
  } catch (error) {
    return {
      status: 'SUCCESS',
      physicalResourceId: id,
      reason:
        `Could not check whether the unfinished Create left user ${props.Username} in ${props.Database} ` +
        `(${reasonOf(error)}); check by hand and drop it if it exists`,
      changes,
    };
  }
}

function unescapeGrantName(name: string): string {
  return name.replace(/\\(.)/g, '$1');
}

function describeIdentity(identity: UserIdentity): string {
  return `${identity.engine} ${identity.host}:${identity.port}/${identity.database}`;
}

async function resolveTarget(
  props: DbIamUserProperties,
  deps: CoreDeps,
  options: CoreOptions,
): Promise<{ secret: MasterSecret; identity: UserIdentity }> {
  options.progress?.('reading the master secret');
  const secret = await deps.credentials.get(props.MasterSecretArn);
  if (secret.username === props.Username) {
    throw new PermanentError(
      `Username ${props.Username} is the master user of the secret: refusing to turn it into an IAM user`,
    );
  }
  const { host, port } = await resolveEndpoint(props, secret, deps, options);
  return {
    secret,
    identity: { engine: props.Engine, host, port, database: props.Database, user: props.Username },
  };
}

/** Host and port: the properties, else the secret, else the RDS instance or cluster that manages the secret. */
async function resolveEndpoint(
  props: DbIamUserProperties,
  secret: MasterSecret,
  deps: CoreDeps,
  options: CoreOptions,
): Promise<{ host: string; port: number }> {
  let host = props.Host ?? secret.host;
  let port = props.Port ?? secret.port;
  if (!host) {
    options.progress?.('resolving the database endpoint through RDS');
    const endpoint = await deps.endpoints.endpointForSecret(props.MasterSecretArn);
    if (!endpoint) {
      throw new PermanentError(
        `No Host property, the secret has no host, and ${props.MasterSecretArn} is not a secret RDS manages (no aws:rds:primaryDBInstanceArn or aws:rds:primaryDBClusterArn tag naming its instance or cluster)`,
      );
    }
    host = endpoint.host;
    port ??= endpoint.port;
  }
  return { host, port: port ?? DEFAULT_PORT[props.Engine] };
}

async function withSession<T>(
  identity: UserIdentity,
  secret: MasterSecret,
  props: DbIamUserProperties,
  deps: CoreDeps,
  options: CoreOptions,
  changes: string[],
  fn: (session: ReturnType<typeof sqlSession>) => Promise<T>,
): Promise<T> {
  // When the deadline timer would come first, let it answer (its reason says what to check) rather
  // than race it with the driver's bare "timeout expired": connect a little longer than it.
  const wantedMs = props.ConnectTimeoutSeconds * 1_000;
  const timeLeftMs = options.timeLeftMs();
  const connectTimeoutMs = wantedMs < timeLeftMs ? Math.max(1_000, wantedMs) : timeLeftMs + 1_000;
  options.progress?.(
    `connecting to ${identity.engine} ${identity.host}:${identity.port} as ${secret.username}`,
  );
  const db = await deps.connect({
    engine: identity.engine,
    host: identity.host,
    port: identity.port,
    user: secret.username,
    password: secret.password,
    // PostgreSQL grants on schemas and tables are made from inside the database; MySQL needs none.
    database: identity.engine === 'postgres' ? identity.database : undefined,
    ssl: props.Ssl,
    caBundlePath: props.Ssl === 'verify-full' ? options.caBundlePath : undefined,
    connectTimeoutMs,
  });
  const session = sqlSession(db, { dryRun: options.dryRun, signal: options.signal });
  try {
    return await fn(session);
  } finally {
    changes.push(...session.changes);
    await db.close();
  }
}
