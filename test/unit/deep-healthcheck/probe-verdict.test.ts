import { judgeResponse, probeTarget } from '../../../shared/health/probe';
import type { ExchangeResponse } from '../../../shared/health/http';
import { HealthTargetSchema, type HealthTargetInput } from '../../../shared/health/target';

const target = (input: Partial<HealthTargetInput> = {}) =>
  HealthTargetSchema.parse({ name: 'web', url: 'https://app.example.com/ht/?format=json', ...input });
const response = (status: number, body: string, contentType = 'application/json'): ExchangeResponse => ({
  status,
  headers: { 'content-type': contentType },
  body: Buffer.from(body),
  tooLarge: false,
});

describe('judgeResponse', () => {
  it('blames the status of a load balancer error page, mentioning its HTML body', () => {
    const verdict = judgeResponse(
      target(),
      response(502, '<html><body>502 Bad Gateway</body></html>', 'text/html'),
      30,
    );

    expect(verdict.reason).toBe('status');
    expect(verdict.detail).toBe('HTTP 502, expected 200 (got HTML (HTTP 502) — is `?format=json` missing?)');
  });

  it('blames the body of a 200 that is not JSON', () => {
    expect(judgeResponse(target(), response(200, 'OK', 'text/plain'), 30)).toMatchObject({
      reason: 'body',
      detail: 'body is not JSON: "OK"',
    });
  });

  it('accepts a status the target declares as expected', () => {
    const verdict = judgeResponse(
      target({ format: 'status', expectedStatus: [200, 204] }),
      response(204, ''),
      30,
    );

    expect(verdict).toEqual({ reason: 'none', detail: 'healthy', components: [] });
  });

  it('reports a warning component as failing (django-health-check answers 500 for it by default)', () => {
    const verdict = judgeResponse(
      target(),
      response(500, JSON.stringify({ DiskUsage: 'warning: 91% used' })),
      30,
    );

    expect(verdict).toMatchObject({
      reason: 'component',
      detail: 'HTTP 500, 1 of 1 components failing: DiskUsage warning: 91% used',
    });
  });
});

describe('probeTarget without reaching the network', () => {
  it('does not start a probe when the invocation deadline has passed', async () => {
    const result = await probeTarget(target(), { deadlineMs: Date.now() - 1 });

    expect(result).toMatchObject({
      healthy: false,
      reason: 'timeout',
      detail: 'not probed: no time left before the invocation deadline',
    });
  });

  it('reports an unreadable token secret as a configuration failure naming the secret', async () => {
    const withToken = target({
      token: { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/health-AbCdEf' },
    });

    const result = await probeTarget(withToken, {
      getToken: async () => {
        throw Object.assign(new Error('User is not authorized to perform GetSecretValue'), {
          name: 'AccessDeniedException',
        });
      },
    });

    expect(result).toMatchObject({ healthy: false, reason: 'config' });
    expect(result.detail).toBe(
      'could not read the token from Secrets Manager secret "prod/health-AbCdEf": AccessDeniedException: User is not authorized to perform GetSecretValue',
    );
  });
});
