import type { DbConnection } from '../../shared/db/driver';
import { PermanentError } from '../../shared/errors';

/**
 * The port the user manager runs SQL through. Lookups always run; changes run, or in dry run are
 * only recorded. Every change is recorded either way, so the result can say what was done.
 */
export interface SqlSession {
  readonly dryRun: boolean;
  read<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  change(sql: string): Promise<void>;
  /** Runs `fn` in one transaction where the engine has transactional DDL (PostgreSQL). */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Changes made (or, in dry run, that would have been made), in order. */
  readonly changes: readonly string[];
}

export interface SessionOptions {
  dryRun: boolean;
  /** Aborted when the invocation has already answered CloudFormation (deadline): stop changing things. */
  signal?: AbortSignal;
}

export function sqlSession(db: DbConnection, options: SessionOptions): SqlSession {
  const changes: string[] = [];
  const guard = () => {
    if (options.signal?.aborted) {
      throw new PermanentError(
        'Stopped: the response was already sent (deadline reached); no further change made',
      );
    }
  };
  return {
    dryRun: options.dryRun,
    changes,
    async read<T>(sql: string) {
      guard();
      return db.query<T>(sql);
    },
    async change(sql: string) {
      guard();
      if (!options.dryRun) await db.query(sql);
      changes.push(sql);
    },
    async transaction<T>(fn: () => Promise<T>) {
      if (options.dryRun || db.engine !== 'postgres') return fn();
      guard();
      await db.query('BEGIN');
      try {
        const result = await fn();
        await db.query('COMMIT');
        return result;
      } catch (error) {
        await db.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
  };
}
