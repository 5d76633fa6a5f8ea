/**
 * Deep healthcheck with 100 HTTPS targets: every probe at once (the old behaviour) against the
 * bounded concurrency of `runDeepHealthcheck` (PROBE_CONCURRENCY, default 8), as the probe itself
 * measures latency. The targets are 100 local TLS servers in a separate process; each mode runs in
 * a fresh Node process (interleaved runs). Lambda gives a 256 MB function about 256/1769 of a vCPU
 * (CPU in proportion to memory); when this machine lets us (root, cgroup v1 or v2), the probing
 * process gets the same share through a CFS CPU quota, else it runs unthrottled and says so.
 *
 * Child mode: `tsx bench/probe-concurrency.ts --child` reads its job from PROBE_BENCH_JOB.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { runDeepHealthcheck } from '../functions/deep-healthcheck/core';
import { probeTarget } from '../shared/health/probe';
import { HealthTargetSchema } from '../shared/health/target';
import { median, round } from './stats';

const TARGETS = 100;
const LAMBDA_256MB_CPU = 256 / 1769;
const BOUNDED = 8;
const ROOT = path.resolve(__dirname, '..');

interface Job {
  ports: number[];
  caPem: string;
  concurrency?: number;
}

interface ChildResult {
  latencies: number[];
  slow: number;
  failed: number;
  wallMs: number;
}

/** 100 HTTPS servers answering like django-health-check, in their own process (not throttled). */
const SERVER_SCRIPT = `
const https = require('node:https');
const { key, cert, count } = JSON.parse(process.env.PROBE_BENCH_SERVERS);
const body = JSON.stringify({ DatabaseBackend: 'working', 'Cache backend: default': 'working' });
const ports = [];
let ready = 0;
for (let i = 0; i < count; i++) {
  const server = https.createServer({ key, cert }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    ports[i] = server.address().port;
    if (++ready === count) console.log(JSON.stringify(ports));
  });
}
`;

function makeCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ops-sentinel-bench-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return {
      key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startServers(key: string, cert: string) {
  const child = spawn(process.execPath, ['-e', SERVER_SCRIPT], {
    env: { PATH: process.env.PATH, PROBE_BENCH_SERVERS: JSON.stringify({ key, cert, count: TARGETS }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`TLS servers exited with ${code}`)));
  });
  return { ports: JSON.parse(line) as number[], stop: () => child.kill('SIGTERM') };
}

/** A cgroup with the CPU quota of a 256 MB Lambda, or undefined when this machine does not allow it. */
function throttleGroup(): { procs: string; remove: () => void } | undefined {
  const quota = Math.round(LAMBDA_256MB_CPU * 100_000);
  const candidates = [
    {
      dir: '/sys/fs/cgroup/cpu',
      write: (d: string) => writeFileSync(path.join(d, 'cpu.cfs_quota_us'), String(quota)),
    },
    {
      dir: '/sys/fs/cgroup',
      write: (d: string) => writeFileSync(path.join(d, 'cpu.max'), `${quota} 100000`),
    },
  ];
  for (const c of candidates) {
    if (!existsSync(path.join(c.dir, 'cgroup.procs'))) continue;
    const dir = path.join(c.dir, `ops-sentinel-bench-${process.pid}`);
    try {
      mkdirSync(dir);
      c.write(dir);
      return { procs: path.join(dir, 'cgroup.procs'), remove: () => rmdirSync(dir) };
    } catch {
      try {
        rmdirSync(dir);
      } catch {
        // not created
      }
    }
  }
  return undefined;
}

function runChild(job: Job, cgroupProcs: string | undefined): ChildResult {
  const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
  const command = `${cgroupProcs ? `echo $$ > ${cgroupProcs} && ` : ''}exec "${tsx}" bench/probe-concurrency.ts --child`;
  const out = execFileSync('sh', ['-c', command], {
    cwd: ROOT,
    env: { ...process.env, PROBE_BENCH_JOB: JSON.stringify(job), POWERTOOLS_DEV: '' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 120_000,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

/** In the child: one deepHealthcheck run over every target, as the Lambda does it. */
async function child(): Promise<void> {
  const job = JSON.parse(process.env.PROBE_BENCH_JOB ?? '{}') as Job;
  const targets = job.ports.map((port, i) =>
    HealthTargetSchema.parse({
      name: `tls-${i}`,
      url: `https://127.0.0.1:${port}/ht/`,
      caCertificate: job.caPem,
    }),
  );
  // Warm up (module loading, first handshake) outside the measurement, as a warm Lambda would be.
  for (const t of targets.slice(0, 3)) await probeTarget(t);
  const started = performance.now();
  const out = await runDeepHealthcheck(
    { deadlineMs: Date.now() + 25_000, ...(job.concurrency ? { concurrency: job.concurrency } : {}) },
    {
      probe: probeTarget,
      // The bench targets have no token; metrics are not published (only the latencies matter).
      tokens: { get: async () => undefined, invalidate: () => undefined },
      report: () => undefined,
      now: Date.now,
    },
    targets,
  );
  const wallMs = performance.now() - started;
  const result: ChildResult = {
    latencies: out.results.map((r) => r.latencyMs),
    slow: out.results.filter((r) => r.reason === 'slow').length,
    failed: out.results.filter((r) => !r.healthy).length,
    wallMs,
  };
  console.log(JSON.stringify(result));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export async function measureProbeConcurrency(runs: number) {
  const { key, cert } = makeCertificate();
  const servers = await startServers(key, cert);
  const group = throttleGroup();
  const modes: Array<[string, number | undefined]> = [
    [`all ${TARGETS} at once`, undefined],
    [`${BOUNDED} at once (PROBE_CONCURRENCY default)`, BOUNDED],
  ];
  const samples = new Map<string, ChildResult[]>(modes.map(([label]) => [label, []]));
  try {
    for (let run = 0; run < runs; run++) {
      // Interleaved, and the order alternates so neither mode always runs on a warmer machine.
      const order = run % 2 ? [...modes].reverse() : modes;
      for (const [label, concurrency] of order) {
        samples
          .get(label)!
          .push(
            runChild(
              { ports: servers.ports, caPem: cert, ...(concurrency ? { concurrency } : {}) },
              group?.procs,
            ),
          );
      }
    }
  } finally {
    servers.stop();
    group?.remove();
  }
  const cpu = group
    ? `${Math.round(LAMBDA_256MB_CPU * 100)} % of a CPU (cgroup quota, as a 256 MB Lambda)`
    : 'unthrottled (no cgroup quota available here: figures understate a 256 MB Lambda)';
  const rows = modes.map(([label]) => {
    const s = samples.get(label)!;
    return {
      probes: label,
      'p50 latency (ms)': round(median(s.map((r) => percentile(r.latencies, 50))), 0),
      'p90 latency (ms)': round(median(s.map((r) => percentile(r.latencies, 90))), 0),
      'max latency (ms)': round(median(s.map((r) => Math.max(...r.latencies))), 0),
      'over the 2 s budget': median(s.map((r) => r.slow)),
      'failed (any reason)': median(s.map((r) => r.failed)),
      'whole run (ms)': round(median(s.map((r) => r.wallMs)), 0),
    };
  });
  return { rows, cpu, runs };
}

if (process.argv.includes('--child')) {
  child().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
