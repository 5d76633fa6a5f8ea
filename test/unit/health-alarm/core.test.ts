import { handleAlarmChange, handleAlarmChanges } from '../../../functions/health-alarm/core';
import { parseAlarmEvent } from '../../../functions/health-alarm/schema';
import type { ProbeResult } from '../../../shared/health/types';
import { PermanentError, RetryableError, toOpsError } from '../../../shared/errors';
import {
  awsError,
  elbKilled,
  fakeDeps,
  oomKilled,
  sampleEvent,
  settings,
  task,
  TG_ARN,
  type FakeState,
} from '../../helpers/health-alarm/fakes';

const change = (name: string) => parseAlarmEvent(sampleEvent(name))[0]!;
const accessDenied = (action: string) =>
  toOpsError(
    action,
    awsError('AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/x is not authorized'),
  );

async function run(name: string, state: FakeState = {}, overrides: Partial<typeof settings> = {}) {
  const fake = fakeDeps(state);
  const outcome = await handleAlarmChange(change(name), fake.deps, { ...settings, ...overrides });
  return { ...fake, outcome, sent: fake.notifier.sent[0] };
}

const unhealthyTargets: FakeState['targets'] = [
  {
    id: '10.0.1.23',
    port: 8000,
    state: 'unhealthy',
    reason: 'Target.ResponseCodeMismatch',
    description: 'Health checks failed with these codes: [500]',
  },
  { id: '10.0.2.40', port: 8000, state: 'healthy' },
  {
    id: '10.0.3.77',
    port: 8000,
    state: 'unhealthy',
    reason: 'Target.Timeout',
    description: 'Request timed out',
  },
];

describe.each(['eb', 'sns'])('ALB alarms (%s input)', (via) => {
  it('lists unhealthy targets with reasons, mapped to tasks by private IP, and the recently stopped tasks', async () => {
    const { outcome, sent, calls } = await run(`${via}-alb-unhealthy-alarm`, {
      targets: unhealthyTargets,
      running: [task('aaaa1111bbbb2222', { lastStatus: 'RUNNING', privateIps: ['10.0.1.23'] })],
      stopped: [elbKilled('dead0000beef1111', '10.0.3.77', '2026-11-24T02:48:00.000Z')],
    });

    expect(calls.targetHealth).toEqual([TG_ARN]);
    expect(calls.tasks.sort()).toEqual(['django-app/web/RUNNING', 'django-app/web/STOPPED']);
    expect(outcome).toMatchObject({ action: 'incident', kind: 'alb-unhealthy', state: 'ALARM' });
    expect(outcome.enrichment).toEqual({ targetHealth: 'ok', stoppedTasks: 'ok' });
    expect(sent).toMatchObject({
      title: 'web: ALB targets unhealthy',
      severity: 'warning',
      eventType: 'HealthAlarm',
    });
    expect(sent!.threadId).toBe('ops-sentinel-alarm-ops-sentinel-local-alb-unhealthy-web');
    expect(sent!.details).toContain(
      '10.0.1.23:8000 unhealthy: Target.ResponseCodeMismatch — Health checks failed with these codes: [500] → task aaaa1111bbbb (RUNNING)',
    );
    expect(sent!.details).toContain(
      '10.0.3.77:8000 unhealthy: Target.Timeout — Request timed out → task dead0000beef (STOPPED',
    );
    expect(sent!.details).not.toContain('10.0.2.40');
    expect(sent!.details).toMatch(/task dead0000beef: .*ELB health check/i);
    expect(sent!.facts).toContainEqual(['Targets', '1 healthy of 3 (2 unhealthy)']);
    expect(sent!.nextSteps!.join(' ')).toMatch(/health check path/);
  });

  it('still notifies when target health is denied, saying why it is missing', async () => {
    const { outcome, sent } = await run(`${via}-alb-no-healthy-alarm`, {
      targets: accessDenied(`elasticloadbalancing:DescribeTargetHealth ${TG_ARN}`),
      stopped: [],
    });

    expect(outcome.enrichment!.targetHealth).toMatch(
      /^unavailable: AccessDenied: User: .* is not authorized/,
    );
    expect(sent).toMatchObject({ title: 'web: no healthy ALB targets', severity: 'critical' });
    expect(sent!.details).toContain('**Target health:** unavailable: AccessDenied');
    expect(sent!.details).toContain('**Recently stopped tasks:** none');
  });

  it('still notifies when the ECS calls fail or hang past the budget', async () => {
    const { outcome, sent, aborted } = await run(`${via}-alb-unhealthy-alarm`, {
      targets: 'hang',
      running: new PermanentError('ecs:ListTasks failed: AccessDeniedException: not authorized'),
      stopped: toOpsError(
        'ecs:ListTasks',
        awsError('AccessDeniedException', 'not authorized to perform ecs:ListTasks'),
      ),
    });

    expect(outcome.enrichment).toEqual({
      targetHealth: 'unavailable: timed out after 200 ms',
      stoppedTasks: 'unavailable: AccessDeniedException: not authorized to perform ecs:ListTasks',
    });
    expect(aborted).toEqual(['targetHealth']);
    expect(sent!.details).toContain('**Target health:** unavailable: timed out after 200 ms');
  });
});

