import { EndpointUnreachableError } from '../../../shared/aws/reachability';
import { closedPort } from '../../helpers/hardening/servers';
import { sendResponse } from '../../../functions/db-iam-user/adapters/cfn-response';
import {
  buildResponseBody,
  cleanReason,
  describeUrl,
  MAX_BODY_BYTES,
  type ResponseFields,
} from '../../../functions/db-iam-user/response-body';
import { PermanentError, RetryableError } from '../../../shared/errors';
import { clearRegisteredSecrets, registerSecret } from '../../../shared/redact';

const fields = (overrides: Partial<ResponseFields> = {}): ResponseFields => ({
  Status: 'FAILED',
  Reason: 'boom',
  PhysicalResourceId: 'dbiamuser:v1:postgres:db.example:5432:app:django',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/1',
  RequestId: 'r-1',
  LogicalResourceId: 'AppDbUser',
  ...overrides,
});

describe('buildResponseBody', () => {
  afterEach(() => clearRegisteredSecrets());

  it('keeps a short response as is', () => {
    const body = JSON.parse(
      buildResponseBody(fields({ Status: 'SUCCESS', Reason: 'Created', Data: { Username: 'django' } })),
    );
    expect(body).toEqual({
      ...fields({ Status: 'SUCCESS', Reason: 'Created' }),
      Data: { Username: 'django' },
    });
  });

  it.each([
    ['ASCII', 'x'.repeat(10_000)],
    ['multi-byte', 'é€😀'.repeat(2_000)],
    ['quotes and backslashes (JSON escaping)', '"\\'.repeat(5_000)],
  ])('truncates a 10 KB %s reason to fit 4096 bytes and says so', (_, reason) => {
    const body = buildResponseBody(fields({ Reason: reason }));

    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(MAX_BODY_BYTES);
    const parsed = JSON.parse(body) as Record<string, string>;
    expect(parsed.Reason).toMatch(/ \[truncated\]$/);
    expect(parsed.Reason).not.toContain('\uFFFD');
    expect(Buffer.byteLength(body, 'utf8')).toBeGreaterThan(MAX_BODY_BYTES - 64);
  });

  it('drops Data when even an empty reason cannot make it fit', () => {
    const body = buildResponseBody(fields({ Status: 'SUCCESS', Data: { Big: 'y'.repeat(5_000) } }));
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(JSON.parse(body)).not.toHaveProperty('Data');
  });

  it('strips ANSI colours and control characters and redacts registered secrets from the reason', () => {
    registerSecret('s3cr3t-master-pw');
    const reason = '\u001b[31mERROR\u001b[0m:\tlogin\r\nfailed for s3cr3t-master-pw\u0007';
    expect(cleanReason(reason)).toBe('ERROR: login failed for [REDACTED]');
  });

  it('keeps secret ARNs and secretsmanager action names readable', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbC';
    expect(cleanReason(`secretsmanager:GetSecretValue ${arn} failed: password=hunter22`)).toBe(
      `secretsmanager:GetSecretValue ${arn} failed: password=[REDACTED]`,
    );
  });
});

describe('sendResponse', () => {
  const url =
    'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=abc';
  const noSleep = async () => undefined;

  it('retries 5xx and network errors, then succeeds', async () => {
    const answers: Array<number | Error> = [
      500,
      Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      503,
      200,
    ];
    const put = jest.fn(async () => {
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next ?? 200;
    });

    const attempts = await sendResponse(url, '{}', { put, sleep: noSleep });

    expect(attempts).toBe(4);
    expect(put).toHaveBeenCalledTimes(4);
  });

  it('gives up with a RetryableError naming the URL without its signature', async () => {
    const put = jest.fn(async () => 502);
    const error = await sendResponse(url, '{}', { put, sleep: noSleep, maxAttempts: 3 }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(RetryableError);
    expect(String(error)).toContain('s3.amazonaws.com/x not delivered: HTTP 502');
    expect(String(error)).not.toContain('Signature');
    expect(put).toHaveBeenCalledTimes(3);
  });

  // The ResponseURL is an S3 pre-signed URL: from private subnets it needs the S3 gateway endpoint
  // or NAT (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html,
  // https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html).
  it('stops after two attempts that cannot connect, naming the S3 gateway endpoint', async () => {
    const put = jest.fn(async () => {
      throw Object.assign(new Error('no connection within 3000 ms'), { code: 'ECONNECT_TIMEOUT' });
    });

    const error = await sendResponse(url, '{}', { put, sleep: noSleep, region: 'us-east-1' }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(EndpointUnreachableError);
    expect(put).toHaveBeenCalledTimes(2);
    expect((error as Error).message).toBe(
      'CloudFormation response to https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x not delivered: ' +
        'Cannot reach S3 at cloudformation-custom-resource-response-useast1.s3.amazonaws.com from this function (ECONNECT_TIMEOUT): ' +
        "in private subnets, add the S3 gateway VPC endpoint com.amazonaws.us-east-1.s3 to the route tables of the function's subnets (free), or a NAT gateway",
    );
  });

  it('a real refused connection (closed port) is declared unreachable after two attempts', async () => {
    const port = await closedPort();
    const error = await sendResponse(`http://127.0.0.1:${port}/cfn?X-Amz-Signature=abc`, '{}', {
      sleep: noSleep,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointUnreachableError);
    expect((error as Error).message).toMatch(/ECONNREFUSED.*com\.amazonaws\.<region>\.s3/);
    expect((error as Error).message).not.toContain('Signature');
  });

  it('a connection failure followed by a 5xx is still retried to success', async () => {
    const answers: Array<number | Error> = [
      Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
      500,
      200,
    ];
    const put = jest.fn(async () => {
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next ?? 200;
    });
    expect(await sendResponse(url, '{}', { put, sleep: noSleep })).toBe(3);
  });

  it('does not retry a 4xx', async () => {
    const put = jest.fn(async () => 403);
    await expect(sendResponse(url, '{}', { put, sleep: noSleep })).rejects.toBeInstanceOf(PermanentError);
    expect(put).toHaveBeenCalledTimes(1);
  });

  it('starts no new attempt past the deadline', async () => {
    let now = 0;
    const put = jest.fn(async () => {
      now += 1_000;
      return 500;
    });

    await expect(
      sendResponse(url, '{}', { put, sleep: noSleep, now: () => now, deadline: 2_100, maxAttempts: 10 }),
    ).rejects.toThrow(/not delivered/);
    expect(put).toHaveBeenCalledTimes(2);
  });

  it('describes a URL without its query string', () => {
    expect(describeUrl(url)).toBe(
      'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x',
    );
  });
});
