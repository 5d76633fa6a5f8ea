/**
 * The packaged (minified, split ES module) bundle behaves as the TypeScript does where
 * minification could change it: error classes keep their names (OpsError sets
 * `this.name = new.target.name`, and logs, retries and tests read it), and a stack trace names
 * the TypeScript file and line, which the Lambda runtime logs as the error's `trace`
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html). The mapping is
 * shared/lazy-source-maps.ts, which each entry point imports first: it reads the linked source
 * maps when a stack is first formatted, never at init, so the functions carry no
 * NODE_OPTIONS=--enable-source-maps (which parses every map at cold start).
 * The bundle runs in a child process, with the function's packaged environment only: the Lambda
 * runtime imports it as an ES module, as here.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packagedArtifacts, packagedEnvironment } from '../helpers/packaged-template';

const STAGE = 'local';
const ROOT = path.resolve(__dirname, '../..');
const FN_DIR = 'functions/deep-healthcheck';
const BAD_EVENT = { targets: 'not-a-list' };

let dir: string;
let recorder: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ops-sentinel-bundle-'));
  execFileSync('unzip', ['-q', path.join(packagedArtifacts(STAGE), 'deepHealthcheck.zip'), '-d', dir]);
  // Preloaded: records every source map read through node:fs (the mapper's reads), so the test
  // sees which maps were read during init and which on the first stack.
  recorder = path.join(dir, 'record-map-reads.cjs');
  writeFileSync(
    recorder,
    `const fs = require('node:fs');
     const read = fs.readFileSync;
     globalThis.mapsRead = [];
     fs.readFileSync = function (file, ...rest) {
       if (String(file).endsWith('.map')) globalThis.mapsRead.push(String(file));
       return read.call(this, file, ...rest);
     };
     require('node:module').syncBuiltinESMExports();`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  /** Where it threw: while loading the module (init) or in the handler. */
  phase: 'init' | 'invoke' | 'none';
  name?: string;
  ctor?: string;
  stack?: string;
  /** Source maps (file names) read before the handler was ready, and after the first stack. */
  mapsAtInit: string[];
  mapsAfterStack: string[];
  /** Whether Node's undici (its fetch client) was loaded by the end of init. */
  undiciAtInit?: boolean;
}

