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
import { dim, renderReport, say, timed, type SandboxReport } from './report';
import { SCENARIOS } from './scenarios';
import type { SandboxContext, ScenarioReport } from './scenarios/types';
import { startDatabase, startHealthTarget, startNotifications, startQueues, startResponseUrl } from './stack';

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
    // 1. Local parts, in parallel.
    say('Starting the local stack …');
    const before = new Set(await childPids());
    const [queues, postgres, health, responseUrl] = await Promise.all([
      timed(
        'SQS/SNS emulator',
        () => cleanup.track(startQueues(cleanup)),
        (q) => `${q.kind} at ${q.endpoint}`,
      ),
      timed(
        'PostgreSQL',
        () => cleanup.track(startDatabase(cleanup)),
        (pg) => `${pg.kind} on 127.0.0.1:${pg.port}`,
      ),
      timed(
        'health target',
        () => cleanup.track(startHealthTarget(cleanup)),
        (h) => `${h.kind} at ${h.url}`,
      ),
      timed(
        'CloudFormation ResponseURL',
        () => cleanup.track(startResponseUrl(cleanup)),
        (s) => s.url().split('/cloud')[0]!,
      ),
    ]);
    const inbox = await timed(
      'SNS topic + subscribed SQS queue',
      () => startNotifications(suffix),
      (i) => i.topicArn,
    );
    report.childPids = (await childPids()).filter((pid) => !before.has(pid));
    say(`  ${dim(`child processes: ${report.childPids.join(', ') || 'none'}`)}`);
    report.parts.push(
      { name: 'SQS/SNS', detail: `${queues.kind} at ${queues.endpoint}` },
      { name: 'notifications', detail: `SNS ${inbox.topicArn} → SQS ${inbox.queueUrl}` },
      { name: 'PostgreSQL', detail: `${postgres.kind} on 127.0.0.1:${postgres.port}` },
      { name: 'health target', detail: `${health.kind}: ${health.url} (cache component failing)` },
      { name: 'CFN ResponseURL', detail: responseUrl.url().split('?')[0]! },
      {
        name: 'other AWS APIs',
        detail: process.env.AWS_ENDPOINT_URL
          ? `DynamoDB on ${process.env.AWS_ENDPOINT_URL}; ECS, CloudWatch, Secrets Manager, CloudFormation: dry run + recorded state/in-memory fakes`
          : 'ECS, CloudWatch, Secrets Manager, CloudFormation, DynamoDB: dry run + recorded state/in-memory fakes',
      },
    );
    if (health.note)
      report.notes.push(`Django could not run (${health.note}): a Node stand-in serves the same JSON`);

    // 2. The seven functions, one after the other (each reads its own environment at load).
    const ctx: SandboxContext = {
      root: ROOT,
      suffix,
      inbox,
      fullEmulator: process.env.AWS_ENDPOINT_URL || undefined,
      postgres,
      health,
      responseUrl,
      onCleanup: (name, stop) => cleanup.add(name, stop),
      progress: (line) => say(`      ${dim(line)}`),
    };
    await inbox.drain(0);
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
