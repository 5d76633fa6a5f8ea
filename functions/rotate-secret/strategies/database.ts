import { PermanentError } from '../../../shared/errors';
import type { DbConnectOptions, DbConnection } from '../../../shared/db/driver';
import { registerSecret } from '../../../shared/redact';
import { dialectFor, type Dialect, type GrantCopy, type Statement } from '../dialects';
import { AWSCURRENT } from '../ports';
import {
  engineOf,
  jsonObject,
  parseDbSecret,
  portOf,
  type DbSecret,
  type RotateSecretConfig,
} from '../schema';
import { readPending, readPrevious, type StepContext, type StepOutcome, type Strategy } from './context';
import { tokenReused } from './random-value';

export const CLONE_SUFFIX = '_clone';

/** `app` ↔ `app_clone` (the AWS templates' naming, so secrets rotated by them keep working). */
export function otherUser(username: string): string {
  return username.endsWith(CLONE_SUFFIX)
    ? username.slice(0, -CLONE_SUFFIX.length)
    : `${username}${CLONE_SUFFIX}`;
}

const AUTH_CODES = new Set(['28P01', '28000', 'ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR']);

/** True when the database refused the credentials (as opposed to being unreachable). */
export function isAuthFailure(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  return error instanceof PermanentError && typeof code === 'string' && AUTH_CODES.has(code);
}

export function connectOptions(
  secret: DbSecret,
  config: RotateSecretConfig,
  database = secret.dbname,
): DbConnectOptions {
  return {
    engine: engineOf(secret.engine),
    host: secret.host,
    port: portOf(secret),
    user: secret.username,
    ...(secret.password !== undefined ? { password: secret.password } : {}),
    ...(database ? { database } : {}),
    ssl: config.DB_SSL_MODE,
    ...(config.DB_CA_BUNDLE_PATH ? { caBundlePath: config.DB_CA_BUNDLE_PATH } : {}),
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
  };
}

function where(s: DbSecret): string {
  return `${engineOf(s.engine)} ${s.host}:${portOf(s)}`;
}

function parse(text: string, what: string): DbSecret {
  const secret = parseDbSecret(text, what);
  registerSecret(secret.password);
  return secret;
}

/** Refuses a pending version that names another server or an unexpected user. */
export function checkSameTarget(
  current: DbSecret,
  pending: DbSecret,
  expectedUser: string,
  secretName: string,
): void {
  if (where(current) !== where(pending)) {
    throw new PermanentError(
      `Refusing to rotate ${secretName}: AWSPENDING names ${where(pending)} but AWSCURRENT names ${where(current)}`,
    );
  }
  if (pending.username !== expectedUser) {
    throw new PermanentError(
      `Refusing to rotate ${secretName}: AWSPENDING names user ${pending.username}, expected ${expectedUser} (AWSCURRENT user ${current.username})`,
    );
  }
}

export function checkUserName(dialect: Dialect, username: string, secretName: string): void {
  const { limit, unit } = dialect.maxUserName;
  const length = dialect.userNameLength(username);
  if (length > limit) {
    throw new PermanentError(
      `Refusing to rotate ${secretName}: user name ${username} is ${length} ${unit}, over the ${dialect.engine} limit of ${limit}; shorten the base user name`,
    );
  }
}

function iamRefusal(user: string, secretName: string): PermanentError {
  return new PermanentError(
    `Refusing to rotate ${secretName}: user ${user} authenticates with IAM (no password to rotate); remove rotation from this secret`,
  );
}

async function run(db: DbConnection, statement: Statement): Promise<Array<Record<string, unknown>>> {
  return db.query<Record<string, unknown>>(statement.sql, statement.params ?? []);
}

