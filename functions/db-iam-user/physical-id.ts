/**
 * PhysicalResourceId: deterministic, derived from what identifies the user (engine, host, port,
 * database, user), so a duplicate Create delivery returns the same id and an Update that changes
 * only privileges keeps it. Never the log stream name.
 */
import type { Engine } from '../../shared/db/driver';
import { identifierProblem, MAX_LENGTH } from './identifiers';

const PREFIX = 'dbiamuser:v1';
const FAILED_PREFIX = 'dbiamuser:create-failed';
const UNFINISHED_PREFIX = 'dbiamuser:create-unfinished';

export interface UserIdentity {
  engine: Engine;
  host: string;
  port: number;
  database: string;
  user: string;
}

export function physicalIdOf(identity: UserIdentity): string {
  const { engine, host, port, database, user } = identity;
  return `${PREFIX}:${engine}:${host.toLowerCase()}:${port}:${database}:${user}`;
}

/** Returned when Create fails, so that the Delete CloudFormation sends next touches nothing. */
export function failedCreateId(logicalResourceId: string): string {
  return `${FAILED_PREFIX}:${logicalResourceId}`.slice(0, 1024);
}

/**
 * Returned when the deadline answered a Create before its work ended: a statement still running
 * may yet create the user, so the Delete CloudFormation sends next looks for it (see core).
 */
export function unfinishedCreateId(logicalResourceId: string): string {
  return `${UNFINISHED_PREFIX}:${logicalResourceId}`.slice(0, 1024);
}

export function isUnfinishedCreateId(id: string | undefined): boolean {
  return id?.startsWith(`${UNFINISHED_PREFIX}:`) === true;
}

/**
 * Same user on the same server, whatever the host spelling (instance or cluster endpoint, Host
 * given or resolved, another port through a proxy): engine, database and user match. An Update
 * between two such identities keeps its PhysicalResourceId, so CloudFormation sends no Delete
 * that would lock or drop the live user.
 */
export function sameUser(a: UserIdentity, b: UserIdentity): boolean {
  return a.engine === b.engine && a.database === b.database && a.user === b.user;
}

/** The identity in an id this resource produced, or undefined for markers and foreign ids. */
export function parsePhysicalId(id: string | undefined): UserIdentity | undefined {
  if (!id?.startsWith(`${PREFIX}:`)) return undefined;
  const parts = id.slice(PREFIX.length + 1).split(':');
  // host may itself contain ':' (IPv6), so it is everything between engine and the last three parts.
  if (parts.length < 5) return undefined;
  const engine = parts[0];
  const user = parts[parts.length - 1];
  const database = parts[parts.length - 2];
  const port = Number(parts[parts.length - 3]);
  const host = parts.slice(1, parts.length - 3).join(':');
  if (engine !== 'postgres' && engine !== 'mysql') return undefined;
  if (!user || !database || !host || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  // The id comes back from CloudFormation: its names are validated like properties before any SQL.
  if (
    identifierProblem(user, MAX_LENGTH[engine].user) ||
    identifierProblem(database, MAX_LENGTH[engine].database)
  ) {
    return undefined;
  }
  return { engine, host, port, database, user };
}
