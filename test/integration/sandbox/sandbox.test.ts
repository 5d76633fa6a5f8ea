/**
 * `npm start` end to end: the sandbox runs as its own process (as a person runs it), writes its
 * report as JSON, and must leave nothing running. A second run is interrupted with SIGINT while
 * the functions run and must stop everything it started too.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SandboxReport } from '../../../scripts/sandbox/report';

const ROOT = path.resolve(__dirname, '../../..');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Spawns the sandbox with the environment a person has (no test-suite overrides, no AWS endpoint). */
function startSandbox(
  args: string[],
  onOutput?: (all: string, send: (s: NodeJS.Signals) => void) => void,
): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(env)) {
    if (key.startsWith('POWERTOOLS_') || key.startsWith('AWS_ENDPOINT_URL') || key === 'NOTIFY_TOPIC_ARN')
      delete env[key];
  }
  return new Promise((resolve, reject) => {
    // What `npm start` runs: one Node process with tsx's loader (the tsx CLI would add a parent
    // process that SIGKILLs a busy child 30 ms after relaying a signal, leaving its children behind).
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sandbox/index.ts', ...args], {
      cwd: ROOT,
      env,
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      onOutput?.(output, (s) => child.kill(s));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (scripts/sandbox)', () => {
  let dir: string;
  let run: Run;
  let report: SandboxReport;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sandbox-test-'));
    run = await startSandbox(['--json', path.join(dir, 'report.json')]);
    report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as SandboxReport;
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every one of the seven functions successfully and exits 0', () => {
    expect(report.scenarios.map((s) => [s.fn, s.ok, s.error])).toEqual(
      [
        'queueDrift',
        'deepHealthcheck',
        'healthAlarm',
        'taskStopped',
        'deploymentGuard',
        'dbIamUser',
        'rotateSecret',
      ].map((fn) => [fn, true, undefined]),
    );
    expect(run.code).toBe(0);
    expect(run.output).toContain('7/7 functions ran as expected');
  });

  it('finds the drifted Celery queue on the emulator and sets it back to the app value', () => {
    const drift = report.scenarios.find((s) => s.fn === 'queueDrift')!;
    expect(drift.decided.join('\n')).toMatch(
      /VisibilityTimeoutDrift \(critical\) on celery: VisibilityTimeout is 30 s but the app expects 360 s/,
    );
    expect(drift.did.join('\n')).toMatch(
      /remediation applied: sqs:SetQueueAttributes .*VisibilityTimeout=360/,
    );
    expect(drift.verified).toContainEqual({
      check: 'the queue was remediated (VisibilityTimeout now 360 on the emulator)',
      ok: true,
    });
  });

  it('delivers the notifications through SNS to the subscribed SQS queue as Amazon Q custom notifications', () => {
    const drift = report.scenarios.find((s) => s.fn === 'queueDrift')!;
    expect(drift.notifications).toEqual([
      expect.objectContaining({
        // The SNS Subject is only present because the message went through the topic.
        subject: '[WARNING] local celery: VisibilityTimeout drifted from the app setting (remediated)',
        title: expect.stringContaining('celery: VisibilityTimeout drifted'),
        eventType: 'QueueDrift',
        snsMessageId: expect.any(String),
      }),
    ]);
    const notifying = ['queueDrift', 'healthAlarm', 'taskStopped', 'deploymentGuard', 'rotateSecret'];
    for (const fn of notifying) {
      expect(report.scenarios.find((s) => s.fn === fn)!.notifications.length).toBeGreaterThanOrEqual(1);
    }
    expect(run.output).toContain('(SNS → SQS)');
  });

  it('creates the IAM database user on PostgreSQL as the RDS-shaped master (checked on the server before Delete drops it)', () => {
    const db = report.scenarios.find((s) => s.fn === 'dbIamUser')!;
    expect(db.verified.filter((v) => !v.ok)).toEqual([]);
    expect(db.verified.map((v) => v.check)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^after Create, user sandbox_app_\d+_iam exists and can log in$/),
        expect.stringMatching(
          /^after Create, it may read the app's table items \(owned by sandbox_app_\d+_app, made by Django\)$/,
        ),
        'after Create, it is a member of rds_iam (IAM authentication)',
        'after Delete (OnDelete=drop), the user is gone',
      ]),
    );
  });

  it('names the failing component of the django-health-check app and alarms on it', () => {
    const probe = report.scenarios.find((s) => s.fn === 'deepHealthcheck')!;
    expect(probe.decided.join('\n')).toMatch(
      /local-app is UNHEALTHY.*\n.*component "Cache backend: default"/,
    );
    const alarm = report.scenarios.find((s) => s.fn === 'healthAlarm')!;
    expect(alarm.notifications[0]?.subject).toBe('[CRITICAL] local local-app: deep healthcheck failing');
  });

  it('stops every process it started', () => {
    // fauxqs, and the Django app when Django is installed (else a Node stand-in runs in-process)
    expect(report.childPids.length).toBeGreaterThanOrEqual(1);
    expect(report.childPids.filter(isRunning)).toEqual([]);
    expect(report.stopFailures).toEqual([]);
  });

  it('stops everything on Ctrl-C (SIGINT) while the functions run', async () => {
    let sent = false;
    const interrupted = await startSandbox([], (output, send) => {
      if (!sent && output.includes('Running queueDrift')) {
        sent = true;
        send('SIGINT');
      }
    });
    const pids = (/child processes: ([\d, ]+)/.exec(interrupted.output)?.[1] ?? '')
      .split(',')
      .map((p) => Number(p.trim()))
      .filter((p) => p > 0);

    expect(sent).toBe(true);
    expect(interrupted.output).toContain('SIGINT: stopping everything the sandbox started');
    expect(interrupted.code).toBe(130);
    expect(pids.length).toBeGreaterThanOrEqual(1);
    expect(pids.filter(isRunning)).toEqual([]);
  }, 120_000);
});