async function refuseIamUser(
  db: DbConnection,
  dialect: Dialect,
  user: string,
  secretName: string,
  strict: boolean,
) {
  let rows: Array<Record<string, unknown>>;
  try {
    rows = await run(db, dialect.isIamUser(user));
  } catch (error) {
    // A non-admin MySQL user may not read mysql.user; having logged in with a password, it is not an IAM user.
    if (!strict && error instanceof PermanentError) return;
    throw error;
  }
  if (rows.some((r) => r.iam === true || r.iam === 1 || r.iam === '1' || r.iam === 't'))
    throw iamRefusal(user, secretName);
}

/**
 * Makes `to`'s privileges and TLS requirement identical to `from`'s (run every rotation: grants
 * drift). Returns what changed.
 */
export async function copyPrivileges(
  db: DbConnection,
  grants: GrantCopy,
  from: string,
  to: string,
  host: string,
): Promise<string[]> {
  const source = grants.privileges(await run(db, grants.listPrivileges(from, host)), from, to, host);
  const target = grants.privileges(await run(db, grants.listPrivileges(to, host)), to, to, host);
  const sourceKeys = new Set(source.map((p) => p.key));
  const targetKeys = new Set(target.map((p) => p.key));
  const extra = target.filter((p) => !sourceKeys.has(p.key));
  const missing = source.filter((p) => !targetKeys.has(p.key));
  const changes: string[] = [];
  if (extra.length > 0 || missing.length > 0) {
    const reset = grants.resetPrivileges(to, host);
    for (const statement of reset) await run(db, statement);
    for (const p of extra) if (p.revoke) await run(db, p.revoke);
    for (const p of reset.length > 0 ? source : missing) await run(db, p.grant);
    changes.push(...extra.map((p) => `revoked ${p.key}`), ...missing.map((p) => `granted ${p.key}`));
  }
  const tls = async (user: string) => {
    const [row] = await run(db, grants.tlsRequirement(user, host));
    return row ?? {};
  };
  const wanted = grants.requireTls(to, host, await tls(from));
  if (JSON.stringify(grants.requireTls(to, host, await tls(to))) !== JSON.stringify(wanted)) {
    await run(db, wanted);
    changes.push(`TLS requirement set as ${from}'s (${wanted.sql.replace(/^ALTER USER \?@\? /, '')})`);
  }
  return changes;
}

async function tryLogin(ctx: StepContext, secret: DbSecret): Promise<DbConnection | undefined> {
  try {
    return await ctx.deps.db.connect(connectOptions(secret, ctx.config));
  } catch (error) {
    if (isAuthFailure(error)) return undefined;
    throw error;
  }
}

function dialectOf(secret: DbSecret): Dialect {
  return dialectFor(engineOf(secret.engine));
}

