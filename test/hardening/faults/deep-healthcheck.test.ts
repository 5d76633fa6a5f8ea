/**
 * deepHealthcheck under faults (Secrets Manager for the token; real local servers that refuse,
 * reset, hang, answer 500 or HTML) and hostile configuration and tokens (CR/LF header injection).
 * A failing target is a result, not an error, by design: every case must end as an unhealthy
 * result whose reason names the cause — never a thrown exception, never a leaked token, and no
 * injected header ever reaches the server.
 */
import type * as SmSdk from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FAULTS } from '../../helpers/hardening/faults';
import { loadIsolated } from '../../helpers/hardening/load';
import { lambdaContext } from '../../../local/lambda-context';
import { outcomeOf } from '../../helpers/hardening/outcome';
import { closedPort, hangingServer, resettingServer, type Closable } from '../../helpers/hardening/servers';
import {
  HEALTHY_BODY,
  html,
  json,
  requireToken,
  startHttpServer,
  type TestServer,
} from '../../helpers/deep-healthcheck/servers';

/* eslint-disable @typescript-eslint/no-require-imports -- a fresh module registry needs require() */

const TOKEN = 'hc-token-42';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/health-AbCdEf';
const scheduled = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../../events/deep-healthcheck/scheduled.json'), 'utf8'),
) as unknown;

let tokenServer: TestServer;
let failing: TestServer;
let htmlServer: TestServer;
let hanging: Closable;
let resetting: Closable;
let closed: number;

beforeAll(async () => {
  tokenServer = await startHttpServer(requireToken(TOKEN));
  failing = await startHttpServer(
    json(500, { ...HEALTHY_BODY, DatabaseBackend: 'unavailable: Database error' }),
  );
  htmlServer = await startHttpServer(html);
  hanging = await hangingServer();
  resetting = await resettingServer();
  closed = await closedPort();
});
afterAll(async () => {
  await Promise.all([
    tokenServer.stop(),
    failing.stop(),
    htmlServer.stop(),
    hanging.close(),
    resetting.close(),
  ]);
});

interface ProbeResult {
  target: string;
  healthy: boolean;
  reason: string;
  detail: string;
}
type Result = { probed: number; results: ProbeResult[] };

/** Runs the deployed handler once with these targets and this Secrets Manager behaviour. */
async function runWith(
  targets: unknown[],
  secret: (sm: typeof SmSdk, mock: ReturnType<typeof mockClient>) => void,
) {
  const handler = loadIsolated({ HEALTH_TARGETS: JSON.stringify(targets), TOKEN_CACHE_SECONDS: '0' }, () => {
    const sm = require('@aws-sdk/client-secrets-manager') as typeof SmSdk;
    secret(sm, mockClient(sm.SecretsManagerClient));
    return (
      require('../../../functions/deep-healthcheck/handler') as {
        handler: (e: unknown, c: unknown) => Promise<Result>;
      }
    ).handler;
  });
  const logged: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    }),
  );
  try {
    const outcome = await outcomeOf(
      () =>
        handler(scheduled, lambdaContext({ functionName: 'deepHealthcheck', deadline: Date.now() + 20_000 })),
      () => false,
    );
    return { outcome, logged };
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
}

function expectUnhealthy(
  outcome: Awaited<ReturnType<typeof runWith>>['outcome'],
  reason: RegExp,
  detail: RegExp,
) {
  expect(outcome.kind).toBe('result');
  const result = (outcome.result as Result).results[0]!;
  expect(result).toMatchObject({
    healthy: false,
    reason: expect.stringMatching(reason),
    detail: expect.stringMatching(detail),
  });
  expect(JSON.stringify(outcome.result)).not.toContain(TOKEN);
}

const withToken = (url: string, extra: Record<string, unknown> = {}) => ({
  name: 'web',
  url,
  token: { secretArn: SECRET_ARN, jsonKey: 'HEALTH_CHECK_TOKEN' },
  timeoutMs: 1_000,
  ...extra,
});

