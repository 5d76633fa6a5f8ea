import type { Context } from 'aws-lambda';

// The handler wiring, on the local stage's configuration: secrets from the sample state file, dry run.
describe('rotateSecret handler (local stage wiring)', () => {
  const context = {
    functionName: 'rotateSecret',
    awsRequestId: 'req-1',
    getRemainingTimeInMillis: () => 30_000,
  } as unknown as Context;
  let handler: (event: unknown, context: Context) => Promise<unknown>;

  beforeAll(() => {
    process.env.LOCAL_SECRETS_STATE = 'events/rotate-secret/state/local-secrets.json';
    process.env.DRY_RUN = 'true';
    process.env.NOTIFY_TOPIC_ARN = '';
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = require('../../../functions/rotate-secret/handler').handler;
    });
  });
  afterAll(() => {
    delete process.env.LOCAL_SECRETS_STATE;
    delete process.env.DRY_RUN;
    delete process.env.NOTIFY_TOPIC_ARN;
  });

  it('runs the sample createSecret event as a dry run', async () => {
    const event = (await import('../../../events/rotate-secret/createSecret.json')).default;
    await expect(handler(event, context)).resolves.toMatchObject({
      name: 'django-app/local/db',
      step: 'createSecret',
      outcome: 'dry-run',
      strategy: 'alternating-users',
      actions: [expect.stringMatching(/^would PutSecretValue django-app\/local\/db .*user django_clone/)],
    });
  });

  it('rejects an event that is not a rotation step, saying which field is wrong', async () => {
    await expect(
      handler({ SecretId: 'x', ClientRequestToken: 't', Step: 'rotate' }, context),
    ).rejects.toThrow(/Not a Secrets Manager rotation event .*Step/);
  });
});