/** The two database strategies share createSecret and testSecret; they differ in setSecret. */
function databaseStrategy(alternating: boolean): Strategy {
  return {
    async createSecret(ctx) {
      const { SecretId, ClientRequestToken: token } = ctx.event;
      const current = parse(ctx.current.value, `AWSCURRENT of ${ctx.meta.name}`);
      if (current.password === undefined) throw iamRefusal(current.username, ctx.meta.name);
      const existing = await ctx.deps.secrets.getValue(SecretId, { versionId: token, stage: 'AWSPENDING' });
      if (existing) {
        parse(existing.value, `AWSPENDING of ${ctx.meta.name}`);
        ctx.actions.push(`version ${token} already holds the pending value`);
        return { outcome: 'no-op', reason: 'pending value already stored' };
      }
      const username = alternating ? otherUser(current.username) : current.username;
      checkUserName(dialectOf(current), username, ctx.meta.name);
      if (alternating && !current.masterarn) {
        throw new PermanentError(
          `Refusing to rotate ${ctx.meta.name} with alternating-users: the secret has no "masterarn" (the master user's secret that can set passwords). Add it, or choose single-user`,
        );
      }
      const password = await ctx.deps.secrets.randomPassword({
        length: ctx.config.PASSWORD_LENGTH,
        excludeCharacters: ctx.config.PASSWORD_EXCLUDE_CHARACTERS,
        excludePunctuation: false,
      });
      registerSecret(password);
      const pending: DbSecret = { ...current, username, password };
      const described = `PutSecretValue ${ctx.meta.name} version ${token} stage AWSPENDING (user ${username}, new password)`;
      if (ctx.config.DRY_RUN) {
        ctx.actions.push(`would ${described}`);
        return { outcome: 'dry-run', users: { current: current.username, pending: username } };
      }
      const stored = await ctx.deps.secrets.putPending(SecretId, token, JSON.stringify(pending));
      if (stored === 'exists-with-other-value') {
        const raced = await ctx.deps.secrets.getValue(SecretId, { versionId: token, stage: 'AWSPENDING' });
        if (!raced) throw tokenReused(ctx.meta.name, token);
        parse(raced.value, `AWSPENDING of ${ctx.meta.name}`);
        ctx.actions.push(`kept the value stored first by a concurrent createSecret for version ${token}`);
        return { outcome: 'no-op', reason: 'a concurrent invocation stored the pending value first' };
      }
      ctx.actions.push(described);
      return { outcome: 'done', users: { current: current.username, pending: username } };
    },

    setSecret: alternating ? setAlternating : setSingleUser,

    async testSecret(ctx) {
      const pending = parse((await readPending(ctx)).value, `AWSPENDING of ${ctx.meta.name}`);
      if (ctx.config.DRY_RUN) {
        ctx.actions.push(`would log in to ${where(pending)} as ${pending.username} and run SELECT 1`);
        return { outcome: 'dry-run' };
      }
      const db = await ctx.deps.db.connect(connectOptions(pending, ctx.config));
      try {
        await run(db, dialectOf(pending).test);
      } finally {
        await db.close();
      }
      ctx.actions.push(`logged in to ${where(pending)} as ${pending.username} with the pending password`);
      return { outcome: 'done' };
    },

    async describeFinish(ctx) {
      const current = parse(ctx.current.value, `AWSCURRENT of ${ctx.meta.name}`);
      const pending = parse((await readPending(ctx)).value, `AWSPENDING of ${ctx.meta.name}`);
      return { current: current.username, pending: pending.username };
    },
  };
}

/**
 * The master secret as a connectable DbSecret. A secret RDS manages holds only
 * `{"username","password"}`; like AWS's rotation templates, its instance or cluster comes from its
 * tag (DescribeSecret; the adapter reads it into `managedBy`) and host, port and engine from
 * DescribeDBInstances / DescribeDBClusters.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
 */
export async function readMaster(ctx: StepContext, masterArn: string, secretName: string): Promise<DbSecret> {
  const version = await ctx.deps.secrets.getValue(masterArn, { stage: AWSCURRENT });
  if (!version)
    throw new PermanentError(`Master secret ${masterArn} of ${secretName} has no AWSCURRENT value`);
  const what = `master secret ${masterArn}`;
  const obj = jsonObject(version.value);
  if (!obj || (obj.host !== undefined && obj.engine !== undefined)) return parse(version.value, what);
  if (typeof obj.password === 'string') registerSecret(obj.password);
  const owner = (await ctx.deps.secrets.describe(masterArn)).managedBy;
  if (!owner) {
    throw new PermanentError(
      `${what} has no host/engine and no aws:rds:primaryDBInstanceArn or aws:rds:primaryDBClusterArn tag: it is neither a full database secret nor one RDS manages`,
    );
  }
  const endpoint =
    owner.kind === 'instance'
      ? await ctx.deps.rds.instanceEndpoint(owner.arn)
      : await ctx.deps.rds.clusterEndpoint(owner.arn);
  return parse(JSON.stringify({ ...obj, ...endpoint }), what);
}

/**
 * The confused-deputy check of AWS's rotation templates: the master is used only for a secret
 * whose AWSCURRENT credentials log in, and never to change the master's own password.
 */
