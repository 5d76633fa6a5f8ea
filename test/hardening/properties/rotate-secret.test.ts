/**
 * rotateSecret: 1,000 malformed or unusual rotation events through the handler's path
 * (parseRotationEvent, then rotateSecret with the in-memory Secrets Manager), each ending in a
 * handled outcome. The database is a closed port: steps that reach it must fail retryably.
 */
import fc from 'fast-check';
import { rotateSecret } from '../../../functions/rotate-secret/core';
import { parseRotationEvent, ROTATION_STEPS } from '../../../functions/rotate-secret/schema';
import { malformedEvents, nastyString, samples } from '../../helpers/hardening/events';
import { assertEventsHandled } from '../../helpers/hardening/property';
import { FakeSecretsManager } from '../../../local/rotate-secret/fake-secrets-manager';
import { recordingNotifier, rotationDeps, testConfig } from '../../../local/rotate-secret/rotation';
import { formatEmail, formatSubject } from '../../../shared/notify/format';

const fake = new FakeSecretsManager();
afterAll(() => {
  fake.restore();
});

it('ends every malformed or unusual rotation event in a handled outcome (1,000 cases)', async () => {
  const secret = {
    engine: 'postgres',
    host: '127.0.0.1',
    port: 1,
    username: 'hard_app',
    password: 'hunter22',
    dbname: 'hard_db',
  };
  const arn = fake.createSecret('django-app/local/db', JSON.stringify(secret));
  const tokens = ['3f1e6c2a-8d4b-4b8e-9a61-2c7d5e0f9b13', fake.startRotation('django-app/local/db')];
  fake.startRotation('django-app/local/db', tokens[0]);
  // A random-value secret (no database) too, so valid events also complete steps.
  const apiArn = fake.createSecret('django-app/local/api-token', 'initial-token-value-0003');
  tokens.push(fake.startRotation('django-app/local/api-token'));
  const notifier = recordingNotifier();
  const deps = rotationDeps(fake, { notifier });
  const config = testConfig({ DB_CONNECT_TIMEOUT_MS: '500', CLUSTER_NAME: 'django-app' });
  const texts: string[] = [];
  const bases = samples('rotate-secret').map((s) => s.event);
  const extra = [
    // Valid shapes against the fake: known and unknown ids and tokens, every step, any order.
    fc.record({
      SecretId: fc.oneof(
        fc.constantFrom(arn, 'django-app/local/db', apiArn, 'django-app/local/api-token'),
        nastyString,
      ),
      ClientRequestToken: fc.oneof(fc.constantFrom(...tokens), nastyString),
      Step: fc.oneof(fc.constantFrom(...ROTATION_STEPS), nastyString),
    }),
  ];
  const run = await assertEventsHandled(
    {
      fn: 'rotateSecret',
      invoke: (event) => rotateSecret(parseRotationEvent(event), deps, config),
      notifications: () => {
        for (const n of notifier.sent.slice(texts.length))
          texts.push(`${formatSubject(n)}\n${formatEmail(n)}`);
        return texts;
      },
      isSkip: (r) => /skip|already|nothing/i.test(JSON.stringify(r)),
    },
    malformedEvents(bases, extra),
    { numRuns: 1000 },
  );
  expect(run.tried).toBeGreaterThanOrEqual(1000);
});
