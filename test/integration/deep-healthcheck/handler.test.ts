// The deployed entry point end to end: env config, the scheduled event, Secrets Manager (mocked
// SDK) for the token, a real local server, and everything the function prints.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { clearRegisteredSecrets } from '../../../shared/redact';
import {
  HEALTHY_BODY,
  json,
  requireToken,
  startHttpServer,
  type TestServer,
} from '../../helpers/deep-healthcheck/servers';
import { lambdaContext } from '../../../local/lambda-context';

const TOKEN = 'hc-secret-token-0192837465';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/health-AbCdEf';
const scheduled = JSON.parse(
  readFileSync(path.join(__dirname, '../../../events/deep-healthcheck/scheduled.json'), 'utf8'),
);
const context = lambdaContext({ functionName: 'deepHealthcheck', remainingTimeMs: 20_000 });

const sm = mockClient(SecretsManagerClient);
const ENV_KEYS = [
  'HEALTH_TARGETS',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_DEV',
  'POWERTOOLS_METRICS_DISABLED',
] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
let good: TestServer;
let broken: TestServer;
let printed: string[];
let handler: (
  event: unknown,
  context: Context,
) => Promise<{ probed: number; unhealthy: string[]; results: unknown[] }>;

beforeAll(async () => {
  good = await startHttpServer(requireToken(TOKEN));
  broken = await startHttpServer(
    json(500, { ...HEALTHY_BODY, MigrationsHealthCheck: 'unavailable: There are migrations to apply' }),
  );
  process.env.HEALTH_TARGETS = JSON.stringify([
    { name: 'web', url: good.url(), token: { secretArn: SECRET_ARN, jsonKey: 'HEALTH_CHECK_TOKEN' } },
    { name: 'worker-web', url: broken.url() },
  ]);
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  process.env.POWERTOOLS_DEV = 'false'; // one JSON line per entry, as deployed
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  // Loaded after the environment is set: the handler reads its configuration at cold start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  handler = require('../../../functions/deep-healthcheck/handler').handler;
});
afterAll(async () => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  await Promise.all([good.stop(), broken.stop()]);
  clearRegisteredSecrets();
});
beforeEach(() => {
  sm.reset();
  sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ HEALTH_CHECK_TOKEN: TOKEN }) });
  printed = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
  }
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
  }
});
afterEach(() => jest.restoreAllMocks());

describe('deepHealthcheck handler', () => {
  it('probes every target, returns the results and logs one line per target without the token', async () => {
    const out = await handler(scheduled, context);

    expect(out).toMatchObject({ probed: 2, healthy: 1, unhealthy: ['worker-web'] });
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
    expect(good.requests.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const lines = printed
      .join('\n')
      .split('\n')
      .filter((l) => l.includes('"message":"deep healthcheck '));
    expect(lines.filter((l) => l.includes('"target":"web"'))).toHaveLength(1);
    expect(lines.find((l) => l.includes('"target":"worker-web"'))).toContain(
      'MigrationsHealthCheck unavailable: There are migrations to apply',
    );
    expect(printed.join('\n')).toContain('"TargetHealthy":0');
    expect(printed.join('\n')).not.toContain(TOKEN);
    expect(JSON.stringify(out)).not.toContain(TOKEN);
  });

  it('reuses the token on the next invocation of the same environment', async () => {
    await handler(scheduled, context);

    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
  });

  it('refuses an event that is not the schedule, saying what it expected', async () => {
    await expect(handler({ 'detail-type': 'Object Created', source: 'aws.s3' }, context)).rejects.toThrow(
      /deepHealthcheck expects an EventBridge "Scheduled Event"/,
    );
  });
});