it('leaves out stopped tasks older than the window', async () => {
  const { sent } = await run('eb-alb-unhealthy-alarm', {
    targets: [],
    stopped: [
      elbKilled('old0', '10.0.9.9', '2026-11-24T01:00:00.000Z'),
      elbKilled('new0', '10.0.9.8', '2026-11-24T02:54:00.000Z'),
    ],
  });
  expect(sent!.details).toContain('task new0');
  expect(sent!.details).not.toContain('task old0');
  expect(sent!.details).toContain('**Target health now:** no targets are registered in the target group');
});

// States and reason codes as DescribeTargetHealth reports them:
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
// (initial: Elb.RegistrationInProgress / Elb.InitialHealthChecking; draining:
// Target.DeregistrationInProgress). A rolling deployment has all of them at once.
it('counts draining and initial targets as what they are, not as unhealthy', async () => {
  const { sent } = await run('eb-alb-unhealthy-alarm', {
    targets: [
      { id: '10.0.1.10', port: 8000, state: 'healthy' },
      {
        id: '10.0.1.11',
        port: 8000,
        state: 'draining',
        reason: 'Target.DeregistrationInProgress',
        description: 'Target deregistration is in progress',
      },
      {
        id: '10.0.1.12',
        port: 8000,
        state: 'initial',
        reason: 'Elb.InitialHealthChecking',
        description: 'Initial health checks in progress',
      },
      { id: '10.0.1.13', port: 8000, state: 'initial', reason: 'Elb.RegistrationInProgress' },
      {
        id: '10.0.1.14',
        port: 8000,
        state: 'unhealthy',
        reason: 'Target.Timeout',
        description: 'Request timed out',
      },
    ],
  });

  expect(sent!.facts).toContainEqual([
    'Targets',
    '1 healthy of 5 (1 unhealthy, 1 draining, 2 in initial health checks)',
  ]);
  const details = sent!.details!;
  expect(details).toContain(
    '**Unhealthy targets:**\n- 10.0.1.14:8000 unhealthy: Target.Timeout — Request timed out\n\n',
  );
  expect(details).toContain(
    '**Draining** (being deregistered by a deployment or scale-in; not unhealthy):\n- 10.0.1.11:8000 draining: Target.DeregistrationInProgress — Target deregistration is in progress',
  );
  expect(details).toContain(
    '**In initial health checks** (just registered; not unhealthy yet):\n- 10.0.1.12:8000 initial: Elb.InitialHealthChecking — Initial health checks in progress\n- 10.0.1.13:8000 initial: Elb.RegistrationInProgress',
  );
});

it('during a deployment with no unhealthy target, says so instead of "all healthy"', async () => {
  const { sent } = await run('eb-alb-no-healthy-alarm', {
    targets: [
      { id: '10.0.1.11', state: 'draining', reason: 'Target.DeregistrationInProgress' },
      { id: '10.0.1.12', state: 'initial', reason: 'Elb.InitialHealthChecking' },
    ],
  });

  expect(sent!.facts).toContainEqual(['Targets', '0 healthy of 2 (1 draining, 1 in initial health checks)']);
  expect(sent!.details).not.toMatch(/Unhealthy targets|all \d+ targets? .*healthy/);
  expect(sent!.nextSteps!.join(' ')).toMatch(/first health checks/);
});

it('finds the service of an app alarm by its target group when the name says nothing', async () => {
  const event = sampleEvent('eb-alb-unhealthy-alarm') as { detail: { alarmName: string } };
  event.detail.alarmName = 'django-app-web-5xx-unhealthy';
  const fake = fakeDeps({ targets: [] });
  const outcome = await handleAlarmChange(parseAlarmEvent(event)[0]!, fake.deps, settings);
  expect(outcome.kind).toBe('alb-unhealthy');
  expect(fake.calls.tasks).toContain('django-app/web/STOPPED');
});

