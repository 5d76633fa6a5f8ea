/**
 * What `serverless package --stage X` produces (the CloudFormation template and each function's
 * zip), packaged once per stage and kept under .tmp/packaged/<digest of the packaging inputs>/:
 * every jest worker, later jest runs, `npm run nag` (which CI runs just before the tests) and
 * `npm run bench` reuse it while serverless.yml, resources/, functions/, shared/ and the lockfile
 * are unchanged. Packaging runs under one lock (never two at once); workers wanting a stage wait
 * for its folder. Only the most recently used digests are kept (`pruneDigests`).
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
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const CACHE = path.join(ROOT, '.tmp/packaged');
/** Digest folders kept (each holds a few MB per stage packaged): the ones used last. */
const KEEP_DIGESTS = 3;
const TEMPLATE = 'cloudformation-template-update-stack.json';

export interface PackagedTemplate {
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; Condition?: string; DependsOn?: string | string[] }
  >;
  Outputs?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
}

/** The project's `serverless` binary. */
export const SERVERLESS_BIN = path.join(ROOT, 'node_modules/.bin/serverless');

/**
 * The environment a local `serverless` command runs in: this process's, the project's binaries on
 * PATH, telemetry off and placeholder credentials (nothing here reaches AWS); `overrides` win.
 */
export function serverlessEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
    SLS_TELEMETRY_DISABLED: '1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    ...overrides,
  };
}

function packageInto(stage: string, dir: string): void {
  execFileSync(SERVERLESS_BIN, ['package', '--stage', stage, '--package', dir], {
    cwd: ROOT,
    env: serverlessEnv({ AWS_REGION: 'us-east-1' }),
    stdio: 'pipe',
    timeout: 300_000,
  });
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

// One lock for every serverless command of the project: two runs share the `.esbuild` work
// directory and can hang or clobber each other's bundles.
const LOCK = path.join(CACHE, 'serverless-package.lock');

/** Takes the lock, waiting for its holder (one that died leaves it free), or throws at the deadline. */
function takeLock(what: string): void {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return;
    } catch {
      if (holderIsGone(LOCK)) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for another process to ${what} (lock ${LOCK})`);
      sleep(250);
    }
  }
}

function releaseLock(): void {
  rmSync(LOCK, { recursive: true, force: true });
}

/**
 * Runs `fn` (a synchronous `serverless` command, e.g. `invoke local`) under the packaging lock:
 * every serverless command of the project shares the `.esbuild` work directory.
 */
export function withServerlessLock<T>(fn: () => T): T {
  takeLock('run serverless');
  try {
    return fn();
  } finally {
    releaseLock();
  }
}

/**
 * Removes the digest folders under `cache` but the `keep` used last (a folder's mtime is its last
 * use: `packagedArtifacts` touches it), never `current`. Runs under the packaging lock, after a
 * new package was written; another worktree's cache is its own folder.
 */
export function pruneDigests(cache: string, current: string, keep = KEEP_DIGESTS): string[] {
  const digests = readdirSync(cache, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[0-9a-f]{16}$/.test(e.name))
    .map((e) => path.join(cache, e.name))
    .filter((dir) => dir !== current)
    .map((dir) => ({ dir, used: statSync(dir).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  const removed = digests.slice(Math.max(0, keep - 1)).map((d) => d.dir);
  for (const dir of removed) rmSync(dir, { recursive: true, force: true });
  return removed;
}

/** The folder `serverless package --stage <stage>` wrote: the template and one zip per function. */
export function packagedArtifacts(stage: string): string {
  const base = path.join(CACHE, packagingDigest());
  mkdirSync(base, { recursive: true });
  const now = new Date();
  utimesSync(base, now, now); // its last use, for pruneDigests
  const dir = path.join(base, `package-${stage}`);
  if (existsSync(path.join(dir, TEMPLATE))) return dir;
  takeLock(`package stage ${stage}`);
  const partial = `${dir}.partial`;
  try {
    if (!existsSync(path.join(dir, TEMPLATE))) {
      rmSync(partial, { recursive: true, force: true });
      packageInto(stage, partial);
      // Written whole, then renamed: a reader never sees half a package.
      rmSync(dir, { recursive: true, force: true });
      renameSync(partial, dir);
      pruneDigests(CACHE, base);
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
    releaseLock();
  }
  return dir;
}

export function packagedTemplate(stage: string): PackagedTemplate {
  return JSON.parse(readFileSync(path.join(packagedArtifacts(stage), TEMPLATE), 'utf8')) as PackagedTemplate;
}

/** The literal environment variables of a packaged function (intrinsics left out). */
export function packagedEnvironment(stage: string, logicalId: string): Record<string, string> {
  const vars = (
    packagedTemplate(stage).Resources[logicalId]?.Properties?.Environment as
      { Variables: Record<string, unknown> } | undefined
  )?.Variables;
  if (!vars) throw new Error(`no environment for ${logicalId} in the packaged ${stage} template`);
  return Object.fromEntries(
    Object.entries(vars).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}
