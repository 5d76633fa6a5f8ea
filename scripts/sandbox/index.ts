/**
 * `npm start`: ops-sentinel on local parts, no AWS account. Starts an SQS/SNS emulator, a
 * PostgreSQL, a django-health-check app with one failing component and a CloudFormation
 * ResponseURL server; runs each of the seven functions (its real handler in-process, or its core
 * with in-memory fakes where AWS state is needed that no local emulator holds); reads every
 * notification back from a queue subscribed to the SNS topic; prints the report; stops
 * everything it started, also on Ctrl-C.
 *
 *   npx tsx scripts/sandbox/index.ts [--json FILE] [--verbose]
 */
import './env';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { childPids, Cleanup, isRunning } from './cleanup';
import { dim, renderReport, say, type SandboxReport } from './report';
import { SCENARIOS } from './scenarios';
import type { SandboxContext, ScenarioReport } from './scenarios/types';
import { startLocalStack } from './stack';

const ROOT = path.resolve(__dirname, '../..');

export interface SandboxOptions {
  /** Also write the report as JSON to this file (the end-to-end test reads it). */
  jsonFile?: string;
  cleanup?: Cleanup;
}

export async function runSandbox(options: SandboxOptions = {}): Promise<SandboxReport> {
  const started = Date.now();
  const cleanup = options.cleanup ?? new Cleanup();
  const report: SandboxReport = {
    ok: false,
    totalMs: 0,
    parts: [],
    scenarios: [],
    childPids: [],
    stopFailures: [],
    notes: [],
  };
  const suffix = `${process.pid}`;
  say(`ops-sentinel sandbox ${dim(`(stage local, no AWS account; run ${suffix})`)}`);
  try {
    // 1. The local stack.
    const before = new Set(await childPids());
    const stack = await startLocalStack(cleanup, suffix);
    report.childPids = (await childPids()).filter((pid) => !before.has(pid));
    say(`  ${dim(`child processes: ${report.childPids.join(', ') || 'none'}`)}`);
    report.parts.push(...stack.parts);
    report.notes.push(...stack.notes);

    // 2. The seven functions, one after the other (each reads its own environment at load).
    const ctx: SandboxContext = {
      ...stack,
      root: ROOT,
      suffix,
      fullEmulator: process.env.AWS_ENDPOINT_URL || undefined,
      onCleanup: (name, stop) => cleanup.add(name, stop),
      progress: (line) => say(`      ${dim(line)}`),
    };
    await stack.inbox.drain(0);
    for (const scenario of SCENARIOS) {
      if (cleanup.isStopping) throw new Error('interrupted');
      report.scenarios.push(await runScenario(scenario, ctx));
    }
    if (report.scenarios.some((s) => s.notifications.some((n) => n.delivered === 'whole structure'))) {
      report.notes.push(
        'the emulator delivered the whole MessageStructure=json body to SQS (SNS delivers only its `default`): the sandbox read `default` out of it',
      );
    }
  } catch (error) {
    report.notes.push(`the sandbox stopped early: ${(error as Error).message}`);
  } finally {
    // 3. Stop everything, then make sure no child process is left.
    say('Stopping the local stack …');
    report.stopFailures = await cleanup.stopAll((line) => say(`  ${dim(line)}`));
    const survivors = report.childPids.filter(isRunning);
    if (survivors.length > 0) report.stopFailures.push(`processes still running: ${survivors.join(', ')}`);
  }
  report.totalMs = Date.now() - started;
  report.ok =
    report.scenarios.length === SCENARIOS.length &&
    report.scenarios.every((s) => s.ok) &&
    report.stopFailures.length === 0;
  for (const line of renderReport(report)) say(line);
  if (options.jsonFile) writeFileSync(options.jsonFile, JSON.stringify(report, null, 2));
  return report;
}

async function runScenario(
  scenario: (typeof SCENARIOS)[number],
  ctx: SandboxContext,
): Promise<ScenarioReport> {
  const started = Date.now();
  say(`Running ${scenario.fn} — ${scenario.title} …`);
  let report: ScenarioReport;
  try {
    const body = await scenario.run(ctx);
    report = {
      fn: scenario.fn,
      title: scenario.title,
      ...body,
      notifications: [],
      ok: body.verified.every((v) => v.ok),
      ms: 0,
    };
  } catch (error) {
    report = {
      fn: scenario.fn,
      title: scenario.title,
      via: '-',
      input: [],
      decided: [],
      did: [],
      wouldCall: [],
      verified: [],
      notifications: [],
      ok: false,
      error: (error as Error)?.message ?? String(error),
      ms: 0,
    };
  }
  report.notifications = await ctx.inbox.drain(report.noNotificationBecause ? 200 : 2_000);
  if (!report.noNotificationBecause && report.notifications.length === 0) {
    report.ok = false;
    report.error ??= 'no notification arrived through SNS → SQS';
  }
  report.ms = Date.now() - started;
  const headline = report.error ?? report.headline ?? report.decided[0] ?? '';
  say(`  ${report.ok ? '✔' : '✘'} ${scenario.fn}: ${headline}`.slice(0, 160));
  return report;
}

function parseArgs(argv: string[]): SandboxOptions {
  const i = argv.indexOf('--json');
  return i >= 0 && argv[i + 1] ? { jsonFile: path.resolve(argv[i + 1]!) } : {};
}

if (require.main === module) {
  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    say(`\n${signal}: stopping everything the sandbox started …`);
    void cleanup
      .stopAll((line) => say(`  ${dim(line)}`))
      .then((failed) => process.exit(failed.length ? 1 : 130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  runSandbox({ ...parseArgs(process.argv.slice(2)), cleanup }).then(
    (report) => process.exit(report.ok ? 0 : 1),
    (error) => {
      say(String(error));
      void cleanup.stopAll().then(() => process.exit(1));
    },
  );
}