/** Imports the packaged handler and invokes it with `event`, with `env` over the packaged environment. */
function run(event: unknown, env: Record<string, string> = {}): Outcome {
  const file = path.join(dir, FN_DIR, 'handler.js');
  const script = `
    const names = () => globalThis.mapsRead.map((f) => f.split('/').pop());
    let undiciAtInit;
    const report = (phase, e, mapsAtInit) => {
      const stack = e?.stack; // formatted here, first
      console.log(JSON.stringify({ phase, name: e?.name, ctor: e?.constructor?.name, stack, mapsAtInit, mapsAfterStack: names(), undiciAtInit }));
    };
    let mod;
    try { mod = await import(${JSON.stringify(pathToFileURL(file).href)}); }
    catch (e) { report('init', e, []); process.exit(0); }
    const mapsAtInit = names();
    undiciAtInit = process.moduleLoadList.some((m) => m.includes('undici'));
    const context = { functionName: 'deepHealthcheck', awsRequestId: 'r', getRemainingTimeInMillis: () => 30000 };
    try { await mod.handler(${JSON.stringify(event)}, context); report('none', undefined, mapsAtInit); }
    catch (e) { report('invoke', e, mapsAtInit); }`;
  const out = execFileSync(process.execPath, ['--require', recorder, '--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      ...packagedEnvironment(STAGE, 'DeepHealthcheckLambdaFunction'),
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      ...env,
    },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Outcome;
}

/** 1-based line of the first line of `file` (from the repository root) containing `text`. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(path.join(ROOT, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`${text} not in ${file}`);
  return index + 1;
}

it('packages the handler as a minified ES module with a linked source map and no --enable-source-maps', () => {
  expect(JSON.parse(readFileSync(path.join(dir, FN_DIR, 'package.json'), 'utf8'))).toEqual({
    type: 'module',
  });
  expect(packagedEnvironment(STAGE, 'DeepHealthcheckLambdaFunction').NODE_OPTIONS).toBeUndefined();
  const src = readFileSync(path.join(dir, FN_DIR, 'handler.js'), 'utf8');
  expect(src).toMatch(/\/\/# sourceMappingURL=handler\.js\.map\s*$/);
  const map = JSON.parse(readFileSync(path.join(dir, FN_DIR, 'handler.js.map'), 'utf8')) as {
    sourcesContent?: unknown;
  };
  expect(map.sourcesContent).toBeUndefined();
  expect(existsSync(path.join(dir, FN_DIR, 'handler.ts'))).toBe(false);
});

it('keeps error class names after minification (new.target.name), in the logged trace too', () => {
  const r = run(BAD_EVENT);
  expect(r).toMatchObject({ phase: 'invoke', name: 'InvalidEventError', ctor: 'InvalidEventError' });
  expect(r.stack!.split('\n')[0]).toMatch(/^InvalidEventError: deepHealthcheck expects/);
});

it('names the TypeScript file and line in stack traces, reading the source maps on the first stack only', () => {
  const r = run(BAD_EVENT);
  const throwAt = lineOf(`${FN_DIR}/schema.ts`, 'throw new InvalidEventError(');
  const callAt = lineOf(`${FN_DIR}/handler.ts`, 'parseEvent(event)');
  expect(r.stack).toContain(`at parseEvent (${FN_DIR}/schema.ts:${throwAt}:`);
  expect(r.stack).toMatch(new RegExp(`at ${FN_DIR}/handler\\.ts:${callAt}:\\d+\\n`));
  // No frame left in the minified bundle.
  expect(r.stack).not.toMatch(/handler\.js:\d+|chunk-\w+\.js:\d+/);
  // Nothing read at init; the first stack read the maps of the files in it.
  expect(r.mapsAtInit).toEqual([]);
  expect(r.mapsAfterStack).toContain('handler.js.map');
});

// resources/lib/esbuild-plugins.js `node-http-via-require`: the probe's node:http, imported as an
// ES module, would load undici at init (Node 24's facade of node:http reads its WebSocket getter).
it('loads no undici at init (node:http through require)', () => {
  expect(run(BAD_EVENT).undiciAtInit).toBe(false);
});

it('maps an error thrown at init (bad configuration) to the handler line that loads the configuration', () => {
  const r = run(BAD_EVENT, { HEALTH_TARGETS: 'not json' });
  expect(r).toMatchObject({ phase: 'init', name: 'ConfigError', ctor: 'ConfigError' });
  expect(r.stack!.split('\n')[0]).toMatch(/^ConfigError: Invalid configuration: HEALTH_TARGETS/);
  const loadAt = lineOf(`${FN_DIR}/handler.ts`, 'loadConfig(');
  expect(r.stack).toMatch(new RegExp(`at ${FN_DIR}/handler\\.ts:${loadAt}:\\d+\\n`));
});

// The bundle sends deferred commands (shared/aws/lazy.ts `DeferredCommand`): the SDK command is
// built from the client chunk on the first send. Unbundled tests never take that path, so here the
// packaged queueDrift runs against a local endpoint that records each request's operation.
describe('packaged queueDrift against a recording endpoint', () => {
  let qdDir: string;
  beforeAll(() => {
    qdDir = mkdtempSync(path.join(os.tmpdir(), 'ops-sentinel-bundle-qd-'));
    execFileSync('unzip', ['-q', path.join(packagedArtifacts(STAGE), 'queueDrift.zip'), '-d', qdDir]);
  });
  afterAll(() => rmSync(qdDir, { recursive: true, force: true }));

  it('sends the SDK operations the adapters asked for, with their input, built on first send', async () => {
    const requests: Array<{ target: string; body: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        requests.push({ target: String(req.headers['x-amz-target'] ?? ''), body });
        res.setHeader('content-type', 'application/x-amz-json-1.0');
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const file = path.join(qdDir, 'functions/queue-drift/handler.js');
    const event = JSON.parse(
      readFileSync(path.join(ROOT, 'events/queue-drift/scheduled.json'), 'utf8'),
    ) as unknown;
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)});
      const context = { functionName: 'queueDrift', awsRequestId: 'r', getRemainingTimeInMillis: () => 30000 };
      const report = await handler(${JSON.stringify(event)}, context);
      const undici = process.moduleLoadList.some((m) => m.includes('undici'));
      console.log(JSON.stringify({ ok: true, undici, report }));`;
    try {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env: {
          PATH: process.env.PATH,
          ...packagedEnvironment(STAGE, 'QueueDriftLambdaFunction'),
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_ENDPOINT_URL: url,
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ code, err: err.slice(-2000) }).toEqual({ code: 0, err: expect.any(String) });
      expect(out).toContain('"ok":true');
      // The SDK's HTTP handler took node:http through require too: no undici on the first call.
      expect(out).toContain('"undici":false');
    } finally {
      server.close();
    }
    // The configured queue (local stage: celery) was looked up: a real GetQueueUrlCommand, serialised.
    const getUrl = requests.find((r) => r.target === 'AmazonSQS.GetQueueUrl');
    expect(getUrl).toBeDefined();
    expect(JSON.parse(getUrl!.body)).toEqual({ QueueName: 'celery' });
  });
});
