/**
 * Cold start of every packaged function, as a whole process: the zip `serverless package --stage
 * prod` produces is unpacked and `node -e "require(<handler>)"` (an ES module: `import()`, as the
 * Lambda runtime does) is timed against `node -e ""`, in interleaved pairs (the order inside a
 * pair alternates), each with the function's prod environment from the packaged template. The
 * peer custom resource for database users, cdk-rds-sql's prebuilt handler (a pinned
 * devDependency, SDK clients from node_modules as the Lambda runtime provides them), runs in the
 * same loop. Separate runs of bench/cold-start-probe.mjs give the code loaded at init, peak RSS
 * and the first invocation (init + one call with a sample event against local stubs).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { packagedArtifacts, type PackagedTemplate } from '../scripts/lib/packaged';
import { packagedTemplate } from '../scripts/lib/packaged';
import { median, round } from './stats';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, '.tmp', 'bench', 'cold');
const NODE = process.execPath;
const STAGE = 'prod';

export interface Subject {
  name: string;
  /** Absolute path of the handler module and its export. */
  file: string;
  exportName: string;
  env: Record<string, string>;
  zipKB?: number;
  /** Sample event for the first invocation. */
  event?: string;
}

/** What the Lambda runtime sets in every function's environment (values are placeholders). */
function lambdaEnv(name: string, memory: number): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    TZ: ':UTC',
  };
}

/** A template value as it would be after deploy: pseudo parameters filled, references named. */
function resolve(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  const sub = v['Fn::Sub'];
  if (typeof sub === 'string')
    return sub
      .replaceAll('${AWS::Region}', 'us-east-1')
      .replaceAll('${AWS::AccountId}', '123456789012')
      .replaceAll('${AWS::Partition}', 'aws');
  const ref = typeof v.Ref === 'string' ? v.Ref : key.toLowerCase();
  return key.endsWith('_ARN')
    ? `arn:aws:sns:us-east-1:123456789012:ops-sentinel-${STAGE}-${ref}`
    : `ops-sentinel-${STAGE}-${ref}`;
}

function firstEvent(dir: string): string | undefined {
  const full = path.join(ROOT, 'events', dir);
  if (!existsSync(full)) return undefined;
  const files = readdirSync(full)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files[0] ? path.join(full, files[0]) : undefined;
}

/** Every function in the packaged prod template, unpacked from its own zip. */
export function packagedSubjects(): Subject[] {
  const dir = packagedArtifacts(STAGE);
  const template: PackagedTemplate = packagedTemplate(STAGE);
  rmSync(OUT, { recursive: true, force: true });
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.FunctionName)
    .map((r) => {
      const p = r.Properties as {
        FunctionName: string;
        Handler: string;
        MemorySize?: number;
        Code: { S3Key: string };
        Environment?: { Variables: Record<string, unknown> };
      };
      const name = p.FunctionName.split('-').pop()!;
      const zip = path.join(dir, path.basename(p.Code.S3Key));
      const unpacked = path.join(OUT, name);
      mkdirSync(unpacked, { recursive: true });
      spawnSync('unzip', ['-q', '-o', zip, '-d', unpacked], { stdio: 'inherit' });
      const base = p.Handler.slice(0, p.Handler.lastIndexOf('.'));
      const file = ['.mjs', '.js', '.cjs'].map((ext) => path.join(unpacked, base + ext)).find(existsSync);
      if (!file) throw new Error(`${name}: no ${base}.{mjs,js,cjs} in ${zip}`);
      const env = Object.fromEntries(
        Object.entries(p.Environment?.Variables ?? {}).map(([k, v]) => [k, resolve(k, v)]),
      );
      return {
        name,
        file,
        exportName: p.Handler.split('.').pop()!,
        env: { ...lambdaEnv(p.FunctionName, p.MemorySize ?? 256), ...env },
        zipKB: round(Number(spawnSync('stat', ['-c', '%s', zip], { encoding: 'utf8' }).stdout) / 1024, 0),
        event: firstEvent(path.basename(path.dirname(base))),
      };
    });
}

/** cdk-rds-sql 8.1.4's prebuilt Lambda handler, as its Provider deploys it. */
export function cdkRdsSqlSubject(): Subject {
  return {
    name: 'cdk-rds-sql 8.1.4 (peer)',
    file: require.resolve('cdk-rds-sql/lib/handler/index.js'),
    exportName: 'handler',
    env: { ...lambdaEnv('cdk-rds-sql', 256), NODE_OPTIONS: '--enable-source-maps' },
  };
}

/** An ES module as Node and the Lambda runtime see it: .mjs, or .js under a package.json of type module. */
export function isEsm(file: string): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg))
      return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type === 'module';
  }
  return false;
}

