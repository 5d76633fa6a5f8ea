import { clearRegisteredSecrets } from '../../../shared/redact';
import { probeTarget } from '../../../shared/health/probe';
import { HealthTargetSchema, type HealthTargetInput } from '../../../shared/health/target';
import { makeTestCertificates, type TestCertificates } from '../../helpers/deep-healthcheck/certs';
import {
  HEALTHY_BODY,
  closedPortUrl,
  hang,
  html,
  hugeBody,
  json,
  redirectChain,
  redirectLoop,
  requireToken,
  slow,
  startHttpServer,
  startHttpsServer,
  type Handler,
  type TestServer,
} from '../../helpers/deep-healthcheck/servers';

const target = (input: Partial<HealthTargetInput> & { url: string }) =>
  HealthTargetSchema.parse({ name: 'web', ...input });

const servers: TestServer[] = [];
async function serve(handler: Handler): Promise<TestServer> {
  const server = await startHttpServer(handler);
  servers.push(server);
  return server;
}
async function serveTls(credentials: { cert: string; key: string }, handler: Handler): Promise<TestServer> {
  const server = await startHttpsServer(credentials, handler);
  servers.push(server);
  return server;
}

let certs: TestCertificates;
beforeAll(() => {
  certs = makeTestCertificates(45);
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  clearRegisteredSecrets();
});

describe('the Accept header', () => {
  it('asks for JSON once, lets the target override it, and sends none for status-only targets', async () => {
    const server = await serve(json(200, HEALTHY_BODY));

    await probeTarget(target({ url: server.url('/ht/') }));
    await probeTarget(target({ url: server.url('/ht/'), headers: { ACCEPT: 'application/vnd.app+json' } }));
    await probeTarget(target({ url: server.url('/ping'), format: 'status' }));

    expect(server.requests.map((r) => r.headers.accept)).toEqual([
      'application/json',
      'application/vnd.app+json',
      undefined,
    ]);
  });
});

