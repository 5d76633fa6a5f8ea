/**
 * deepHealthcheck: 1,000 malformed or unusual events through handler.ts against a local healthy
 * health endpoint, each ending in a handled outcome (a probe run or a specific InvalidEventError).
 */
import { mockClient } from 'aws-sdk-client-mock';
import type * as SmSdk from '@aws-sdk/client-secrets-manager';
import fc from 'fast-check';
import { malformedEvents, nastyString, samples } from '../../helpers/hardening/events';
import { loadIsolated } from '../../helpers/hardening/load';
import { lambdaContext } from '../../../local/lambda-context';
import { assertEventsHandled } from '../../helpers/hardening/property';
import { HEALTHY_BODY, json, startHttpServer, type TestServer } from '../../helpers/deep-healthcheck/servers';

/* eslint-disable @typescript-eslint/no-require-imports -- a fresh module registry needs require() */

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer(json(200, HEALTHY_BODY));
});
afterAll(async () => {
  await server.stop();
});

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

it('ends every malformed or unusual event in a handled outcome (1,000 cases)', async () => {
  const handler = loadIsolated(
    {
      HEALTH_TARGETS: JSON.stringify([
        { name: 'web', url: server.url() },
        { name: 'worker-web', url: server.url('/ht/worker?format=json') },
      ]),
    },
    () => {
      const sm = require('@aws-sdk/client-secrets-manager') as typeof SmSdk;
      mockClient(sm.SecretsManagerClient);
      return (require('../../../functions/deep-healthcheck/handler') as { handler: Handler }).handler;
    },
  );
  const bases = samples('deep-healthcheck').map((s) => s.event);
  const extra = [
    fc
      .array(fc.oneof(nastyString, fc.constantFrom('web', 'worker-web')), { maxLength: 4 })
      .map((targets) => ({ ...bases[0], targets })),
  ];
  const run = await assertEventsHandled(
    {
      fn: 'deepHealthcheck',
      invoke: (event) =>
        handler(event, lambdaContext({ functionName: 'deepHealthcheck', deadline: Date.now() + 20_000 })),
      notifications: () => [],
      isSkip: () => false,
    },
    malformedEvents(bases, extra),
    { numRuns: 1000 },
  );
  expect(run.tried).toBeGreaterThanOrEqual(1000);
  expect(server.requests.length).toBeGreaterThan(0);
});