function refuseMasterUser(name: string, current: DbSecret, pending: DbSecret, master: DbSecret): void {
  for (const user of [current.username, pending.username]) {
    if (user.toLowerCase() === master.username.toLowerCase()) {
      throw new PermanentError(
        `Refusing to rotate ${name}: it names the master user ${master.username}; the master's own secret is rotated by RDS or by its own rotation, not as an app user`,
      );
    }
  }
}

async function checkCurrentLogsIn(ctx: StepContext, current: DbSecret): Promise<void> {
  const name = ctx.meta.name;
  const db = await tryLogin(ctx, current);
  if (!db) {
    throw new PermanentError(
      `Refusing to rotate ${name}: its AWSCURRENT credentials do not log in to ${where(current)} as ${current.username}, so the master is not used for it (the confused-deputy check of AWS's rotation templates). Put the user's working password in the secret first`,
    );
  }
  await db.close();
}

/** The master's connection for a statement that failed for lack of a privilege: say what it needs. */
function masterLacks(error: unknown, master: DbSecret, needs: string): unknown {
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  if (code === '42501' || code === 'ER_DBACCESS_DENIED_ERROR' || code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR')
    return new PermanentError(`${(error as Error).message}. The master ${master.username} needs ${needs}`, {
      cause: error,
    });
  return error;
}

async function setAlternating(ctx: StepContext): Promise<StepOutcome> {
  const name = ctx.meta.name;
  const current = parse(ctx.current.value, `AWSCURRENT of ${name}`);
  const pending = parse((await readPending(ctx)).value, `AWSPENDING of ${name}`);
  checkSameTarget(current, pending, otherUser(current.username), name);
  if (!pending.password) throw iamRefusal(pending.username, name);
  const dialect = dialectOf(current);
  checkUserName(dialect, pending.username, name);
  if (!current.masterarn)
    throw new PermanentError(`Secret ${name} has no "masterarn": alternating-users needs the master secret`);
  const master = await readMaster(ctx, current.masterarn, name);
  if (where(master) !== where(current)) {
    throw new PermanentError(
      `Refusing to rotate ${name}: its master secret names ${where(master)} but the secret names ${where(current)}`,
    );
  }
  refuseMasterUser(name, current, pending, master);
  const users = { current: current.username, pending: pending.username };
  if (ctx.config.DRY_RUN) {
    ctx.actions.push(
      `would log in to ${where(current)} as ${current.username} (AWSCURRENT), then as master ${master.username}, create or update ${pending.username} with the pending password, and give it ${current.username}'s privileges`,
    );
    return { outcome: 'dry-run', users };
  }
  await checkCurrentLogsIn(ctx, current);
  const db = await ctx.deps.db.connect(connectOptions(master, ctx.config, current.dbname ?? master.dbname));
  try {
    await refuseIamUser(db, dialect, current.username, name, true);
    await refuseIamUser(db, dialect, pending.username, name, true);
    const hosts = (await run(db, dialect.accounts(current.username))).map((r) => String(r.host ?? ''));
    if (hosts.length === 0) {
      throw new PermanentError(
        `Cannot rotate ${name}: user ${current.username} (AWSCURRENT) does not exist on ${where(current)}`,
      );
    }
    const pendingHosts = new Set(
      (await run(db, dialect.accounts(pending.username))).map((r) => String(r.host ?? '')),
    );
    for (const host of hosts) {
      const account = host ? `${pending.username}@${host}` : pending.username;
      if (pendingHosts.has(host)) {
        await run(db, dialect.setPassword(pending.username, host, pending.password));
        ctx.actions.push(`set the password of ${account}`);
      } else {
        await run(db, dialect.createUser(pending.username, host, pending.password));
        ctx.actions.push(`created ${account}`);
      }
      ctx.actions.push(
        ...(await giveClonePrivileges(db, dialect, current.username, pending.username, host, master)),
      );
    }
  } finally {
    await db.close();
  }
  return { outcome: 'done', users };
}

/**
 * PostgreSQL: the clone is made a member of the base user and acts as it (`SET role` by default),
 * as AWS's template grants role membership — a non-superuser master cannot grant privileges on
 * tables the app user owns, but membership gives the clone everything the base user can do,
 * including altering the tables it owns, and the tables the clone creates belong to the base user.
 * MySQL: the current user's grants and TLS requirement are copied (no ownership there).
 */
export async function giveClonePrivileges(
  db: DbConnection,
  dialect: Dialect,
  from: string,
  to: string,
  host: string,
  master: DbSecret,
): Promise<string[]> {
  if (dialect.cloneOf) {
    const base = from.endsWith(CLONE_SUFFIX) && otherUser(from) === to ? to : from;
    if (base === to) return [`${to} is the base user: it holds its own privileges`];
    try {
      for (const statement of dialect.cloneOf(base, to)) await run(db, statement);
    } catch (error) {
      throw masterLacks(
        error,
        master,
        `to be able to grant role ${base} (PostgreSQL 16+: ADMIN OPTION on it, which the role's creator has)`,
      );
    }
    return [`${to} is a member of ${base} and acts as ${base} (SET role)`];
  }
  if (!dialect.grants)
    throw new PermanentError(`${dialect.engine}: no way to give ${to} the privileges of ${from}`);
  const changes = await copyPrivileges(db, dialect.grants, from, to, host);
  return [
    changes.length
      ? `privileges of ${to}${host ? `@${host}` : ''} made identical to ${from}: ${changes.join('; ')}`
      : `privileges of ${to}${host ? `@${host}` : ''} already identical to ${from}`,
  ];
}

async function setSingleUser(ctx: StepContext): Promise<StepOutcome> {
  const name = ctx.meta.name;
  const current = parse(ctx.current.value, `AWSCURRENT of ${name}`);
  const pending = parse((await readPending(ctx)).value, `AWSPENDING of ${name}`);
  checkSameTarget(current, pending, current.username, name);
  if (!pending.password) throw iamRefusal(pending.username, name);
  const users = { current: current.username, pending: pending.username };
  if (ctx.config.DRY_RUN) {
    ctx.actions.push(
      `would log in to ${where(current)} as ${current.username} (current, then previous password) and change its password`,
    );
    return { outcome: 'dry-run', users };
  }
  const already = await tryLogin(ctx, pending);
  if (already) {
    await already.close();
    ctx.actions.push(`${pending.username} already logs in with the pending password`);
    return { outcome: 'no-op', reason: 'pending password already set', users };
  }
  let db = await tryLogin(ctx, current);
  let loggedInWith = 'AWSCURRENT';
  if (!db) {
    const previousVersion = await readPrevious(ctx);
    const previous = previousVersion ? parse(previousVersion.value, `AWSPREVIOUS of ${name}`) : undefined;
    if (previous && previous.username === current.username && where(previous) === where(current)) {
      db = await tryLogin(ctx, previous);
      loggedInWith = 'AWSPREVIOUS';
    }
  }
  if (!db) {
    throw new PermanentError(
      `Cannot rotate ${name}: neither the AWSPENDING, AWSCURRENT nor AWSPREVIOUS password logs in to ${where(current)} as ${current.username}`,
    );
  }
  try {
    const dialect = dialectOf(current);
    await refuseIamUser(db, dialect, current.username, name, false);
    const [versionRow] = await run(db, dialect.serverVersion);
    await run(
      db,
      dialect.setOwnPassword(current.username, pending.password, String(versionRow?.version ?? '')),
    );
  } finally {
    await db.close();
  }
  ctx.actions.push(`logged in as ${current.username} with ${loggedInWith} and changed its password`);
  return { outcome: 'done', users };
}

export const alternatingUsersStrategy = databaseStrategy(true);
export const singleUserStrategy = databaseStrategy(false);
