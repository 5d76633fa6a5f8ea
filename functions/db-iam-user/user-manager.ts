/**
 * The sequences of statements that create, update, lock and drop an IAM database user, run
 * through a `SqlSession`. SQL text comes from the dialect modules; this module decides which
 * statements are needed from what the lookups return.
 */
import { PermanentError } from '../../shared/errors';
import type { Engine } from '../../shared/db/driver';
import * as mysql from './dialects/mysql';
import * as postgres from './dialects/postgres';
import type { SqlSession } from './sql-session';

export interface UserSpec {
  engine: Engine;
  user: string;
  database: string;
  /** PostgreSQL schemas whose grants are managed; the first receives the grants. */
  schemas: string[];
  privileges: string[];
  existingUser: 'fail' | 'convert';
}

export interface EnsureResult {
  /** `created`, `existing` (already an IAM user) or `converted` (was a password user). */
  user: 'created' | 'existing' | 'converted';
}

export type RemoveAction = 'locked' | 'dropped' | 'absent' | 'revoked-database-only';

export interface RemoveResult {
  action: RemoveAction;
  /** Databases the user still has access to (when only this database's access was removed). */
  otherDatabases: string[];
}

/** Creates (or converts) the user and sets its grants to exactly the declared privileges. */
export async function ensureUser(
  session: SqlSession,
  spec: UserSpec,
  auth: mysql.AuthMethod,
): Promise<EnsureResult> {
  return spec.engine === 'postgres'
    ? ensurePostgresUser(session, spec)
    : ensureMysqlUser(session, spec, auth);
}

interface PgOwner {
  role: string;
  held: boolean;
  creates_tables: boolean;
}

/**
 * Runs `fn` with the master a member of every role that owns what the grants touch (see
 * postgres.objectOwners), inside the caller's transaction, then gives the memberships back.
 * `fn` gets the roles that create tables in the schemas (for ALTER DEFAULT PRIVILEGES).
 */
async function asOwners(
  session: SqlSession,
  user: string,
  schemas: string[],
  fn: (creators: string[]) => Promise<void>,
  options: { exceptUser?: boolean } = {},
): Promise<void> {
  const owners = await session.read<PgOwner>(postgres.objectOwners(user, schemas));
  const adopted = owners
    .filter((o) => !o.held && !(options.exceptUser && o.role === user))
    .map((o) => o.role);
  for (const owner of adopted) await session.change(postgres.adoptOwner(owner));
  await fn(owners.filter((o) => o.creates_tables).map((o) => o.role));
  for (const owner of adopted) await session.change(postgres.releaseOwner(owner));
}

/**
 * Takes back what this resource granted on its schemas: the privileges on their objects and the
 * default privileges `creators` (the roles that create tables there) gave the user.
 */
async function revokeManagedAccess(
  session: SqlSession,
  spec: Pick<UserSpec, 'user' | 'database' | 'schemas'>,
  creators: string[],
): Promise<void> {
  for (const schema of spec.schemas) {
    for (const sql of postgres.revokeManaged(spec.user, spec.database, schema)) await session.change(sql);
    for (const owner of creators) {
      for (const sql of postgres.revokeDefaultPrivileges(owner, schema, spec.user)) await session.change(sql);
    }
  }
}

interface PgRole {
  can_login: boolean;
  is_iam: boolean;
  master_has_role: boolean;
}

async function ensurePostgresUser(session: SqlSession, spec: UserSpec): Promise<EnsureResult> {
  return session.transaction(async () => {
    // Two deliveries of the same request may run at once: serialise them on the role name, or
    // the second CREATE ROLE / GRANT fails on a concurrently updated catalog row.
    await session.read(postgres.lockUserName(spec.user));
    const [role] = await session.read<PgRole>(postgres.lookupUser(spec.user));
    if (role && !role.is_iam && spec.existingUser === 'fail') {
      throw new PermanentError(
        `Role "${spec.user}" already exists and is not an IAM user (not a member of ${postgres.IAM_ROLE}). ` +
          'Set ExistingUser: convert to switch it to IAM authentication (its password stops working), or choose another Username.',
      );
    }
    if (!role) await session.change(postgres.createUser(spec.user));
    else if (!role.is_iam) await session.change(postgres.removePassword(spec.user));
    if (role && !role.can_login) await session.change(postgres.allowLogin(spec.user));
    if (!role?.is_iam) await session.change(postgres.grantIam(spec.user));
    const schema = spec.schemas[0] ?? 'public';
    await asOwners(session, spec.user, spec.schemas, async (creators) => {
      await revokeManagedAccess(session, spec, creators);
      for (const sql of postgres.grant(spec.user, spec.database, schema, spec.privileges)) {
        await session.change(sql);
      }
      // Tables the app's migrations create later are covered too.
      for (const owner of creators) {
        for (const sql of postgres.grantDefaultPrivileges(owner, schema, spec.user, spec.privileges))
          await session.change(sql);
      }
    });
    return { user: !role ? 'created' : role.is_iam ? 'existing' : 'converted' } as const;
  });
}

