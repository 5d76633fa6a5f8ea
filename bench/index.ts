/**
 * `npm run bench`: cold starts, core throughput, time to act on stuck deployments, probe cost and
 * rotation time. Prints tables and writes bench/results/latest.json. Never fails on a number:
 * these machines are noisy. `--quick` runs everything once, briefly (CI uses it to keep it working).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureColdStarts } from './cold-start';
import { measureProbeConcurrency } from './probe-concurrency';
import { measureProbeCost } from './probe-cost';
import { measureRotation } from './rotation';
import { table } from './stats';
import { measureTaskStoppedSignals } from './task-stopped-signals';
import { measureThroughput } from './throughput';
import { measureTimeToAct } from './time-to-act';

const ROOT = path.resolve(__dirname, '..');
const quick = process.argv.includes('--quick');
const runs = quick ? 3 : 9;

async function main() {
  const started = Date.now();
  const header = [
    `# ops-sentinel benchmarks${quick ? ' (quick mode)' : ''}`,
    '',
    `Node ${process.version} · ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length} · ${os.platform()} ${os.arch()} · ${new Date().toISOString()}`,
    `Medians of ${runs} runs each. Command: npm run bench${quick ? ' -- --quick' : ''}`,
  ].join('\n');
  console.log(header);
  const results: Record<string, unknown> = { node: process.version, cpu: os.cpus()[0]?.model, quick, runs };
  const out: string[] = [header];
  const section = (title: string, rows: Array<Record<string, string | number>>) => {
    const text = table(title, rows);
    console.log(text);
    out.push(text);
  };

  process.stdout.write(
    '\n… cold starts (the packaged prod functions and cdk-rds-sql, interleaved with empty node)\n',
  );
  const cold = await measureColdStarts(quick ? 5 : 21);
  results.coldStart = cold;
  section(
    `Cold start, whole process: node -e "require(handler)" vs node -e "" (${cold.emptyMs} ms), medians of ${cold.pairs} interleaved pairs, prod environment`,
    cold.rows,
  );

  process.stdout.write('\n… core throughput\n');
  const throughput = measureThroughput(quick ? 200 : 2000);
  results.throughput = throughput;
  section('Throughput of the pure cores (one core, in-process)', throughput);

  const timeToAct = await measureTimeToAct();
  results.timeToAct = timeToAct;
  section('Time to act on a deployment, replayed timelines (minutes from deployment start)', timeToAct);

  const taskStoppedSignals = await measureTaskStoppedSignals();
  results.taskStoppedSignals = taskStoppedSignals;
  section('taskStopped signals, replayed ECS timelines (messages a person receives)', taskStoppedSignals);

  process.stdout.write('\n… probe overhead\n');
  const probe = await measureProbeCost(quick ? 5 : 50);
  results.probe = probe;
  section(
    "Deep healthcheck: the probe's own overhead beyond the target's latency (local server)",
    probe.overhead,
  );
  section('Deep healthcheck: monthly cost per target, every minute (prices in bench/pricing.ts)', probe.cost);

  process.stdout.write('\n… 100 HTTPS targets, all at once vs bounded\n');
  const concurrency = await measureProbeConcurrency(quick ? 1 : 5);
  results.probeConcurrency = concurrency;
  section(
    `Deep healthcheck: 100 local TLS targets, latency as the probe measures it (CPU: ${concurrency.cpu}; medians of ${concurrency.runs} run(s))`,
    concurrency.rows,
  );

  process.stdout.write('\n… rotation against the local PostgreSQL\n');
  try {
    const rotation = await measureRotation(quick ? 1 : 7);
    results.rotation = rotation;
    section('Secret rotation: alternating users, four steps, local PostgreSQL', rotation);
  } catch (error) {
    const message = `rotation not measured: ${(error as Error).message} (is PostgreSQL up on 127.0.0.1:5432?)`;
    console.log(`\n${message}`);
    results.rotation = { error: message };
  }

  const total = `\nTotal bench time: ${((Date.now() - started) / 1000).toFixed(1)} s`;
  console.log(total);
  out.push(total);
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    path.join(ROOT, 'bench', 'results', quick ? 'quick.json' : 'latest.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  writeFileSync(path.join(ROOT, 'bench', 'results', quick ? 'quick.md' : 'latest.md'), `${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
