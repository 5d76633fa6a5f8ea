import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { clearRegisteredSecrets, redact } from '../../../shared/redact';
import { HealthTargetSchema } from '../../../shared/health/target';
import { secretsManagerTokenSource } from '../../../shared/health/token';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/health-AbCdEf';
const target = (jsonKey?: string) =>
  HealthTargetSchema.parse({
    name: 'web',
    url: 'https://app.example.com/ht/',
    token: { secretArn: ARN, jsonKey },
  });

const sm = mockClient(SecretsManagerClient);
beforeEach(() => {
  sm.reset();
  clearRegisteredSecrets();
});

describe('secretsManagerTokenSource', () => {
  it('reads the secret once and reuses it between invocations until the TTL passes', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'tok-1234567' });
    let now = 1_000;
    const tokens = secretsManagerTokenSource(new SecretsManagerClient({}), { ttlMs: 60_000, now: () => now });

    const first = await tokens.get(target());
    now += 59_000;
    const cached = await tokens.get(target());
    now += 2_000;
    await tokens.get(target());

    expect([first, cached]).toEqual(['tok-1234567', 'tok-1234567']);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: ARN });
  });

  it('shares one request between concurrent probes of the same secret', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'tok-1234567' });
    const tokens = secretsManagerTokenSource(new SecretsManagerClient({}));

    await Promise.all([tokens.get(target()), tokens.get(target()), tokens.get(target())]);

    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('reads one key of a JSON secret and registers the token for redaction', async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ HEALTH_CHECK_TOKEN: 'hc-token-42', other: 'x' }),
    });
    const tokens = secretsManagerTokenSource(new SecretsManagerClient({}));

    const token = await tokens.get(target('HEALTH_CHECK_TOKEN'));

    expect(token).toBe('hc-token-42');
    expect(redact('sent hc-token-42')).toBe('sent [REDACTED]');
  });

  it('re-reads the secret after invalidate (the endpoint rejected a rotated token)', async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'old-token-1' })
      .resolves({ SecretString: 'new-token-2' });
    const tokens = secretsManagerTokenSource(new SecretsManagerClient({}));

    await tokens.get(target());
    tokens.invalidate(ARN);

    expect(await tokens.get(target())).toBe('new-token-2');
  });

  it('names the secret and the missing key, never the secret value', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ password: 'do-not-print-me' }) });
    const tokens = secretsManagerTokenSource(new SecretsManagerClient({}));

    const error = await tokens.get(target('HEALTH_CHECK_TOKEN')).catch((e: Error) => e);

    expect((error as Error).message).toBe(
      'Secrets Manager secret "prod/health-AbCdEf" has no string key "HEALTH_CHECK_TOKEN" (keys: password)',
    );
    expect((error as Error).message).not.toContain('do-not-print-me');
  });

  it('wraps an SDK failure and does not cache it', async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }))
      .resolves({ SecretString: 'tok-1234567' });
    const tokens = secretsManagerTokenSource(new SecretsManagerClient({}));

    await expect(tokens.get(target())).rejects.toThrow(
      'GetSecretValue of Secrets Manager secret "prod/health-AbCdEf" failed: AccessDeniedException: User is not authorized',
    );
    expect(await tokens.get(target())).toBe('tok-1234567');
  });
});
