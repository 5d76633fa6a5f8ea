/**
 * The database functions load no database driver at cold start: pg and mysql2 come in
 * on the first connection only, so a PostgreSQL deployment never compiles mysql2 and vice versa;
 * and no SDK code either (the clients and their commands come in on the first send).
 * Each packaged handler is imported in a fresh Node process by the bench's probe, which records
 * every file loaded during init; the source map beside each file says which packages it holds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packagedArtifacts, packagedEnvironment } from '../helpers/packaged-template';

const STAGE = 'local';
const PROBE = path.resolve(__dirname, '../../bench/cold-start-probe.mjs');
// The drivers' connection and protocol code. Their escaping (pg/lib/utils with pg-types, and
// sql-escaper, which mysql2 re-exports) is small and allowed: the dialects quote with it.
const DRIVER = /node_modules\/(pg\/lib\/(client|connection|index)\.js|pg-protocol\/|pg-pool\/|mysql2\/)/;

const cases = [
  { fn: 'dbIamUser', logicalId: 'DbIamUserLambdaFunction', handler: 'functions/db-iam-user/handler.js' },
  {
    fn: 'rotateSecret',
    logicalId: 'RotateSecretLambdaFunction',
    handler: 'functions/rotate-secret/handler.js',
  },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ops-sentinel-nodriver-'));
  for (const c of cases)
    execFileSync('unzip', ['-q', '-o', path.join(packagedArtifacts(STAGE), `${c.fn}.zip`), '-d', dir]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The source files (from their source maps) of what is loaded during init. */
function sourcesAtInit(logicalId: string, handler: string): { files: number; sources: string[] } {
  const run = spawnSync(process.execPath, [PROBE, path.join(dir, handler), 'handler', 'esm'], {
    env: {
      PATH: process.env.PATH,
      ...packagedEnvironment(STAGE, logicalId),
      AWS_REGION: 'us-east-1',
      COLD_PROBE_RECORD: '1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    encoding: 'utf8',
  });
  const line = run.stderr.split('\n').find((l) => l.startsWith('@@probe '));
  if (!line) throw new Error(`probe printed no result: ${run.stderr.slice(-500)}`);
  const { initFiles } = JSON.parse(line.slice('@@probe '.length)) as { initFiles: { file: string }[] };
  const bundled = initFiles.filter((f) => f.file.startsWith(dir));
  const sources = bundled.flatMap(({ file }) =>
    existsSync(`${file}.map`)
      ? (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources
      : [],
  );
  return { files: bundled.length, sources };
}

it.each(cases)('$fn loads neither pg nor mysql2 at init', ({ logicalId, handler }) => {
  const { files, sources } = sourcesAtInit(logicalId, handler);
  // The probe saw the bundle (a handler and its chunks) and the maps name what it does load.
  expect(files).toBeGreaterThan(1);
  expect(sources.some((s) => s.includes('node_modules/@aws-lambda-powertools/'))).toBe(true);
  expect(sources.filter((s) => DRIVER.test(s))).toEqual([]);
});

// No SDK code at init (as the five other functions): the adapters take their commands from
// shared/aws/commands/ (deferred in the bundle) and the clients are lazy (shared/aws/lazy.ts), so
// neither a client, a command schema (RDS's alone is 94 KB) nor the SDK core (@smithy/core) is
// read before the first send.
it.each(cases)('$fn loads no SDK client, command or core at init', ({ logicalId, handler }) => {
  const { files, sources } = sourcesAtInit(logicalId, handler);
  expect(files).toBeGreaterThan(1);
  expect(sources.some((s) => s.includes('node_modules/@aws-lambda-powertools/'))).toBe(true);
  expect(sources.filter((s) => /node_modules\/(@aws-sdk\/client-|@smithy\/core\/)/.test(s))).toEqual([]);
});
