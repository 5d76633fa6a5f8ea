/**
 * The CloudFormation template `serverless package --stage X` produces, packaged at most once per
 * jest run and shared by every test file (packaging takes seconds; several files need it).
 * Packaging runs under one lock (never two at once); workers wanting a stage wait for its file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runDir } from './leak-scan/paths';

const ROOT = path.resolve(__dirname, '../..');

export interface PackagedTemplate {
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; Condition?: string; DependsOn?: string | string[] }
  >;
  Outputs?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
}

function packageInto(stage: string, dir: string): void {
  execFileSync(
    path.join(ROOT, 'node_modules/.bin/serverless'),
    ['package', '--stage', stage, '--package', dir],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
        SLS_TELEMETRY_DISABLED: '1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
      },
      stdio: 'pipe',
      timeout: 300_000,
    },
  );
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function packagedTemplate(stage: 'prod' | 'dev' | 'local'): PackagedTemplate {
  const base = runDir();
  const file = path.join(base, `template-${stage}.json`);
  // One lock for every stage: two `serverless package` runs in the same project share the
  // `.esbuild` work directory and can hang or clobber each other's bundles.
  const lock = path.join(base, 'serverless-package.lock');
  const deadline = Date.now() + 300_000;
  while (!existsSync(file)) {
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for another worker to package stage ${stage}`);
      sleep(250);
      continue;
    }
    const out = path.join(base, `package-${stage}`);
    try {
      packageInto(stage, out);
      writeFileSync(file, readFileSync(path.join(out, 'cloudformation-template-update-stack.json')));
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return JSON.parse(readFileSync(file, 'utf8')) as PackagedTemplate;
}

/**
 * Runs `fn` (a synchronous `serverless` command, e.g. `invoke local`) under the packaging lock:
 * every serverless command of the project shares the `.esbuild` work directory.
 */
export function withServerlessLock<T>(fn: () => T): T {
  const lock = path.join(runDir(), 'serverless-package.lock');
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('timed out waiting for another worker running serverless');
      sleep(250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
