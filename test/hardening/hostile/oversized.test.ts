/**
 * Oversized events (more than 1 MB: a huge field and a 5,000-element array, and a 1 MB string
 * where a short one belongs) through every function: each ends in a handled outcome, never a
 * crash, and no notification repeats a megabyte of input.
 */
import type * as SmSdk from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { invocationPorts } from '../../../functions/db-iam-user/adapters';
import { cfnResponder } from '../../../functions/db-iam-user/adapters/cfn-response';
import { handleEvent, type InvocationDeps } from '../../../functions/db-iam-user/custom-resource';
import { authMethod } from '../../../functions/db-iam-user/dialects/mysql';
import { rotateSecret } from '../../../functions/rotate-secret/core';
import { parseRotationEvent } from '../../../functions/rotate-secret/schema';
import { MARIADB_AUTH_CLAUSE } from '../../helpers/db-iam-user/databases';
import { oversized, samples } from '../../helpers/hardening/events';
import { loadIsolated } from '../../helpers/hardening/load';
import { lambdaContext } from '../../../local/lambda-context';
import { deepCopy, outcomeOf, outcomeProblems, unchanged } from '../../helpers/hardening/outcome';
import {
  deploymentGuardRig,
  healthAlarmRig,
  queueDriftRig,
  taskStoppedRig,
  type Rig,
} from '../../helpers/hardening/rigs';
import { FakeSecretsManager } from '../../../local/rotate-secret/fake-secrets-manager';
import { rotationDeps, testConfig } from '../../../local/rotate-secret/rotation';

/* eslint-disable @typescript-eslint/no-require-imports -- a fresh module registry needs require() */

const MB = 1_000_000;

/** Every sample of the function made oversized two ways. */
function bigEvents(folder: string): unknown[] {
  return samples(folder).flatMap(({ event }) => {
    const firstString = Object.keys(event).find((k) => typeof event[k] === 'string' && k !== 'detail-type');
    return [
      oversized(event),
      firstString ? { ...deepCopy(event), [firstString]: 'z'.repeat(MB + 1) } : oversized(event),
    ];
  });
}

async function expectHandled(
  fn: string,
  run: (e: unknown) => Promise<unknown>,
  events: unknown[],
  sent: () => string[],
) {
  for (const e of events) {
    expect(JSON.stringify(e).length).toBeGreaterThan(MB);
    const before = deepCopy(e);
    const count = sent().length;
    const outcome = await outcomeOf(
      () => run(e),
      () => false,
    );
    expect(outcomeProblems(outcome)).toEqual([]);
    expect(unchanged(before, e)).toBe(true);
    // A notification is for a person: never a megabyte of echoed input.
    for (const text of sent().slice(count)) expect(text.length).toBeLessThan(300_000);
  }
}

const RIGS: Array<[string, string, () => Rig]> = [
  ['queueDrift', 'queue-drift', queueDriftRig],
  ['taskStopped', 'task-stopped', taskStoppedRig],
  ['healthAlarm', 'health-alarm', healthAlarmRig],
  ['deploymentGuard', 'deployment-guard', deploymentGuardRig],
];

it.each(RIGS)('%s handles 1 MB+ events', async (fn, folder, load) => {
  const rig = load();
  await expectHandled(
    fn,
    (e) => rig.handler(e, lambdaContext({ functionName: fn, deadline: Date.now() + 30_000 })),
    bigEvents(folder),
    rig.published,
  );
});

it('deepHealthcheck handles 1 MB+ events', async () => {
  const handler = loadIsolated(
    { HEALTH_TARGETS: JSON.stringify([{ name: 'web', url: 'http://127.0.0.1:1/ht/', timeoutMs: 200 }]) },
    () => {
      const sm = require('@aws-sdk/client-secrets-manager') as typeof SmSdk;
      mockClient(sm.SecretsManagerClient);
      return (
        require('../../../functions/deep-healthcheck/handler') as {
          handler: (e: unknown, c: unknown) => Promise<unknown>;
        }
      ).handler;
    },
  );
  const big = bigEvents('deep-healthcheck');
  big.push({ ...(big[0] as object), targets: Array.from({ length: 50_000 }, (_, i) => `target-${i}`) });
  await expectHandled(
    'deepHealthcheck',
    (e) => handler(e, lambdaContext({ functionName: 'deepHealthcheck', deadline: Date.now() + 20_000 })),
    big,
    () => [],
  );
});

it('rotateSecret handles 1 MB+ events', async () => {
  const fake = new FakeSecretsManager();
  try {
    const deps = rotationDeps(fake);
    await expectHandled(
      'rotateSecret',
      (e) => rotateSecret(parseRotationEvent(e), deps, testConfig()),
      bigEvents('rotate-secret'),
      () => [],
    );
  } finally {
    fake.restore();
  }
});

it('dbIamUser answers 1 MB+ events with a reason within the 4 KB response limit', async () => {
  const bodies: string[] = [];
  const deps: InvocationDeps = {
    ...invocationPorts(),
    credentials: { get: async () => ({ username: 'postgres', password: 'unused-pw' }) },
    endpoints: { endpointForSecret: async () => undefined },
    connect: async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    },
    mysqlAuth: authMethod(MARIADB_AUTH_CLAUSE),
  };
  const events = samples('db-iam-user').flatMap(({ event }) => [
    oversized(event),
    {
      ...deepCopy(event),
      ResourceProperties: { ...(event.ResourceProperties as object), Username: 'u'.repeat(MB + 1) },
    },
    { ...deepCopy(event), LogicalResourceId: 'L'.repeat(MB + 1) },
  ]);
  await expectHandled(
    'dbIamUser',
    (e) =>
      handleEvent(
        e,
        lambdaContext({ deadline: Date.now() + 20_000 }),
        {
          ...deps,
          respond: cfnResponder({
            put: async (_url, body) => {
              bodies.push(body);
              return 200;
            },
            sleep: async () => undefined,
          }),
        },
        {
          dryRun: false,
          marginMs: 5_000,
        },
      ),
    events,
    // The Reason is what a person reads; the ids are echoed as CloudFormation requires.
    () => bodies.map((b) => (JSON.parse(b) as { Reason: string }).Reason),
  );
  expect(bodies.length).toBe(events.length);
  for (const body of bodies)
    expect(Buffer.byteLength((JSON.parse(body) as { Reason: string }).Reason)).toBeLessThanOrEqual(4096);
});