function loadArgs(s: Subject): string[] {
  return isEsm(s.file)
    ? ['-e', `import(${JSON.stringify(`file://${s.file}`)})`]
    : ['-e', `require(${JSON.stringify(s.file)})`];
}

function wallMs(args: string[], env: Record<string, string>, cwd: string): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(NODE, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

interface ProbeResult {
  initFiles: Array<{ file: string; bytes: number }>;
  lateFiles: Array<{ file: string; bytes: number }>;
  initMs: number;
  firstCallMs: number | null;
  outcome: string | null;
  maxRssKB: number;
}

export function probe(s: Subject, opts: { record: boolean; stub?: string }): Promise<ProbeResult> {
  const args = [path.join(__dirname, 'cold-start-probe.mjs'), s.file, s.exportName];
  args.push(isEsm(s.file) ? 'esm' : 'cjs');
  if (s.event) args.push(s.event);
  const env = {
    ...s.env,
    ...(opts.record ? { COLD_PROBE_RECORD: '1' } : {}),
    ...(opts.stub ? { COLD_PROBE_STUB: opts.stub, AWS_ENDPOINT_URL: opts.stub } : {}),
  };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(NODE, args, { env, cwd: path.dirname(s.file), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', () => {
      const line = err.split('\n').find((l) => l.startsWith('@@probe '));
      if (!line) return reject(new Error(`${s.name}: probe printed no result: ${err.slice(-2000)}`));
      resolvePromise(JSON.parse(line.slice('@@probe '.length)) as ProbeResult);
    });
  });
}

/**
 * Local stand-ins for the AWS APIs and the CloudFormation response URL: JSON protocols get `{}`,
 * query protocols an empty `<Action>Result`, CBOR and REST calls an empty 200; GetSecretValue a
 * local PostgreSQL master secret. The first call is then as far along its path as a stub allows.
 */
export function startStubs(): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target) {
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        if (target.endsWith('.GetSecretValue'))
          return res.end(
            JSON.stringify({
              ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-bench',
              Name: 'rds!db-bench',
              VersionId: 'v1',
              SecretString: JSON.stringify({
                engine: 'postgres',
                host: '127.0.0.1',
                port: 5432,
                username: 'postgres',
                password: '',
              }),
            }),
          );
        return res.end('{}');
      }
      const action = new URLSearchParams(body).get('Action');
      if (action) {
        res.setHeader('content-type', 'text/xml');
        return res.end(
          `<${action}Response><${action}Result></${action}Result><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></${action}Response>`,
        );
      }
      res.end();
    });
  });
  return new Promise((resolvePromise) =>
    server.listen(0, '127.0.0.1', () =>
      resolvePromise({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => server.close(),
      }),
    ),
  );
}

export type ColdStartRow = {
  function: string;
  'zip KB': number | string;
  'init KB': number;
  'init ms': number;
  '× empty node': string;
  'peak RSS MB': number;
  'first invocation ms': number | string;
  'first call': string;
};

/** `pairs` interleaved (empty, function) pairs per function; ratios are medians of per-pair ratios. */
export async function measureColdStarts(pairs: number): Promise<{
  emptyMs: number;
  pairs: number;
  rows: ColdStartRow[];
  lateKB: Record<string, number>;
}> {
  const subjects = [...packagedSubjects(), cdkRdsSqlSubject()];
  const empty = ['-e', ''];
  const emptyEnv = lambdaEnv('empty', 256);
  const times = new Map<string, { fn: number[]; empty: number[] }>(
    subjects.map((s) => [s.name, { fn: [], empty: [] }]),
  );
  // Warm the file cache once.
  for (const s of subjects) wallMs(loadArgs(s), s.env, path.dirname(s.file));
  for (let i = 0; i < pairs; i++) {
    for (const s of subjects) {
      const t = times.get(s.name)!;
      const run = () => t.fn.push(wallMs(loadArgs(s), s.env, path.dirname(s.file)));
      const base = () => t.empty.push(wallMs(empty, emptyEnv, path.dirname(s.file)));
      if (i % 2) {
        run();
        base();
      } else {
        base();
        run();
      }
    }
  }
  const stubs = await startStubs();
  const rows: ColdStartRow[] = [];
  const lateKB: Record<string, number> = {};
  try {
    for (const s of subjects) {
      const recorded = await probe(s, { record: true, stub: stubs.url });
      const timed: ProbeResult[] = [];
      for (let i = 0; i < Math.max(1, Math.min(5, Math.floor(pairs / 4))); i++)
        timed.push(await probe(s, { record: false, stub: stubs.url }));
      const t = times.get(s.name)!;
      const ratios = t.fn.map((ms, i) => ms / t.empty[i]!);
      const kb = (files: Array<{ bytes: number }>) => round(files.reduce((a, f) => a + f.bytes, 0) / 1024, 0);
      lateKB[s.name] = kb(recorded.lateFiles);
      rows.push({
        function: s.name,
        'zip KB': s.zipKB ?? '—',
        'init KB': kb(recorded.initFiles.filter((f) => !f.file.endsWith('cold-start-probe.mjs'))),
        'init ms': round(median(t.fn) - median(t.empty), 0),
        '× empty node': `${round(median(ratios), 2)}`,
        'peak RSS MB': round(median(timed.map((r) => r.maxRssKB)) / 1024, 1),
        'first invocation ms': s.event ? round(median(timed.map((r) => r.firstCallMs ?? NaN)), 0) : '—',
        'first call': s.event ? `${path.basename(s.event)}: ${recorded.outcome}` : '—',
      });
    }
  } finally {
    stubs.close();
  }
  const allEmpty = [...times.values()].flatMap((t) => t.empty);
  return { emptyMs: round(median(allEmpty), 1), pairs, rows, lateKB };
}
