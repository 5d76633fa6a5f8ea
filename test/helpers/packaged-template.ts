/**
 * The CloudFormation template `serverless package --stage X` produces, packaged once per stage
 * and kept under .tmp/packaged/<digest of the packaging inputs>/: every jest worker, later jest
 * runs and `npm run nag` (which CI runs just before the tests) reuse it while serverless.yml,
 * resources/, functions/, shared/ and the lockfile are unchanged. Packaging runs under one lock
 * (never two at once); workers wanting a stage wait for its file.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

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

/** What `serverless package` reads from the project (tests, docs and scripts are not among it). */
const PACKAGING_INPUTS = [
  'serverless.yml',
  'package-lock.json',
  'tsconfig.json',
  'resources',
  'functions',
  'shared',
];

/** Digest of the packaging inputs: every file under them (path and content). */
export function packagingDigest(): string {
  const files = PACKAGING_INPUTS.flatMap((input) => {
    const full = path.join(ROOT, input);
    if (!existsSync(full)) return [];
    if (!statSync(full).isDirectory()) return [input];
    return readdirSync(full, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
  }).sort();
  const hash = createHash('sha256');
  for (const f of files)
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(path.join(ROOT, f)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** The lock outlives a process killed while packaging (the directory is shared by every run). */
function holderIsGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    return false; // just taken, pid not written yet
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function packagedTemplate(stage: string): PackagedTemplate {
  const base = path.join(ROOT, '.tmp/packaged', packagingDigest());
  mkdirSync(base, { recursive: true });
  const file = path.join(base, `template-${stage}.json`);
  // One lock for every stage: two `serverless package` runs in the same project share the
  // `.esbuild` work directory and can hang or clobber each other's bundles.
  const lock = path.join(ROOT, '.tmp/packaged/serverless-package.lock');
  const deadline = Date.now() + 300_000;
  while (!existsSync(file)) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
    } catch {
      if (holderIsGone(lock)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for another process to package stage ${stage} (lock ${lock})`);
      sleep(250);
      continue;
    }
    const out = path.join(base, `package-${stage}`);
    try {
      if (!existsSync(file)) {
        packageInto(stage, out);
        // Written whole, then renamed: a reader never sees half a template.
        writeFileSync(
          `${file}.partial`,
          readFileSync(path.join(out, 'cloudformation-template-update-stack.json')),
        );
        renameSync(`${file}.partial`, file);
      }
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
  const lock = path.join(ROOT, '.tmp/packaged/serverless-package.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
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