describe.each(['eb', 'sns'])('deep-healthcheck alarms (%s input)', (via) => {
  const failing: ProbeResult = {
    target: 'local-app',
    url: 'http://127.0.0.1:8000/ht/?format=json',
    healthy: false,
    reason: 'component',
    detail: 'HTTP 500: DatabaseBackend unavailable',
    status: 500,
    latencyMs: 42,
    components: [
      { name: 'DatabaseBackend', state: 'unavailable', message: 'Database error' },
      { name: 'Cache backend: default', state: 'working', message: '' },
      { name: 'MigrationsHealthCheck', state: 'unavailable', message: 'There are migrations to apply' },
    ],
    checkedAt: '2026-11-24T02:55:00.000Z',
  };

  it('probes the target once now and lists the failing components', async () => {
    const { outcome, sent, calls } = await run(`${via}-deep-health-alarm`, { probe: failing });

    expect(calls.probe).toEqual([['local-app', 200]]);
    expect(outcome).toMatchObject({ kind: 'deep-health', enrichment: { probe: 'ok' } });
    expect(sent).toMatchObject({ title: 'local-app: deep healthcheck failing', severity: 'critical' });
    expect(sent!.details).toContain('- DatabaseBackend: unavailable: Database error');
    expect(sent!.details).toContain('- MigrationsHealthCheck: unavailable: There are migrations to apply');
    expect(sent!.details).not.toContain('Cache backend');
    expect(sent!.facts).toContainEqual(['Probe now', 'failing (component)']);
  });

  it('says the probe is unavailable when the target is not configured', async () => {
    const { outcome, sent } = await run(`${via}-deep-health-alarm`, {
      probe: new PermanentError('target "local-app" is not in HEALTH_TARGETS'),
    });
    expect(outcome.enrichment).toEqual({ probe: 'unavailable: target "local-app" is not in HEALTH_TARGETS' });
    expect(sent!.details).toContain(
      '**Probe now:** unavailable: target "local-app" is not in HEALTH_TARGETS',
    );
  });
});

describe('degraded and certificate alarms', () => {
  const degraded: ProbeResult = {
    target: 'local-app',
    url: 'https://app.example.com/ht/',
    healthy: true,
    degraded: true,
    reason: 'none',
    detail: 'degraded: HTTP 200, 1 of 2 components not working: DiskUsageWarning warning: 91 % of /tmp used',
    status: 200,
    latencyMs: 42,
    certificateDaysLeft: 13,
    components: [
      { name: 'DatabaseBackend', state: 'working', message: '' },
      { name: 'DiskUsageWarning', state: 'warning', message: '91 % of /tmp used' },
    ],
    checkedAt: '2026-11-24T02:55:00.000Z',
  };

  it('reports a degraded target as a warning listing the checks not working', async () => {
    const { outcome, sent } = await run('eb-deep-health-degraded-alarm', { probe: degraded });

    expect(outcome).toMatchObject({ kind: 'deep-health-degraded', action: 'incident' });
    expect(sent).toMatchObject({ title: 'local-app: deep healthcheck degraded', severity: 'warning' });
    expect(sent!.facts).toContainEqual(['Probe now', 'degraded']);
    expect(sent!.details).toContain(
      '**Components not working** (the app still answers):\n- DiskUsageWarning: warning: 91 % of /tmp used',
    );
  });

  it('warns that the certificate expires soon, with the days left now', async () => {
    const { outcome, sent } = await run('eb-certificate-alarm', { probe: degraded });

    expect(outcome).toMatchObject({ kind: 'certificate', action: 'incident' });
    expect(sent).toMatchObject({ title: 'local-app: TLS certificate expires soon', severity: 'warning' });
    expect(sent!.facts).toContainEqual(['Certificate days left', 13]);
    expect(sent!.details).toContain('The certificate presented now expires in 13 days.');
  });

  it('says so when the probe now read no certificate', async () => {
    const { sent } = await run('eb-certificate-alarm', {
      probe: {
        ...degraded,
        certificateDaysLeft: undefined,
        healthy: false,
        reason: 'timeout',
        degraded: false,
      },
    });

    expect(sent!.details).toContain(
      'The probe read no certificate now (it did not complete a TLS handshake).',
    );
    expect(sent!.details).not.toContain('undefined');
  });
});