async function ensureMysqlUser(
  session: SqlSession,
  spec: UserSpec,
  auth: mysql.AuthMethod,
): Promise<EnsureResult> {
  const [existing] = await session.read<{ plugin: string | Buffer }>(mysql.lookupUser(spec.user));
  const plugin = existing ? String(existing.plugin) : undefined;
  let user: EnsureResult['user'] = 'created';
  if (plugin !== undefined && plugin !== auth.plugin) {
    if (spec.existingUser === 'fail') {
      throw new PermanentError(
        `User '${spec.user}'@'%' already exists and authenticates with ${plugin || 'a password'}, not ${auth.plugin}. ` +
          'Set ExistingUser: convert to switch it to IAM authentication (its password stops working), or choose another Username.',
      );
    }
    await session.change(mysql.convertUser(spec.user, auth));
    user = 'converted';
  } else if (plugin !== undefined) {
    user = 'existing';
  } else {
    await session.change(mysql.createUser(spec.user, auth));
  }
  await session.change(mysql.unlockUser(spec.user));
  const grants = await session.read<{ db: string | Buffer }>(mysql.databaseGrants(spec.user));
  for (const row of grants) {
    const stored = String(row.db);
    if (mysql.isSameDatabase(stored, spec.database))
      await session.change(mysql.revokeStored(spec.user, stored));
  }
  await session.change(mysql.grant(spec.user, spec.database, spec.privileges));
  return { user };
}

/**
 * Delete with OnDelete lock/drop. When the user still has grants on another database (another
 * resource, e.g. after a Database change, uses the same user), only this database's access is
 * removed: the user itself is kept for that other resource.
 */
export async function removeUser(
  session: SqlSession,
  spec: Pick<UserSpec, 'engine' | 'user' | 'database' | 'schemas'>,
  mode: 'lock' | 'drop',
): Promise<RemoveResult> {
  if (spec.engine === 'postgres') {
    const [role] = await session.read<PgRole>(postgres.lookupUser(spec.user));
    if (!role) return { action: 'absent', otherDatabases: [] };
    const others = (
      await session.read<{ database: string }>(postgres.otherDatabaseGrants(spec.user, spec.database))
    ).map((r) => r.database);
    return session.transaction(async () => {
      if (others.length > 0) {
        await asOwners(session, spec.user, spec.schemas, (creators) =>
          revokeManagedAccess(session, spec, creators),
        );
        return { action: 'revoked-database-only', otherDatabases: others } as const;
      }
      if (mode === 'lock') {
        await session.change(postgres.lockUser(spec.user));
        return { action: 'locked', otherDatabases: [] } as const;
      }
      // DROP OWNED BY revokes the user's privileges on the app's tables: as their owner's member.
      // (The user's own membership is taken by dropUser and ends with the role.)
      await asOwners(
        session,
        spec.user,
        spec.schemas,
        async () => {
          for (const sql of postgres.dropUser(spec.user, !role.master_has_role)) await session.change(sql);
        },
        { exceptUser: true },
      );
      return { action: 'dropped', otherDatabases: [] } as const;
    });
  }
  const [existing] = await session.read<{ plugin: unknown }>(mysql.lookupUser(spec.user));
  if (!existing) return { action: 'absent', otherDatabases: [] };
  const grants = (await session.read<{ db: string | Buffer }>(mysql.databaseGrants(spec.user))).map((r) =>
    String(r.db),
  );
  const others = grants.filter((db) => !mysql.isSameDatabase(db, spec.database));
  if (others.length > 0) {
    for (const stored of grants.filter((db) => mysql.isSameDatabase(db, spec.database))) {
      await session.change(mysql.revokeStored(spec.user, stored));
    }
    return { action: 'revoked-database-only', otherDatabases: others };
  }
  await session.change(mode === 'lock' ? mysql.lockUser(spec.user) : mysql.dropUser(spec.user));
  return { action: mode === 'lock' ? 'locked' : 'dropped', otherDatabases: [] };
}

/** True when the user exists and authenticates through IAM (what Create makes). */
export async function isIamUser(
  session: SqlSession,
  spec: Pick<UserSpec, 'engine' | 'user'>,
  auth: mysql.AuthMethod,
): Promise<boolean> {
  if (spec.engine === 'postgres') {
    const [role] = await session.read<PgRole>(postgres.lookupUser(spec.user));
    return role?.is_iam === true;
  }
  const [existing] = await session.read<{ plugin: string | Buffer }>(mysql.lookupUser(spec.user));
  return existing !== undefined && String(existing.plugin) === auth.plugin;
}
