/**
 * Starts the fauxqs SQS/SNS emulator as a child process and stops it by pid. fauxqs is
 * ESM-only, so it cannot be imported from CommonJS (jest); its CLI is spawned instead.
 * No jest globals: the `npm start` sandbox and scripts use this too.
 *
 *   const fauxqs = await startFauxqs();          // free port chosen
 *   process.env.AWS_ENDPOINT_URL = fauxqs.endpoint;
 *   ...
 *   await fauxqs.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export interface Fauxqs {
  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL. */
  endpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** Milliseconds to wait for GET /health (default 15 s). */
  timeoutMs?: number;
  /** Print the emulator's request log (default false). */
  log?: boolean;
  /** Repository root holding node_modules/.bin/fauxqs (default: found from this file). */
  root?: string;
}

/** A port the OS considers free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function fauxqsBin(root?: string): string {
  const candidates = [
    ...(root ? [path.join(root, 'node_modules/.bin/fauxqs')] : []),
    path.resolve(__dirname, '../../node_modules/.bin/fauxqs'),
    path.resolve(process.cwd(), 'node_modules/.bin/fauxqs'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`fauxqs not installed (looked in ${candidates.join(', ')})`);
  return found;
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Spawns fauxqs, waits until GET /health answers 200, and returns how to reach and stop it. */
export async function startFauxqs(options: StartOptions = {}): Promise<Fauxqs> {
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  // The bin is a `#!/usr/bin/env node` script: run it with this process's node (v22 under npm).
  const child: ChildProcess = spawn(process.execPath, [fauxqsBin(options.root)], {
    env: { ...process.env, FAUXQS_PORT: String(port), FAUXQS_LOGGER: options.log ? 'true' : 'false' },
    stdio: options.log ? 'inherit' : ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2_000);
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });

  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (!(await healthy(endpoint))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(
        `fauxqs on port ${port} did not become healthy (${exited ?? 'timeout'}): ${stderr.trim()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, port, pid: child.pid!, stop };
}
