/**
 * deploymentGuard: 1,000 malformed or unusual events through handler.ts (real Powertools
 * middlewares, ECS/SNS mocked with a stuck deployment), each ending in a handled outcome.
 */
import fc from 'fast-check';
import { malformedEvents, nastyString, samples } from '../../helpers/hardening/events';
import { lambdaContext } from '../../../local/lambda-context';
import { deploymentGuardRig } from '../../helpers/hardening/rigs';
import { assertEventsHandled } from '../../helpers/hardening/property';

it('ends every malformed or unusual event in a handled outcome (1,000 cases)', async () => {
  const { handler, published } = deploymentGuardRig();
  const bases = samples('deployment-guard').map((s) => s.event);
  const serviceAction = bases.find((b) => b['detail-type'] === 'ECS Service Action')!;
  const extra = [
    // Unknown service actions and hostile reasons inside a valid envelope.
    fc.record({ eventName: nastyString, reason: nastyString }).map(({ eventName, reason }) => ({
      ...serviceAction,
      detail: { ...(serviceAction.detail as object), eventName, reason },
    })),
  ];
  const run = await assertEventsHandled(
    {
      fn: 'deploymentGuard',
      invoke: (event) =>
        handler(event, lambdaContext({ functionName: 'deploymentGuard', deadline: Date.now() + 30_000 })),
      notifications: published,
      isSkip: (r) => typeof r === 'object' && r !== null && 'skipped' in r,
    },
    malformedEvents(bases, extra),
    { numRuns: 1000 },
  );
  expect(run.tried).toBeGreaterThanOrEqual(1000);
  expect(published().length).toBeGreaterThan(0);
});
