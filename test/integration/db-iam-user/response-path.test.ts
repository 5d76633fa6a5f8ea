/**
 * The response always reaches CloudFormation: a flaky ResponseURL (500, 500, 200), a database
 * that never answers until the Lambda deadline, and an error message far longer than a response
 * may be. A local HTTP server stands in for the ResponseURL.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { clientConfig } from '../../../shared/aws/client-config';
import { connect } from '../../../shared/db/driver';
import { invocationPorts, secretsManagerCredentials } from '../../../functions/db-iam-user/adapters';
import { handleEvent, type InvocationDeps } from '../../../functions/db-iam-user/custom-resource';
import { AWS_IAM_AUTH_CLAUSE, authMethod } from '../../../functions/db-iam-user/dialects/mysql';
import { cfnEvent, SECRET_ARN } from '../../helpers/db-iam-user/events';
import { type ResponseServer, startResponseServer } from '../../../local/db-iam-user/response-server';
import { lambdaContext } from '../../../local/lambda-context';

const secrets = mockClient(SecretsManagerClient);
const deps: InvocationDeps = {
  ...invocationPorts(),
  credentials: secretsManagerCredentials(new SecretsManagerClient(clientConfig({ maxAttempts: 1 }))),
  endpoints: { endpointForSecret: async () => undefined },
  connect,
  mysqlAuth: authMethod(AWS_IAM_AUTH_CLAUSE),
};
const props = (overrides: Record<string, unknown> = {}) => ({
  Engine: 'postgres',
  Host: '127.0.0.1',
  Port: '5432',
  Database: 'test',
  Username: 'dbiam_resp_app',
  MasterSecretArn: SECRET_ARN,
  Ssl: 'disable',
  ...overrides,
});

let server: ResponseServer;
beforeAll(async () => {
  server = await startResponseServer();
});
afterAll(async () => {
  secrets.restore();
  await server.close();
});
beforeEach(() => {
  secrets.reset();
  secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ username: 'postgres', password: 'unused-pw' }) });
});

describe('the CloudFormation response', () => {
  it('is retried after two HTTP 500 answers and delivered on the third PUT, identical each time', async () => {
    server.script(500, 500);
    const before = server.requests.length;
    const event = cfnEvent('Delete', server.url('flaky'), props(), { physicalResourceId: 'not-ours' });

    const result = await handleEvent(event, lambdaContext({ deadline: Date.now() + 60_000 }), deps, {
      dryRun: false,
      marginMs: 2_000,
    });

    const puts = server.requests.slice(before);
    expect(puts.map((p) => p.method)).toEqual(['PUT', 'PUT', 'PUT']);
    expect(new Set(puts.map((p) => p.body)).size).toBe(1);
    expect(JSON.parse(puts[2]!.body)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'not-ours' });
    expect(result.status).toBe('SUCCESS');
  });

  it('fails the invocation (so Lambda retries it) when the ResponseURL answers 403', async () => {
    server.script(403);
    const event = cfnEvent('Delete', server.url('expired'), props(), { physicalResourceId: 'not-ours' });

    await expect(
      handleEvent(event, lambdaContext({ deadline: Date.now() + 60_000 }), deps, {
        dryRun: false,
        marginMs: 2_000,
      }),
    ).rejects.toThrow(/rejected: HTTP 403/);
  });

  describe('when the database accepts the connection but never answers', () => {
    let blackhole: net.Server;
    const sockets: net.Socket[] = [];
    beforeAll(async () => {
      blackhole = net.createServer((socket) => {
        sockets.push(socket);
      });
      await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    });

    it('sends FAILED before the Lambda deadline, saying it was connecting, exactly once', async () => {
      const port = (blackhole.address() as AddressInfo).port;
      const before = server.requests.length;
      const event = cfnEvent(
        'Create',
        server.url('deadline'),
        props({ Port: String(port), ConnectTimeoutSeconds: '300' }),
      );

      // 3 s left in the invocation, 2 s kept to answer: the timer fires while pg is still connecting.
      const result = await handleEvent(event, lambdaContext({ deadline: Date.now() + 3_000 }), deps, {
        dryRun: false,
        marginMs: 2_000,
      });

      const puts = server.requests.slice(before);
      expect(puts).toHaveLength(1);
      const body = JSON.parse(puts[0]!.body) as Record<string, string>;
      expect(body.Status).toBe('FAILED');
      // "unfinished": the Delete that follows looks for a user a late statement may still create.
      expect(body.PhysicalResourceId).toBe('dbiamuser:create-unfinished:AppDbUser');
      expect(body.Reason).toMatch(
        /^Timed out .* before the Lambda deadline while connecting to postgres 127\.0\.0\.1:\d+/,
      );
      expect(result.status).toBe('FAILED');
    });
  });

  it('stays under 4096 bytes with a 10 KB error message, without control characters or the password', async () => {
    const noisy = `\u001b[31mboom\u001b[0m\r\n${'x'.repeat(5_000)} password=unused-pw \t${'é'.repeat(2_500)}`;
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error(noisy), { name: 'InternalServiceError' }));
    const before = server.requests.length;
    const event = cfnEvent('Create', server.url('long'), props());

    await handleEvent(event, lambdaContext({ deadline: Date.now() + 60_000 }), deps, {
      dryRun: false,
      marginMs: 2_000,
    });

    const [put] = server.requests.slice(before);
    expect(Buffer.byteLength(put!.body, 'utf8')).toBeLessThanOrEqual(4096);
    const body = JSON.parse(put!.body) as Record<string, string>;
    expect(body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'dbiamuser:create-failed:AppDbUser' });
    expect(
      String(body.Reason).startsWith(
        `secretsmanager:GetSecretValue ${SECRET_ARN} failed: InternalServiceError: boom xxx`,
      ),
    ).toBe(true);
    expect(body.Reason).not.toContain('unused-pw');
    expect(body.Reason).toMatch(/\[truncated\]$/);
    // eslint-disable-next-line no-control-regex
    expect(body.Reason).not.toMatch(/[\u0000-\u001f\u007f]/);
  });
});
