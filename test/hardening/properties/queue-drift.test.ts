/**
 * queueDrift: 1,000 malformed or unusual events through handler.ts (real Powertools middlewares,
 * SQS/ECS/SNS clients mocked), each ending in a handled outcome.
 */
import fc from 'fast-check';
import { malformedEvents, nastyString, samples } from '../../helpers/hardening/events';
import { lambdaContext } from '../../../local/lambda-context';
import { queueDriftRig } from '../../helpers/hardening/rigs';
import { assertEventsHandled } from '../../helpers/hardening/property';

it('ends every malformed or unusual event in a handled outcome (1,000 cases)', async () => {
  const { handler, published } = queueDriftRig();
  const bases = samples('queue-drift').map((s) => s.event);
  const cloudTrail = bases.find((b) => b['detail-type'] === 'AWS API Call via CloudTrail')!;
  const extra = [
    // The right envelope with unknown or hostile API calls and queue names.
    fc.record({ eventName: nastyString, queueUrl: nastyString }).map(({ eventName, queueUrl }) => ({
      ...cloudTrail,
      detail: { ...(cloudTrail.detail as object), eventName, requestParameters: { queueUrl } },
    })),
    fc.constantFrom<unknown>(
      { 'detail-type': 'Scheduled Event' },
      { 'detail-type': 'Scheduled Event', source: 'aws.sqs' },
    ),
  ];
  const run = await assertEventsHandled(
    {
      fn: 'queueDrift',
      invoke: (event) =>
        handler(event, lambdaContext({ functionName: 'queueDrift', deadline: Date.now() + 30_000 })),
      notifications: published,
      isSkip: () => false,
    },
    malformedEvents(bases, extra),
    { numRuns: 1000 },
  );
  expect(run.tried).toBeGreaterThanOrEqual(1000);
  expect(published().length).toBeGreaterThan(0);
});
