// Replayed alarm timelines with INSUFFICIENT_DATA in the middle. CloudWatch sends one event per
// state change carrying only the state and the previous one
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html);
// what came before an INSUFFICIENT_DATA spell is only in the alarm history
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html),
// which the fake below fills as the timeline is replayed.
import { handleAlarmChange } from '../../../functions/health-alarm/core';
import type { StateTransition } from '../../../functions/health-alarm/ports';
import { parseAlarmEvent, type AlarmState } from '../../../functions/health-alarm/schema';
import { awsError, fakeDeps, sampleEvent, settings } from '../../helpers/health-alarm/fakes';

type Step = [at: string, to: AlarmState];

function ebEvent(at: string, to: AlarmState, from: StateTransition | undefined) {
  const event = sampleEvent('eb-alb-no-healthy-ok') as {
    time: string;
    detail: {
      state: { value: string; timestamp: string; reason: string };
      previousState: { value: string; timestamp: string; reason: string };
    };
  };
  event.time = at;
  event.detail.state = { value: to, timestamp: at, reason: `now ${to}` };
  event.detail.previousState = {
    value: from?.to ?? 'INSUFFICIENT_DATA',
    timestamp: from?.at ?? '2026-11-24T00:00:00.000Z',
    reason: 'before',
  };
  return event;
}

function snsEvent(at: string, to: AlarmState, from: StateTransition | undefined) {
  const event = sampleEvent('sns-alb-no-healthy-ok') as { Records: Array<{ Sns: { Message: string } }> };
  const record = event.Records[0]!;
  record.Sns.Message = JSON.stringify({
    ...JSON.parse(record.Sns.Message),
    NewStateValue: to,
    OldStateValue: from?.to ?? 'INSUFFICIENT_DATA',
    NewStateReason: `now ${to}`,
    StateChangeTime: at,
  });
  return event;
}

/** Replays `steps` through healthAlarm; returns the titles sent and each outcome's action. */
async function replay(
  via: 'eb' | 'sns',
  steps: Step[],
  overrides: Partial<typeof settings> = {},
): Promise<{ sent: string[]; actions: string[] }> {
  const history: StateTransition[] = [];
  const fake = fakeDeps({ targets: [], transitions: history });
  const actions: string[] = [];
  for (const [at, to] of steps) {
    const previous = history[0];
    history.unshift({ at, ...(previous ? { from: previous.to } : {}), to });
    const event = via === 'eb' ? ebEvent(at, to, previous) : snsEvent(at, to, previous);
    const outcome = await handleAlarmChange(parseAlarmEvent(event)[0]!, fake.deps, {
      ...settings,
      ...overrides,
    });
    actions.push(`${to}:${outcome.action}`);
  }
  return { sent: fake.notifier.sent.map((n) => n.title), actions };
}

