// Messages a person reads, built from events and enrichment with missing and odd fields: each
// rendered as the e-mail and chat text the notifier sends, and checked for words that betray a
// missing value or a broken sentence.
import { handleAlarmChange } from '../../../functions/health-alarm/core';
import { parseAlarmEvent } from '../../../functions/health-alarm/schema';
import { formatChatbot, formatEmail, type Notification } from '../../../shared/notify';
import type { ProbeResult } from '../../../shared/health/types';
import { fakeDeps, sampleEvent, settings, task, type FakeState } from '../../helpers/health-alarm/fakes';

const BROKEN = [
  /\bundefined\b/,
  /\bnull\b/,
  /\bNaN\b/,
  /\[object Object\]/,
  /\? →/,
  /: :/,
  /:[ \t]*\n[ \t]*\n/,
  /\(\s*\)/,
  /\S {2,}\S/,
  /\ball 0\b/,
  /\b1 targets\b/,
  /\b1 days\b/,
];

function expectReadable(n: Notification): void {
  const texts = [n.title, n.summary, formatEmail(n, 'prod'), JSON.stringify(formatChatbot(n, 'prod'))];
  for (const text of texts) {
    // Padding of the e-mail's fact labels is the only run of spaces allowed inside a line.
    const prose = text.replace(/^(\S[^:\n]*?) +: /gm, '$1: ');
    for (const pattern of BROKEN)
      expect({ pattern: String(pattern), text: prose }).not.toEqual({
        pattern: String(pattern),
        text: expect.stringMatching(pattern),
      });
  }
}

/** The EventBridge sample with its optional fields removed. */
function bareEvent(name: string, alarmName?: string) {
  const event = sampleEvent(name) as Record<string, unknown> & { detail: Record<string, unknown> };
  delete event.region;
  delete event.account;
  delete event.resources;
  delete event.detail.previousState;
  delete (event.detail.state as Record<string, unknown>).reason;
  event.detail.configuration = { metrics: [] };
  if (alarmName) event.detail.alarmName = alarmName;
  return event;
}

async function send(event: unknown, state: FakeState, overrides: Partial<typeof settings> = {}) {
  const fake = fakeDeps(state);
  await handleAlarmChange(parseAlarmEvent(event)[0]!, fake.deps, { ...settings, ...overrides });
  expect(fake.notifier.sent).toHaveLength(1);
  return fake.notifier.sent[0]!;
}

const oddProbe: ProbeResult = {
  target: 'web',
  url: 'https://app.example.com/ht/',
  healthy: false,
  reason: 'component',
  detail: '',
  latencyMs: 0,
  components: [
    { name: '', state: 'unavailable', message: '' },
    { name: '  ', state: 'unexpected', message: 'line one\nline two' },
  ],
  checkedAt: '2026-11-24T02:55:00.000Z',
};

describe('healthAlarm messages with missing and odd fields', () => {
  it('ALB alarm: no region, reason, description or previous state; targets without id, port, state; a task without id', async () => {
    const n = await send(bareEvent('eb-alb-unhealthy-alarm'), {
      targets: [
        { id: '?', state: '' },
        { id: '10.0.0.9', state: 'unhealthy.draining', reason: 'Target.DeregistrationInProgress' },
        { id: '10.0.0.7', state: 'weird-new-state' },
      ],
      running: [task('', { taskArn: '', privateIps: ['10.0.0.7'] })],
      stopped: [],
    });

    expectReadable(n);
    expect(n.facts).toContainEqual(['State', 'ALARM']);
    expect(n.facts).toContainEqual(['Targets', '0 healthy of 3 (2 unhealthy, 1 draining)']);
    expect(n.details).toContain('- a target with no id state unknown');
  });

  it('ALB alarm with a single healthy target and one with none registered', async () => {
    const one = await send(sampleEvent('eb-alb-unhealthy-alarm'), {
      targets: [{ id: '10.0.0.1', port: 8000, state: 'healthy' }],
    });
    const none = await send(sampleEvent('eb-alb-no-healthy-alarm'), { targets: [] });

    expectReadable(one);
    expectReadable(none);
    expect(one.details).toContain('**Target health now:** the only target is healthy');
    expect(none.facts).toContainEqual(['Targets', 'none registered']);
  });

  it('deep-healthcheck alarm: a probe with no status, no detail, unnamed components', async () => {
    const n = await send(bareEvent('eb-deep-health-alarm'), { probe: oddProbe });

    expectReadable(n);
    expect(n.details).toContain('**Probe now:** failing (component)');
    expect(n.details).toContain('- (unnamed check): unavailable');
  });

  it('certificate alarm: one day left, and no certificate read', async () => {
    const oneDay = await send(bareEvent('eb-certificate-alarm'), {
      probe: { ...oddProbe, healthy: true, reason: 'none', certificateDaysLeft: 1, components: [] },
    });
    const none = await send(bareEvent('eb-certificate-alarm'), { probe: oddProbe });

    expectReadable(oneDay);
    expectReadable(none);
    expect(oneDay.details).toContain('expires in 1 day.');
  });

  it('alarm of another app with an odd name and no metric, INSUFFICIENT_DATA notified', async () => {
    const event = bareEvent('eb-other-alarm', 'rds cpu — “prod” 100%');
    (event.detail.state as Record<string, unknown>).value = 'INSUFFICIENT_DATA';
    const n = await send(event, {}, { insufficientData: 'notify' });

    expectReadable(n);
    expect(n.title).toBe('rds cpu — “prod” 100%: alarm has insufficient data (rds cpu — “prod” 100%)');
  });

  it('resolved without a known start (no previous timestamp, history empty)', async () => {
    const event = bareEvent('eb-deep-health-ok');
    (event.detail as Record<string, unknown>).previousState = { value: 'ALARM' };
    const n = await send(event, {});

    expectReadable(n);
    expect(n.title).toBe('local-app: deep healthcheck failing, resolved');
    expect(n.facts).toContainEqual(['Duration', 'unavailable: no ALARM transition in the alarm history']);
  });
});
