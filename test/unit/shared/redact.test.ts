import { clearRegisteredSecrets, redact, redactDeep, registerSecret } from '../../../shared/redact';

afterEach(() => clearRegisteredSecrets());

describe('redact', () => {
  it.each([
    [
      'postgres://django:pa55@db.example.com:5432/app',
      'postgres://django:[REDACTED]@db.example.com:5432/app',
    ],
    ['password=hunter22 user=x', 'password=[REDACTED] user=x'],
    ['{"password": "hunter22"}', '{"password": [REDACTED]}'],
    ['DJANGO_SECRET_KEY=abc123def456', 'DJANGO_SECRET_KEY=[REDACTED]'],
    ['Authorization: Bearer abcdefgh12345678', 'Authorization: Bearer [REDACTED]'],
    ['HEALTH_CHECK_TOKEN: t0k3n-value', 'HEALTH_CHECK_TOKEN: [REDACTED]'],
  ])('hides the secret in %s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('hides registered values wherever they appear', () => {
    registerSecret('Zq8!xY2@pL');
    expect(redact('login failed with Zq8!xY2@pL for user app')).toBe(
      'login failed with [REDACTED] for user app',
    );
  });

  it('leaves ordinary text alone', () => {
    const text =
      'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/abc)';
    expect(redact(text)).toBe(text);
  });

  it('stays fast on megabytes of adversarial input', () => {
    const input = `${'a'.repeat(2_000_000)}://${'b'.repeat(100_000)}password`;
    expect(redact(input).length).toBeGreaterThan(2_000_000);
  });
});

describe('redactDeep', () => {
  it('blanks secret keys at any depth and redacts strings', () => {
    registerSecret('s3cret-value');
    expect(
      redactDeep({
        username: 'app',
        password: 'x',
        nested: { apiKey: 'k', note: 'uses s3cret-value' },
        list: ['token=abc'],
      }),
    ).toEqual({
      username: 'app',
      password: '[REDACTED]',
      nested: { apiKey: '[REDACTED]', note: 'uses [REDACTED]' },
      list: ['token=[REDACTED]'],
    });
  });
});

describe('redact keeps identifiers readable', () => {
  it('does not mistake a Secrets Manager ARN for a secret value', () => {
    const text =
      'secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf failed';
    expect(redact(text)).toBe(text);
  });

  // cleanReason (db-iam-user) and secretNameOf (rotate-secret) used to set ARNs aside before
  // calling redact(); redact alone must keep them readable and still take the secrets out.
  it('keeps ARNs and action names beside secrets it removes', () => {
    registerSecret('s3cr3t-master-pw');
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/app/db-master-x1Y2z3';
    const out = redact(
      `secretsmanager:GetSecretValue on ${arn} failed: password=hunter22, login s3cr3t-master-pw refused`,
    );
    expect(out).toBe(
      `secretsmanager:GetSecretValue on ${arn} failed: password=[REDACTED], login [REDACTED] refused`,
    );
  });
});