describe.each(['eb', 'sns'] as const)('ALARM → INSUFFICIENT_DATA → OK (%s input)', (via) => {
  it('sends one incident and one "resolved", with the duration since ALARM', async () => {
    const { sent, actions } = await replay(via, [
      ['2026-11-24T02:00:00.000Z', 'OK'],
      ['2026-11-24T02:50:00.000Z', 'ALARM'],
      ['2026-11-24T03:00:00.000Z', 'INSUFFICIENT_DATA'],
      ['2026-11-24T03:20:00.000Z', 'OK'],
    ]);

    expect(actions).toEqual(['OK:skipped', 'ALARM:incident', 'INSUFFICIENT_DATA:skipped', 'OK:resolved']);
    expect(sent).toEqual([
      'web: no healthy ALB targets',
      'web: no healthy ALB targets, resolved after 30 min',
    ]);
  });

  it('resolves only once when INSUFFICIENT_DATA comes back after the incident ended', async () => {
    const { sent } = await replay(via, [
      ['2026-11-24T02:50:00.000Z', 'ALARM'],
      ['2026-11-24T03:00:00.000Z', 'INSUFFICIENT_DATA'],
      ['2026-11-24T03:10:00.000Z', 'OK'],
      ['2026-11-24T03:20:00.000Z', 'INSUFFICIENT_DATA'],
      ['2026-11-24T03:30:00.000Z', 'OK'],
      ['2026-11-24T03:40:00.000Z', 'INSUFFICIENT_DATA'],
      ['2026-11-24T03:50:00.000Z', 'OK'],
    ]);

    expect(sent).toEqual([
      'web: no healthy ALB targets',
      'web: no healthy ALB targets, resolved after 20 min',
    ]);
  });

  it('treats ALARM → INSUFFICIENT_DATA → ALARM as the same incident (one incident, one resolved)', async () => {
    const { sent, actions } = await replay(via, [
      ['2026-11-24T02:50:00.000Z', 'ALARM'],
      ['2026-11-24T03:00:00.000Z', 'INSUFFICIENT_DATA'],
      ['2026-11-24T03:05:00.000Z', 'ALARM'],
      ['2026-11-24T03:20:00.000Z', 'OK'],
    ]);

    expect(actions).toEqual(['ALARM:incident', 'INSUFFICIENT_DATA:skipped', 'ALARM:skipped', 'OK:resolved']);
    expect(sent).toEqual([
      'web: no healthy ALB targets',
      'web: no healthy ALB targets, resolved after 15 min',
    ]);
  });

  it('counts a resolved incident that flapped through INSUFFICIENT_DATA from its first ALARM', async () => {
    const { sent } = await replay(via, [
      ['2026-11-24T02:00:00.000Z', 'OK'],
      ['2026-11-24T02:50:00.000Z', 'ALARM'],
      ['2026-11-24T03:00:00.000Z', 'INSUFFICIENT_DATA'],
      ['2026-11-24T03:05:00.000Z', 'ALARM'],
      ['2026-11-24T03:10:00.000Z', 'INSUFFICIENT_DATA'],
      ['2026-11-24T03:50:00.000Z', 'OK'],
    ]);

    expect(sent).toEqual(['web: no healthy ALB targets', 'web: no healthy ALB targets, resolved after 1 h']);
  });

  it('sends nothing for OK → INSUFFICIENT_DATA → OK', async () => {
    const { sent, actions } = await replay(via, [
      ['2026-11-24T02:50:00.000Z', 'OK'],
      ['2026-11-24T03:00:00.000Z', 'INSUFFICIENT_DATA'],
      ['2026-11-24T03:10:00.000Z', 'OK'],
    ]);

    expect(sent).toEqual([]);
    expect(actions).toEqual(['OK:skipped', 'INSUFFICIENT_DATA:skipped', 'OK:skipped']);
  });

  it('with INSUFFICIENT_DATA notified, resolves once (no second message for the gap)', async () => {
    const { sent } = await replay(
      via,
      [
        ['2026-11-24T02:50:00.000Z', 'ALARM'],
        ['2026-11-24T03:00:00.000Z', 'INSUFFICIENT_DATA'],
        ['2026-11-24T03:10:00.000Z', 'OK'],
      ],
      { insufficientData: 'notify' },
    );

    expect(sent).toEqual([
      'web: no healthy ALB targets',
      'web: alarm has insufficient data (ops-sentinel-local-alb-no-healthy-web)',
      'web: no healthy ALB targets, resolved after 10 min',
    ]);
  });
});

it('reports ALARM after INSUFFICIENT_DATA when the history cannot be read (a repeat beats a loss)', async () => {
  const fake = fakeDeps({ targets: [], transitions: awsError('AccessDenied', 'not authorized') });
  const alarm = parseAlarmEvent(
    snsEvent('2026-11-24T03:20:00.000Z', 'ALARM', {
      at: '2026-11-24T03:00:00.000Z',
      to: 'INSUFFICIENT_DATA',
    }),
  )[0]!;

  const outcome = await handleAlarmChange(alarm, fake.deps, settings);

  expect(outcome.action).toBe('incident');
});

it('fails the invocation (retried, then dead-lettered) when the history cannot be read, rather than guess', async () => {
  const fake = fakeDeps({ transitions: awsError('Throttling', 'Rate exceeded') });
  const ok = parseAlarmEvent(
    snsEvent('2026-11-24T03:20:00.000Z', 'OK', { at: '2026-11-24T03:00:00.000Z', to: 'INSUFFICIENT_DATA' }),
  )[0]!;

  await expect(handleAlarmChange(ok, fake.deps, settings)).rejects.toThrow(
    'cannot tell whether ops-sentinel-local-alb-no-healthy-web was in ALARM before INSUFFICIENT_DATA: Throttling: Rate exceeded',
  );
  expect(fake.notifier.sent).toEqual([]);
});
