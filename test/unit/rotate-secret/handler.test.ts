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

  it("reports Secrets Manager's RotationFailed event (EventBridge) by the secret's name", async () => {
    const event = (await import('../../../events/rotate-secret/rotationFailed.json')).default;
    await expect(handler(event, context)).resolves.toEqual({
      notified: 'django-app/prod/db: Secrets Manager reports the rotation failed',
    });
  });

  it('rejects an EventBridge event that is not a RotationFailed record, naming the field', async () => {
    await expect(
      handler(
        { 'detail-type': 'AWS Service Event via CloudTrail', source: 'aws.secretsmanager', detail: {} },
        context,
      ),
    ).rejects.toThrow(/Not a Secrets Manager RotationFailed event .*detail\.eventName/);
  });
});

describe('rotationFailedNotification', () => {
  const base = {
    'detail-type': 'AWS Service Event via CloudTrail' as const,
    source: 'aws.secretsmanager' as const,
    detail: { eventName: 'RotationFailed' as const },
  };
  it('reads as a sentence with the secret, time and region missing or odd', async () => {
    const { rotationFailedNotification } = await import('../../../functions/rotate-secret/messages');
    const { formatEmail, formatSubject } = await import('../../../shared/notify/format');
    for (const event of [
      base,
      { ...base, detail: { ...base.detail, additionalEventData: null, requestParameters: null } },
      { ...base, resources: ['arn:aws:secretsmanager:us-east-1:1:secret:odd name/with spaces-AbCdEf'] },
    ]) {
      const n = rotationFailedNotification(event, 'us-east-1');
      const text = `${formatSubject(n)}\n${formatEmail(n)}`;
      expect(text).not.toMatch(/undefined|null|\[object| \.|of {2}/);
      expect(n.severity).toBe('critical');
    }
    const named = rotationFailedNotification(
      { ...base, resources: ['arn:aws:secretsmanager:us-east-1:1:secret:odd name/with spaces-AbCdEf'] },
      'us-east-1',
    );
    expect(named.title).toBe('odd name/with spaces: Secrets Manager reports the rotation failed');
  });
});
