import { HealthTargetListSchema, HealthTargetSchema } from '../../../shared/health/target';

describe('HealthTargetSchema', () => {
  it('fills the defaults of a minimal target', () => {
    expect(HealthTargetSchema.parse({ name: 'web', url: 'https://app.example.com/ht/?format=json' })).toEqual(
      {
        name: 'web',
        url: 'https://app.example.com/ht/?format=json',
        method: 'GET',
        headers: {},
        timeoutMs: 5000,
        expectedStatus: [200],
        latencyBudgetMs: 2000,
        format: 'django-health-check',
        conditions: [],
        maxRedirects: 3,
        maxBodyBytes: 1048576,
        alarm: { failing: 3, outOf: 5, certificateDays: 14 },
      },
    );
  });

  it('defaults the token header and scheme and accepts a single expected status', () => {
    const target = HealthTargetSchema.parse({
      name: 'web',
      url: 'https://app.example.com/ht/',
      expectedStatus: 204,
      token: { secretArn: 'prod/health-token', jsonKey: 'HEALTH_CHECK_TOKEN' },
    });

    expect(target.expectedStatus).toEqual([204]);
    expect(target.token).toEqual({
      secretArn: 'prod/health-token',
      jsonKey: 'HEALTH_CHECK_TOKEN',
      header: 'Authorization',
      scheme: 'Bearer',
    });
  });

  it.each([
    [{ name: 'web app', url: 'https://x.example/' }, 'name'],
    [{ name: 'web', url: 'ftp://x.example/' }, 'url'],
    [{ name: 'web', url: 'https://x.example/', conditions: ['[BODY].x = 1'] }, 'conditions'],
    [{ name: 'web', url: 'http://app.example.com/ht/', token: { secretArn: 's' } }, 'token'],
    [{ name: 'web', url: 'https://x.example/', alarm: { failing: 6, outOf: 5 } }, 'alarm'],
  ])('rejects %j at %s', (input, path) => {
    const result = HealthTargetSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe(path);
  });

  it('rejects two targets with the same name', () => {
    const result = HealthTargetListSchema.safeParse([
      { name: 'web', url: 'https://a.example/' },
      { name: 'web', url: 'https://b.example/' },
    ]);
    expect(result.error?.issues[0]?.message).toBe('duplicate target name "web"');
  });
});