describe.each(['eb', 'sns'])('thrash alarms (%s input)', (via) => {
  it('counts the recent stops of the service by category', async () => {
    const { outcome, sent, calls } = await run(`${via}-thrash-alarm`, {
      stopped: [
        elbKilled('t1', '10.0.0.1', '2026-11-24T02:41:00.000Z'),
        elbKilled('t2', '10.0.0.2', '2026-11-24T02:44:00.000Z'),
        elbKilled('t3', '10.0.0.3', '2026-11-24T02:47:00.000Z'),
        oomKilled('t4', '2026-11-24T02:49:00.000Z'),
      ],
    });

    expect(calls.tasks).toEqual(['django-app/web/STOPPED']);
    expect(calls.targetHealth).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'thrash', enrichment: { stoppedTasks: 'ok' } });
    expect(sent!.title).toBe('web: tasks keep failing ELB health checks');
    expect(sent!.details).toContain('**Stops by category:** elb-health-check ×3, out-of-memory ×1');
    expect(sent!.facts).toContainEqual(['Stopped tasks (recent)', '4 (4 not routine)']);
  });

  it('notifies without counts when ECS is unreachable', async () => {
    const { sent, outcome } = await run(`${via}-thrash-alarm`, {
      stopped: new RetryableError('ecs:ListTasks failed: ENOTFOUND', {
        cause: awsError('ENOTFOUND', 'getaddrinfo ENOTFOUND ecs.us-east-1.amazonaws.com'),
      }),
    });
    expect(outcome.enrichment).toEqual({
      stoppedTasks: 'unavailable: ENOTFOUND: getaddrinfo ENOTFOUND ecs.us-east-1.amazonaws.com',
    });
    expect(sent!.details).not.toContain('Stops by category');
  });
});

describe('resolve flow', () => {
  it('sends a resolved message in the incident thread with the duration from the event', async () => {
    const alarm = await run('eb-alb-unhealthy-alarm', { targets: [] });
    const ok = await run('eb-alb-unhealthy-ok');

    expect(ok.calls.history).toEqual([]);
    expect(ok.calls.targetHealth).toEqual([]);
    expect(ok.outcome).toMatchObject({ action: 'resolved', enrichment: { duration: 'ok' } });
    expect(ok.sent).toMatchObject({ severity: 'resolved', eventType: 'HealthAlarmResolved' });
    expect(ok.sent!.title).toBe('web: ALB targets unhealthy, resolved after 14 min');
    expect(ok.sent!.threadId).toBe(alarm.sent!.threadId);
    expect(ok.sent!.facts).toContainEqual(['In alarm since', '2026-11-24T02:50:12.345Z']);
  });

  it('looks the start up in the alarm history for SNS messages, which do not carry it', async () => {
    const ok = await run('sns-thrash-ok', { alarmSince: '2026-11-24T01:50:12.345Z' });
    expect(ok.calls.history).toEqual(['ops-sentinel-local-thrash-web']);
    expect(ok.sent!.title).toBe('web: tasks keep failing ELB health checks, resolved after 1 h 14 min');
  });

  it('resolves without a duration when the history is denied', async () => {
    const ok = await run('sns-deep-health-ok', {
      alarmSince: toOpsError('cloudwatch:DescribeAlarmHistory', awsError('AccessDenied', 'not authorized')),
    });
    expect(ok.outcome.enrichment).toEqual({ duration: 'unavailable: AccessDenied: not authorized' });
    expect(ok.sent!.title).toBe('local-app: deep healthcheck failing, resolved');
    expect(ok.sent!.facts).toContainEqual(['Duration', 'unavailable: AccessDenied: not authorized']);
  });

  it('does not "resolve" an alarm that was never reported (OK after INSUFFICIENT_DATA)', async () => {
    const event = sampleEvent('eb-alb-no-healthy-ok') as { detail: { previousState: { value: string } } };
    event.detail.previousState.value = 'INSUFFICIENT_DATA';
    const fake = fakeDeps();
    const outcome = await handleAlarmChange(parseAlarmEvent(event)[0]!, fake.deps, settings);
    expect(outcome).toMatchObject({ action: 'skipped', reason: expect.stringMatching(/nothing to resolve/) });
    expect(fake.notifier.sent).toEqual([]);
  });
});

