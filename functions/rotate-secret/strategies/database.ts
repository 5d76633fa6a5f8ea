import { PermanentError } from '../../../shared/errors';
import type { DbConnectOptions, DbConnection } from '../../../shared/db/driver';
import { registerSecret } from '../../../shared/redact';
import { dialectFor, type Dialect, type Statement } from '../dialects';
import { engineOf, parseDbSecret, portOf, type DbSecret, type RotateSecretConfig } from '../schema';
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

/** Makes `to`'s privileges identical to `from`'s (run every rotation: grants drift). Returns what changed. */
export async function copyPrivileges(
  db: DbConnection,
  dialect: Dialect,
  from: string,
  to: string,
  host: string,
): Promise<string[]> {
  const source = dialect.privileges(await run(db, dialect.listPrivileges(from, host)), from, to, host);
  const target = dialect.privileges(await run(db, dialect.listPrivileges(to, host)), to, to, host);
  const sourceKeys = new Set(source.map((p) => p.key));
  const targetKeys = new Set(target.map((p) => p.key));
  const extra = target.filter((p) => !sourceKeys.has(p.key));
  const missing = source.filter((p) => !targetKeys.has(p.key));
  if (extra.length === 0 && missing.length === 0) return [];
  const reset = dialect.resetPrivileges(to, host);
  for (const statement of reset) await run(db, statement);
  for (const p of extra) if (p.revoke) await run(db, p.revoke);
  const grants = reset.length > 0 ? source : missing;
  for (const p of grants) await run(db, p.grant);
  return [...extra.map((p) => `revoked ${p.key}`), ...missing.map((p) => `granted ${p.key}`)];
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
  const masterVersion = await ctx.deps.secrets.getValue(current.masterarn, { stage: 'AWSCURRENT' });
  if (!masterVersion)
    throw new PermanentError(`Master secret ${current.masterarn} of ${name} has no AWSCURRENT value`);
  const master = parse(masterVersion.value, `master secret ${current.masterarn}`);
  if (where(master) !== where(current)) {
    throw new PermanentError(
      `Refusing to rotate ${name}: its master secret names ${where(master)} but the secret names ${where(current)}`,
    );
  }
  const users = { current: current.username, pending: pending.username };
  if (ctx.config.DRY_RUN) {
    ctx.actions.push(
      `would log in to ${where(master)} as master ${master.username}, create or update ${pending.username} with the pending password, and copy ${current.username}'s privileges to it`,
    );
    return { outcome: 'dry-run', users };
  }
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
      const changes = await copyPrivileges(db, dialect, current.username, pending.username, host);
      ctx.actions.push(
        changes.length
          ? `privileges of ${account} made identical to ${current.username}: ${changes.join('; ')}`
          : `privileges of ${account} already identical to ${current.username}`,
      );
    }
  } finally {
    await db.close();
  }
  return { outcome: 'done', users };
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
