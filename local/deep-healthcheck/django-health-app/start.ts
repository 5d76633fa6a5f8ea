/**
 * Starts the real django-health-check app (Debian's python3-django + python3-django-health-check,
 * run by /usr/bin/python3) on 127.0.0.1 in one of five states. Used by the deepHealthcheck
 * integration tests and by the local sandbox; no test-framework globals here.
 *
 *   const app = await startDjangoHealthApp({ mode: 'db-broken' });
 *   // probe `${app.url}?format=json`
 *   await app.stop();
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export type DjangoHealthAppMode =
  | 'healthy'
  | 'db-broken'
  | 'migrations-pending'
  | 'cache-broken'
  /** HTTP 200 with a `warning:` check (WARNINGS_AS_ERRORS off) and a failing non-critical check. */
  | 'degraded';

export interface DjangoHealthAppOptions {
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  mode: DjangoHealthAppMode;
  /** When set, /ht/ answers 401 unless sent `Authorization: Bearer <token>`. */
  token?: string;
  /** Python with Django and django-health-check (default /usr/bin/python3, not a pyenv shim). */
  python?: string;
  /** Milliseconds to wait for the app to listen (default 30 s). */
  startTimeoutMs?: number;
}

export interface DjangoHealthApp {
  /** The health endpoint, e.g. `http://127.0.0.1:41234/ht/` (add `?format=json` for JSON). */
  url: string;
  port: number;
  mode: DjangoHealthAppMode;
  /** Kills the Python process and deletes its temp directory. Safe to call twice. */
  stop(): Promise<void>;
}

const APP_DIR = __dirname;

export async function startDjangoHealthApp(options: DjangoHealthAppOptions): Promise<DjangoHealthApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `deep-healthcheck-django-${options.mode}-`));
  const child = spawn(options.python ?? '/usr/bin/python3', [path.join(APP_DIR, 'serve.py')], {
    cwd: APP_DIR,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
      HEALTH_APP_DATA_DIR: dataDir,
      HEALTH_APP_MODE: options.mode,
      HEALTH_APP_PORT: String(options.port ?? 0),
      ...(options.token ? { HEALTH_CHECK_TOKEN: options.token } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(forced);
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `django health app did not start within ${options.startTimeoutMs ?? 30_000} ms: ${stderr}`,
            ),
          ),
        options.startTimeoutMs ?? 30_000,
      );
      const lines = createInterface({ input: child.stdout });
      lines.once('line', (line) => {
        clearTimeout(timer);
        try {
          resolve((JSON.parse(line) as { port: number }).port);
        } catch {
          reject(new Error(`django health app printed "${line}" instead of its port`));
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${options.python ?? '/usr/bin/python3'}: ${error.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`django health app exited with code ${code} before listening: ${stderr}`));
      });
    });
    return { url: `http://127.0.0.1:${port}/ht/`, port, mode: options.mode, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