describe('INSUFFICIENT_DATA', () => {
  it('is skipped with a reason by default', async () => {
    const { outcome, notifier, calls } = await run('eb-alb-no-healthy-insufficient-data');
    expect(outcome).toMatchObject({
      action: 'skipped',
      reason: expect.stringMatching(/healthAlarmInsufficientData/),
    });
    expect(notifier.sent).toEqual([]);
    expect(calls.targetHealth).toEqual([]);
  });

  it('is notified as a warning when configured', async () => {
    const { outcome, sent } = await run(
      'eb-alb-no-healthy-insufficient-data',
      { targets: [] },
      { insufficientData: 'notify' },
    );
    expect(outcome.action).toBe('incident');
    expect(sent).toMatchObject({ severity: 'warning', eventType: 'HealthAlarmInsufficientData' });
  });
});

it('notifies alarms of other kinds without enrichment', async () => {
  const { outcome, sent, calls } = await run('eb-other-alarm');
  expect(outcome).toMatchObject({ kind: 'other', action: 'incident', enrichment: {} });
  expect(sent!.title).toBe('django-app-rds-cpu-high is in ALARM');
  expect(calls).toEqual({ targetHealth: [], tasks: [], probe: [], history: [] });
});

it('fails the invocation when the notification cannot be delivered (so it is retried)', async () => {
  const fake = fakeDeps({ targets: [] });
  fake.notifier.failWith = new RetryableError('sns:Publish failed: Throttling');
  await expect(handleAlarmChange(change('eb-alb-unhealthy-alarm'), fake.deps, settings)).rejects.toThrow(
    'sns:Publish failed: Throttling',
  );
});

it('with INSUFFICIENT_DATA notified, OK afterwards resolves it with the time since data went missing', async () => {
  const event = sampleEvent('sns-alb-no-healthy-ok') as { Records: Array<{ Sns: { Message: string } }> };
  const record = event.Records[0]!;
  record.Sns.Message = JSON.stringify({
    ...JSON.parse(record.Sns.Message),
    OldStateValue: 'INSUFFICIENT_DATA',
  });
  const fake = fakeDeps({ alarmSince: '2026-11-24T03:00:00.000Z' });
  const history = jest.spyOn(fake.deps.history, 'lastEnteredState');

  const outcome = await handleAlarmChange(parseAlarmEvent(event)[0]!, fake.deps, {
    ...settings,
    insufficientData: 'notify',
  });

  expect(history).toHaveBeenCalledWith(
    'ops-sentinel-local-alb-no-healthy-web',
    'INSUFFICIENT_DATA',
    expect.any(Date),
    expect.anything(),
  );
  expect(outcome.action).toBe('resolved');
  expect(fake.notifier.sent[0]!.title).toBe('web: no healthy ALB targets, resolved after 4 min');
});

it('leaves ops-sentinel’s other alarms (the dead-letter alarm) to their own SNS actions', async () => {
  const event = sampleEvent('eb-other-alarm') as { detail: { alarmName: string } };
  event.detail.alarmName = 'ops-sentinel-local-dead-letter-not-empty';
  const fake = fakeDeps();
  const outcome = await handleAlarmChange(parseAlarmEvent(event)[0]!, fake.deps, settings);
  expect(outcome).toMatchObject({ action: 'skipped', reason: expect.stringMatching(/its own actions/) });
  expect(fake.notifier.sent).toEqual([]);
});

describe('handleAlarmChanges: one invocation', () => {
  it('logs every change, and counts each notification sent with its own kind and state', async () => {
    const fake = fakeDeps({ targets: unhealthyTargets, stopped: [], running: [] });
    const changes = [
      change('eb-alb-no-healthy-insufficient-data'),
      change('eb-alb-unhealthy-alarm'),
      change('eb-alb-no-healthy-ok'),
    ];

    const { outcomes } = await handleAlarmChanges(changes, fake.deps, { ...settings, dryRun: true });

    expect(outcomes.map((o) => o.action)).toEqual(['skipped', 'incident', 'resolved']);
    expect(fake.metrics).toEqual([
      { kind: outcomes[1]!.kind, state: 'ALARM' },
      { kind: outcomes[2]!.kind, state: 'OK' },
    ]);
    expect(fake.log.map((l) => l.message)).toEqual([
      'alarm change skipped',
      'alarm notification sent',
      'alarm notification sent',
    ]);
    expect(fake.log[0]!.extra).toMatchObject({
      alarmName: changes[0]!.alarmName,
      state: 'INSUFFICIENT_DATA',
    });
    expect(fake.log[1]!.extra).toMatchObject({ action: 'incident', dryRun: true });
  });
});
