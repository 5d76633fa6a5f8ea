import { readFileSync } from 'node:fs';
import type { Connection as MysqlConnection } from 'mysql2/promise';
import { PermanentError, RetryableError } from '../errors';
import { registerSecret } from '../redact';

export type Engine = 'postgres' | 'mysql';

/**
 * TLS to the database. `verify-full` (default) checks the certificate chain and host name
 * against the runtime's trust store (the Lambda Node.js runtime includes the RDS CAs) or
 * `caBundlePath`; `require` encrypts without verifying; `disable` is for local test servers.
 * A connection never falls back from TLS to plaintext.
 */
export type SslMode = 'verify-full' | 'require' | 'disable';

export interface DbConnectOptions {
  engine: Engine;
  host: string;
  port: number;
  user: string;
  password?: string;
  database?: string;
  ssl?: SslMode;
  caBundlePath?: string;
  connectTimeoutMs?: number;
}

export interface DbConnection {
  readonly engine: Engine;
  /** Runs one statement with positional parameters (`$1` for postgres, `?` for mysql). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

const AUTH_CODES = new Set([
  '28P01',
  '28000',
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_NOT_SUPPORTED_AUTH_MODE',
]);
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  '57P03', // cannot_connect_now (database starting, e.g. Aurora Serverless resuming)
  '53300', // too_many_connections
  'ER_CON_COUNT_ERROR',
]);

function tlsOptions(opts: DbConnectOptions): false | { rejectUnauthorized: boolean; ca?: string } {
  const mode = opts.ssl ?? 'verify-full';
  if (mode === 'disable') return false;
  const ca = opts.caBundlePath ? readFileSync(opts.caBundlePath, 'utf8') : undefined;
  return { rejectUnauthorized: mode === 'verify-full', ...(ca ? { ca } : {}) };
}

/** Where and as whom, for error messages: never the password. */
export function describeTarget(
  opts: Pick<DbConnectOptions, 'engine' | 'host' | 'port' | 'user' | 'database'>,
): string {
  return `${opts.engine} ${opts.host}:${opts.port}${opts.database ? `/${opts.database}` : ''} as ${opts.user}`;
}

/** Turns a driver error into the project's error type, keeping its code and the real cause. */
export function toDbError(
  action: string,
  opts: DbConnectOptions,
  error: unknown,
): RetryableError | PermanentError {
  const e = error as { code?: string; errno?: number; message?: string };
  const code = e?.code ?? (e?.errno !== undefined ? String(e.errno) : undefined);
  const text = `${action} (${describeTarget(opts)}) failed${code ? ` [${code}]` : ''}: ${e?.message ?? String(error)}`;
  const timedOut = /timeout|timed out/i.test(e?.message ?? '');
  if (code && AUTH_CODES.has(code)) return new PermanentError(text, { cause: error });
  if ((code && TRANSIENT_CODES.has(code)) || timedOut) return new RetryableError(text, { cause: error });
  return new PermanentError(text, { cause: error });
}

/** Opens one connection. Errors name host, port, user and the driver's code, never the password. */
export async function connect(opts: DbConnectOptions): Promise<DbConnection> {
  registerSecret(opts.password);
  const timeout = opts.connectTimeoutMs ?? 10_000;
  const ssl = tlsOptions(opts);
  if (opts.engine === 'postgres') {
    // Drivers load on first use: a function that talks to one engine never pays for the other's
    // module initialisation at cold start.
    const { Client: PgClient } = await import('pg');
    const client = new PgClient({
      host: opts.host,
      port: opts.port,
      user: opts.user,
      password: opts.password,
      database: opts.database ?? 'postgres',
      ssl,
      connectionTimeoutMillis: timeout,
      query_timeout: Math.max(timeout, 30_000),
    });
    // An idle client that loses its socket emits 'error'; without a listener that would crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw toDbError('connect', opts, error);
    }
    return {
      engine: 'postgres',
      async query<T>(sql: string, params: unknown[] = []) {
        try {
          const result = await client.query(sql, params);
          return result.rows as T[];
        } catch (error) {
          throw toDbError('query', opts, error);
        }
      },
      close: () => client.end().catch(() => undefined),
    };
  }
  let conn: MysqlConnection;
  try {
    const mysql = await import('mysql2/promise');
    conn = await mysql.createConnection({
      host: opts.host,
      port: opts.port,
      user: opts.user,
      password: opts.password,
      database: opts.database,
      ssl: ssl === false ? undefined : ssl,
      connectTimeout: timeout,
      multipleStatements: false,
    });
  } catch (error) {
    throw toDbError('connect', opts, error);
  }
  conn.on('error', () => undefined);
  return {
    engine: 'mysql',
    async query<T>(sql: string, params: unknown[] = []) {
      try {
        const [rows] = await conn.query(sql, params);
        return (Array.isArray(rows) ? rows : []) as T[];
      } catch (error) {
        throw toDbError('query', opts, error);
      }
    },
    close: () => conn.end().catch(() => undefined),
  };
}

/** Runs `fn` with a connection and always closes it. */
export async function withConnection<T>(
  opts: DbConnectOptions,
  fn: (db: DbConnection) => Promise<T>,
): Promise<T> {
  const db = await connect(opts);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
