/**
 * The packaged (minified, split ES module) bundle behaves as the TypeScript does where
 * minification could change it: error classes keep their names (OpsError sets
 * `this.name = new.target.name`, and logs, retries and tests read it), and with the linked
 * source maps and NODE_OPTIONS=--enable-source-maps the function's environment carries, a stack
 * trace names the TypeScript file and line. Lambda passes NODE_OPTIONS to the runtime process:
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html (source maps in traces) and
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html (reserved/honoured variables).
 * The bundle runs in a child process: the Lambda runtime imports it as an ES module, as here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packagedArtifacts, packagedEnvironment } from '../helpers/packaged-template';

const STAGE = 'local';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ops-sentinel-bundle-'));
  execFileSync('unzip', ['-q', path.join(packagedArtifacts(STAGE), 'deepHealthcheck.zip'), '-d', dir]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Invokes the packaged handler with `event`; returns what it threw. */
function thrownBy(event: unknown, nodeOptions: string) {
  const file = path.join(dir, 'functions/deep-healthcheck/handler.js');
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)});
    const context = { functionName: 'deepHealthcheck', awsRequestId: 'r', getRemainingTimeInMillis: () => 30000 };
    try { await handler(${JSON.stringify(event)}, context); console.log(JSON.stringify({ threw: false })); }
    catch (e) { console.log(JSON.stringify({ threw: true, name: e.name, ctor: e.constructor.name, stack: e.stack })); }`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      ...packagedEnvironment(STAGE, 'DeepHealthcheckLambdaFunction'),
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      NODE_OPTIONS: nodeOptions,
    },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as {
    threw: boolean;
    name?: string;
    ctor?: string;
    stack?: string;
  };
}

it('packages the handler as a minified ES module with a linked source map', () => {
  expect(JSON.parse(readFileSync(path.join(dir, 'functions/deep-healthcheck/package.json'), 'utf8'))).toEqual(
    {
      type: 'module',
    },
  );
  expect(packagedEnvironment(STAGE, 'DeepHealthcheckLambdaFunction').NODE_OPTIONS).toBe(
    '--enable-source-maps',
  );
  const src = execFileSync('tail', ['-c', '200', path.join(dir, 'functions/deep-healthcheck/handler.js')], {
    encoding: 'utf8',
  });
  expect(src).toMatch(/\/\/# sourceMappingURL=handler\.js\.map\s*$/);
});

it('keeps error class names after minification (new.target.name)', () => {
  const r = thrownBy({ targets: 'not-a-list' }, '--enable-source-maps');
  expect(r).toMatchObject({ threw: true, name: 'InvalidEventError', ctor: 'InvalidEventError' });
});

it('names the TypeScript file and line in stack traces with the function environment', () => {
  const r = thrownBy({ targets: 'not-a-list' }, '--enable-source-maps');
  expect(r.stack).toMatch(/functions\/deep-healthcheck\/handler\.ts:\d+:\d+/);
  // Without source maps the same trace points into the minified bundle: the maps do the work.
  const bare = thrownBy({ targets: 'not-a-list' }, '');
  expect(bare.stack).not.toMatch(/handler\.ts:\d+/);
  expect(bare.stack).toMatch(/handler\.js:\d+:\d+/);
});