describe('probeTarget against local servers', () => {
  it('reports a healthy django-health-check endpoint with every component', async () => {
    const server = await serve(json(200, HEALTHY_BODY));

    const result = await probeTarget(target({ url: server.url() }));

    expect(result).toMatchObject({
      target: 'web',
      healthy: true,
      reason: 'none',
      detail: 'healthy',
      status: 200,
    });
    expect(result.components.map((c) => [c.name, c.state])).toEqual(
      Object.keys(HEALTHY_BODY).map((n) => [n, 'working']),
    );
  });

  it('times out on a server that never answers, within timeoutMs', async () => {
    const server = await serve(hang);

    const result = await probeTarget(target({ url: server.url(), timeoutMs: 300 }));

    expect(result).toMatchObject({ healthy: false, reason: 'timeout' });
    expect(result.detail).toContain('timeoutMs (300 ms)');
  });

  it('stops at the invocation deadline when it comes before timeoutMs', async () => {
    const server = await serve(hang);

    const result = await probeTarget(target({ url: server.url(), timeoutMs: 30_000 }), {
      deadlineMs: Date.now() + 200,
    });

    expect(result.reason).toBe('timeout');
    expect(result.detail).toContain('invocation deadline');
  });

  it('marks an answer slower than the latency budget as slow, keeping its components', async () => {
    const server = await serve(slow(250));

    const result = await probeTarget(target({ url: server.url(), latencyBudgetMs: 100 }));

    expect(result).toMatchObject({ healthy: false, reason: 'slow', status: 200 });
    expect(result.detail).toMatch(/over the 100 ms budget/);
    expect(result.components).toHaveLength(4);
  });

  it('reports a refused connection with host and port', async () => {
    const url = await closedPortUrl();

    const result = await probeTarget(target({ url }));

    expect(result).toMatchObject({ healthy: false, reason: 'connection' });
    expect(result.detail).toContain(`connection refused (127.0.0.1:${new URL(url).port})`);
  });

  it('trusts a certificate from a configured private CA and reports its days left', async () => {
    const server = await serveTls(certs.valid, json(200, HEALTHY_BODY));

    const result = await probeTarget(target({ url: server.url(), caCertificate: certs.caPem }));

    expect(result.detail).toBe('healthy');
    expect(result).toMatchObject({ healthy: true, reason: 'none' });
    expect(result.certificateDaysLeft).toBeGreaterThanOrEqual(43);
    expect(result.certificateDaysLeft).toBeLessThanOrEqual(45);
  });

  it('rejects a self-signed certificate without sending the request', async () => {
    const server = await serveTls(certs.selfSigned, json(200, HEALTHY_BODY));

    const result = await probeTarget(target({ url: server.url() }));

    expect(result).toMatchObject({ healthy: false, reason: 'tls' });
    expect(result.detail).toMatch(/certificate not trusted: .*SELF_SIGNED/);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects an expired certificate and still reports how long ago it expired', async () => {
    const server = await serveTls(certs.expired, requireToken('s3cret-token-value'));

    const result = await probeTarget(
      target({
        url: server.url(),
        caCertificate: certs.caPem,
        token: { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:health-AbCdEf' },
      }),
      { getToken: async () => 's3cret-token-value' },
    );

    expect(result).toMatchObject({ healthy: false, reason: 'tls' });
    expect(result.detail).toContain(
      'certificate not trusted: CERT_HAS_EXPIRED (expired 2020-02-01T00:00:00.000Z)',
    );
    expect(result.certificateDaysLeft).toBeLessThan(-2000);
    expect(server.requests).toHaveLength(0);
  });

  it('stops a redirect loop and names the hops', async () => {
    const server = await serve(redirectLoop);

    const result = await probeTarget(target({ url: server.url('/a'), maxRedirects: 5 }));

    expect(result).toMatchObject({ healthy: false, reason: 'redirect' });
    expect(result.detail).toBe(
      `redirect loop: ${server.url('/a')} → ${server.url('/b')} → ${server.url('/a')}`,
    );
  });

  it('follows redirects up to maxRedirects and refuses one more', async () => {
    const server = await serve(redirectChain(3));

    const within = await probeTarget(target({ url: server.url('/r/3'), maxRedirects: 3 }));
    const beyond = await probeTarget(target({ url: server.url('/r/3'), maxRedirects: 2 }));

    expect(within).toMatchObject({ healthy: true, status: 200 });
    expect(beyond).toMatchObject({ healthy: false, reason: 'redirect' });
    expect(beyond.detail).toContain('more than maxRedirects (2)');
  });

  it('explains an HTML body where JSON was expected', async () => {
    const server = await serve(html);

    const result = await probeTarget(target({ url: server.url('/ht/') }));

    expect(result).toMatchObject({ healthy: false, reason: 'body', status: 200 });
    expect(result.detail).toBe('got HTML (HTTP 200) — is `?format=json` missing?');
  });

  it('stops reading a 20 MB body at maxBodyBytes', async () => {
    const server = await serve(hugeBody(20 * 1024 * 1024));

    const result = await probeTarget(
      target({ url: server.url(), maxBodyBytes: 1024 * 1024, timeoutMs: 20_000 }),
    );

    expect(result).toMatchObject({ healthy: false, reason: 'body', status: 200 });
    expect(result.detail).toContain('larger than maxBodyBytes (1048576 bytes)');
  });

  it('says a token is required when the endpoint answers 401 to a target without one', async () => {
    const server = await serve(requireToken('right-token-1234'));

    const result = await probeTarget(target({ url: server.url() }));

    expect(result).toMatchObject({ healthy: false, reason: 'auth', status: 401 });
    expect(result.detail).toContain('configure "token"');
  });

  it('sends the token from the secret and passes', async () => {
    const server = await serve(requireToken('right-token-1234'));
    const token = { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:health-AbCdEf' };

    const result = await probeTarget(target({ url: server.url(), token }), {
      getToken: async () => 'right-token-1234',
    });

    expect(result).toMatchObject({ healthy: true, status: 200 });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer right-token-1234');
  });

  it('reports a wrong token as an auth failure and never prints the token', async () => {
    const server = await serve(requireToken('right-token-1234'));
    const token = { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:health-AbCdEf' };

    const result = await probeTarget(target({ url: server.url(), token }), {
      getToken: async () => 'wrong-token-5678',
    });

    expect(result).toMatchObject({ healthy: false, reason: 'auth', status: 401 });
    expect(result.detail).toContain('rejected the token from Secrets Manager secret "health-AbCdEf"');
    expect(JSON.stringify(result)).not.toContain('wrong-token-5678');
  });

  it('does not send the token to another origin after a redirect', async () => {
    const other = await serve(json(200, HEALTHY_BODY));
    const first = await serve((_req, res) => {
      res.writeHead(302, { location: other.url() });
      res.end();
    });
    const token = { secretArn: 'health-token', header: 'X-Health-Token', scheme: '' };

    const result = await probeTarget(target({ url: first.url(), token }), {
      getToken: async () => 'abc-token-9876',
    });

    expect(result.healthy).toBe(true);
    expect(first.requests[0]?.headers['x-health-token']).toBe('abc-token-9876');
    expect(other.requests[0]?.headers['x-health-token']).toBeUndefined();
  });

  it('reports the component detail of a 500 from django-health-check', async () => {
    const server = await serve(
      json(500, { ...HEALTHY_BODY, DatabaseBackend: 'unavailable: Database error' }),
    );

    const result = await probeTarget(target({ url: server.url() }));

    expect(result).toMatchObject({ healthy: false, reason: 'component', status: 500 });
    expect(result.detail).toBe(
      'HTTP 500, 1 of 4 components failing: DatabaseBackend unavailable: Database error',
    );
  });

  it('evaluates Gatus-style conditions on a json target', async () => {
    const server = await serve(json(200, { status: 'DEGRADED', checks: [1, 2] }));

    const result = await probeTarget(
      target({
        url: server.url('/health'),
        format: 'json',
        conditions: ['len([BODY].checks) == 2', '[BODY].status == UP'],
      }),
    );

    expect(result).toMatchObject({ healthy: false, reason: 'body' });
    expect(result.detail).toBe('condition failed: [BODY].status == UP (actual: DEGRADED)');
  });

  it('only checks the status for a status target, without reading the body', async () => {
    const server = await serve(hugeBody(20 * 1024 * 1024));

    const result = await probeTarget(target({ url: server.url('/'), format: 'status', maxBodyBytes: 1024 }));

    expect(result).toMatchObject({ healthy: true, status: 200 });
  });
});