describe('Secrets Manager faults while reading the token', () => {
  it.each(FAULTS.map((f) => [f.name, f] as const))(
    '%s: unhealthy, reason names the token read',
    async (_n, fault) => {
      const { outcome } = await runWith([withToken(tokenServer.url())], (sm, mock) => {
        if (fault.error) mock.on(sm.GetSecretValueCommand).rejects(fault.error());
        else mock.on(sm.GetSecretValueCommand).resolves({});
      });
      expectUnhealthy(outcome, /config|auth/, fault.mark ? new RegExp(`token.*${fault.mark}`) : /token/);
    },
  );

  it('a working token still logs in (control)', async () => {
    const { outcome } = await runWith([withToken(tokenServer.url())], (sm, mock) => {
      mock
        .on(sm.GetSecretValueCommand)
        .resolves({ SecretString: JSON.stringify({ HEALTH_CHECK_TOKEN: TOKEN }) });
    });
    expect((outcome.result as Result).results[0]).toMatchObject({ healthy: true });
  });
});

describe('endpoint faults (real local servers)', () => {
  const cases: Array<[string, () => string, RegExp, RegExp]> = [
    [
      'connection refused (closed port)',
      () => `http://127.0.0.1:${closed}/ht/`,
      /connection/,
      /ECONNREFUSED|refused/,
    ],
    [
      'connection reset',
      () => `http://127.0.0.1:${resetting.port}/ht/`,
      /connection/,
      /ECONNRESET|socket hang up|reset/i,
    ],
    [
      'accepts and never answers',
      () => `http://127.0.0.1:${hanging.port}/ht/`,
      /timeout/,
      /timeoutMs \(300 ms\)/,
    ],
    ['500 with a failing component', () => failing.url(), /status|component/, /500|Database/],
    ['HTML instead of JSON', () => htmlServer.url(), /body|status/, /.+/],
  ];
  it.each(cases)('%s: unhealthy with the cause', async (_n, url, reason, detail) => {
    const { outcome } = await runWith([{ name: 'web', url: url(), timeoutMs: 300 }], () => undefined);
    expectUnhealthy(outcome, reason, detail);
  });
});

describe('header injection', () => {
  const INJECTED = 'x-injected';

  it.each([
    ['CR/LF in the token read from Secrets Manager', `${TOKEN}\r\nX-Injected: yes`],
    ['LF only in the token', `${TOKEN}\nX-Injected: yes`],
    ['NUL in the token', `${TOKEN}\u0000X-Injected: yes`],
  ])('%s: no injected header reaches the server, the token is not printed', async (_n, token) => {
    const before = tokenServer.requests.length;
    const { outcome, logged } = await runWith([withToken(tokenServer.url())], (sm, mock) => {
      mock
        .on(sm.GetSecretValueCommand)
        .resolves({ SecretString: JSON.stringify({ HEALTH_CHECK_TOKEN: token }) });
    });
    expect(outcome.kind).toBe('result');
    expect((outcome.result as Result).results[0]!.healthy).toBe(false);
    for (const r of tokenServer.requests.slice(before))
      expect(Object.keys(r.headers)).not.toContain(INJECTED);
    expect(JSON.stringify(outcome.result) + logged.join('\n')).not.toContain(TOKEN);
  });

  it.each([
    ['CR/LF in a configured header value', { 'X-Tenant': 'a\r\nX-Injected: yes' }],
    ['CR/LF in a configured header name', { 'X-Tenant\r\nX-Injected': 'yes' }],
    ['unicode in a header value', { 'X-Tenant': 'Ünïcødé ✓' }],
  ])('%s: refused at configuration or as an unhealthy result, never sent', async (_n, headers) => {
    const before = tokenServer.requests.length;
    const { outcome } = await runWith(
      [{ name: 'web', url: tokenServer.url(), headers, timeoutMs: 500 }],
      () => undefined,
    );
    expect(['result', 'error']).toContain(outcome.kind);
    if (outcome.kind === 'result') expect((outcome.result as Result).results[0]!.healthy).toBe(false);
    for (const r of tokenServer.requests.slice(before))
      expect(Object.keys(r.headers)).not.toContain(INJECTED);
  });
});
