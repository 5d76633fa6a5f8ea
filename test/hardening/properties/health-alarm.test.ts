/**
 * healthAlarm: 1,000 malformed or unusual events (EventBridge alarm changes and SNS alarm
 * messages, including mutations inside the SNS Message JSON) through handler.ts, each ending in
 * a handled outcome.
 */
import fc from 'fast-check';
import { malformedEvents, mutated, nastyString, samples } from '../../helpers/hardening/events';
import { lambdaContext } from '../../../local/lambda-context';
import { healthAlarmRig } from '../../helpers/hardening/rigs';
import { assertEventsHandled } from '../../helpers/hardening/property';

type SnsEvent = { Records: Array<{ Sns: Record<string, unknown> }> };
type AlarmResult = { outcomes: Array<{ action: string }> };

it('ends every malformed or unusual event in a handled outcome (1,000 cases)', async () => {
  const { handler, published } = healthAlarmRig();
  const all = samples('health-alarm');
  const bases = all.map((s) => s.event);
  const snsSamples = all.filter((s) => s.name.startsWith('sns-')).map((s) => s.event as unknown as SnsEvent);
  const messages = snsSamples.map((e) => JSON.parse(e.Records[0]!.Sns.Message as string) as unknown);
  const eb = all.find((s) => s.name === 'eb-alb-unhealthy-alarm')!.event;
  const extra = [
    // SNS envelopes whose alarm message (JSON inside a string) is mutated.
    fc.tuple(fc.constantFrom(...snsSamples), mutated(messages)).map(([envelope, message]) => ({
      Records: [
        { ...envelope.Records[0], Sns: { ...envelope.Records[0]!.Sns, Message: JSON.stringify(message) } },
      ],
    })),
    // Unknown states and hostile alarm names in a valid EventBridge envelope.
    fc
      .record({
        alarmName: nastyString,
        value: fc.oneof(nastyString, fc.constantFrom('OK', 'ALARM', 'INSUFFICIENT_DATA')),
      })
      .map(({ alarmName, value }) => ({
        ...eb,
        detail: {
          ...(eb.detail as object),
          alarmName,
          state: { ...(eb.detail as { state: object }).state, value },
        },
      })),
  ];
  const run = await assertEventsHandled(
    {
      fn: 'healthAlarm',
      invoke: (event) =>
        handler(event, lambdaContext({ functionName: 'healthAlarm', deadline: Date.now() + 30_000 })),
      notifications: published,
      isSkip: (r) => (r as AlarmResult).outcomes.every((o) => o.action === 'skipped'),
    },
    malformedEvents(bases, extra),
    { numRuns: 1000 },
  );
  expect(run.tried).toBeGreaterThanOrEqual(1000);
  expect(published().length).toBeGreaterThan(0);
});
