/**
 * shared/aws/reachability: a call that cannot connect ends at the first attempt with a message
 * naming the VPC endpoint the function needs; anything after a connection is left to the SDK.
 * Endpoint names: https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
 * (interface) and https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html (S3 gateway).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { clientConfig } from '../../../shared/aws/client-config';
import {
  EndpointUnreachableError,
  failFastWhenUnreachable,
  isConnectionFailure,
  unreachableMessage,
} from '../../../shared/aws/reachability';
import { describeError, isRetryable } from '../../../shared/errors';
import { closedPort } from '../../helpers/hardening/servers';

/** Counts the HTTP attempts the SDK makes, and can replace them with a scripted failure. */
class CountingHandler extends NodeHttpHandler {
  attempts = 0;
  constructor(private readonly fail?: () => Error) {
    super({ connectionTimeout: 1_000 });
  }
  override handle(...args: Parameters<NodeHttpHandler['handle']>) {
    this.attempts++;
    if (this.fail) return Promise.reject(this.fail());
    return super.handle(...args);
  }
}

const clients: SecretsManagerClient[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));

function client(endpoint: string, handler: CountingHandler) {
  const c = new SecretsManagerClient({
    ...clientConfig({ maxAttempts: 3 }),
    endpoint,
    requestHandler: handler,
  });
  clients.push(c);
  return c;
}

describe('failFastWhenUnreachable', () => {
  it('a refused connection (real closed port) fails once, naming the Secrets Manager interface endpoint', async () => {
    const port = await closedPort();
    const handler = new CountingHandler();
    const sm = failFastWhenUnreachable(client(`http://127.0.0.1:${port}`, handler), 'secretsmanager');
    const error = await sm.send(new GetSecretValueCommand({ SecretId: 'x' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointUnreachableError);
    expect(handler.attempts).toBe(1);
    expect((error as Error).message).toBe(
      `Cannot reach Secrets Manager at 127.0.0.1 from this function (ECONNREFUSED): in private subnets, ` +
        'add the Secrets Manager interface VPC endpoint com.amazonaws.us-east-1.secretsmanager ' +
        '(private DNS on, security group allowing HTTPS from the function), or a NAT gateway',
    );
    expect(isRetryable(error)).toBe(false);
    // What a person reads: no class name in front.
    expect(describeError(error)).toMatch(/^EndpointUnreachableError: Cannot reach/);
  });

  it('without it, the same call is retried (the behaviour it replaces)', async () => {
    const port = await closedPort();
    const handler = new CountingHandler();
    const error = await client(`http://127.0.0.1:${port}`, handler)
      .send(new GetSecretValueCommand({ SecretId: 'x' }))
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(EndpointUnreachableError);
    expect(handler.attempts).toBe(3);
  });

  it("the SDK's connection timeout (no route: SYN unanswered) fails once with the endpoint named", async () => {
    const handler = new CountingHandler(() =>
      Object.assign(
        new Error(
          '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 3000 ms.',
        ),
        { name: 'TimeoutError' },
      ),
    );
    const sm = failFastWhenUnreachable(
      client('https://secretsmanager.eu-west-1.amazonaws.com', handler),
      'secretsmanager',
    );
    const error = await sm.send(new GetSecretValueCommand({ SecretId: 'x' })).catch((e: unknown) => e);
    expect(handler.attempts).toBe(1);
    expect((error as Error).message).toMatch(
      /^Cannot reach Secrets Manager at secretsmanager\.eu-west-1\.amazonaws\.com from this function \(no connection within the connection timeout\)/,
    );
  });

  it('a failure after connecting (reset, slow answer) is still retried by the SDK', async () => {
    const handler = new CountingHandler(() =>
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    );
    const sm = failFastWhenUnreachable(
      client('https://secretsmanager.us-east-1.amazonaws.com', handler),
      'secretsmanager',
    );
    const error = await sm.send(new GetSecretValueCommand({ SecretId: 'x' })).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(EndpointUnreachableError);
    expect(handler.attempts).toBe(3);
  });
});

describe('unreachableMessage', () => {
  it('names the free S3 gateway endpoint for S3', () => {
    expect(unreachableMessage('s3', 'bucket.s3.us-east-1.amazonaws.com', 'us-east-1')).toBe(
      'Cannot reach S3 at bucket.s3.us-east-1.amazonaws.com from this function: in private subnets, add the S3 ' +
        "gateway VPC endpoint com.amazonaws.us-east-1.s3 to the route tables of the function's subnets (free), or a NAT gateway",
    );
  });
  it('missing host and region read as a whole sentence, never "undefined"', () => {
    const text = unreachableMessage('rds', undefined, undefined);
    expect(text).toBe(
      'Cannot reach RDS from this function: in private subnets, add the RDS interface VPC endpoint ' +
        'com.amazonaws.<region>.rds (private DNS on, security group allowing HTTPS from the function), or a NAT gateway',
    );
    expect(text).not.toMatch(/undefined|null/);
  });
});

describe('isConnectionFailure', () => {
  it.each([
    [{ code: 'ENOTFOUND' }, true],
    [{ code: 'ECONNREFUSED' }, true],
    [{ code: 'ENETUNREACH' }, true],
    [{ name: 'TimeoutError', message: 'did not establish a connection with the server' }, true],
    [{ name: 'TimeoutError', message: 'Request timed out after 10000 ms' }, false],
    [{ code: 'ECONNRESET' }, false],
    [{ name: 'ThrottlingException' }, false],
    [undefined, false],
    ['ECONNREFUSED', false],
  ])('%j → %s', (error, expected) => {
    expect(isConnectionFailure(error)).toBe(expected);
  });
});
