/**
 * taskStopped: 1,000 malformed or unusual events through handler.ts (real Powertools middlewares,
 * SNS mocked, DynamoDB backed by a Map), each ending in a handled outcome.
 */
import fc from 'fast-check';
import { malformedEvents, nastyString, samples } from '../../helpers/hardening/events';
import { lambdaContext } from '../../../local/lambda-context';
import { taskStoppedRig } from '../../helpers/hardening/rigs';
import { assertEventsHandled } from '../../helpers/hardening/property';

it('ends every malformed or unusual event in a handled outcome (1,000 cases)', async () => {
  const { handler, published } = taskStoppedRig();
  const bases = samples('task-stopped').map((s) => s.event);
  const base = bases[0]!;
  const extra = [
    // A well-formed envelope with hostile or unknown values where the classifier reads.
    fc
      .record({
        stopCode: nastyString,
        stoppedReason: nastyString,
        group: nastyString,
        exitCode: fc.oneof(fc.integer(), nastyString),
      })
      .map(({ stopCode, stoppedReason, group, exitCode }) => ({
        ...base,
        detail: {
          ...(base.detail as object),
          lastStatus: 'STOPPED',
          stopCode,
          stoppedReason,
          group,
          containers: [{ name: 'web', exitCode, reason: stoppedReason, lastStatus: 'STOPPED' }],
        },
      })),
    fc
      .record({ time: fc.oneof(nastyString, fc.integer()) })
      .map((r) => ({ 'detail-type': 'Scheduled Event', ...r })),
  ];
  const run = await assertEventsHandled(
    {
      fn: 'taskStopped',
      invoke: (event) =>
        handler(event, lambdaContext({ functionName: 'taskStopped', deadline: Date.now() + 30_000 })),
      notifications: published,
      isSkip: (r) =>
        /not-stopped|standalone|unmonitored|duplicate|suppressed/.test(
          String((r as { action?: unknown })?.action),
        ),
    },
    malformedEvents(bases, extra),
    { numRuns: 1000 },
  );
  expect(run.tried).toBeGreaterThanOrEqual(1000);
  expect(published().length).toBeGreaterThan(0);
});
