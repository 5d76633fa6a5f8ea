/**
 * The Reason CloudFormation shows (issue 17, "Words a person reads"): it says what failed, never
 * begins with one of the project's class names (`RetryableError: ...`), and reads as a sentence
 * whatever the thrown value lacks.
 */
import { processRequest, type CoreDeps } from '../../../functions/db-iam-user/core';
import { authMethod } from '../../../functions/db-iam-user/dialects/mysql';
import { reasonOf } from '../../../functions/db-iam-user/messages';
import { EndpointUnreachableError } from '../../../shared/aws/reachability';
import { ConfigError, PermanentError, RetryableError, toOpsError } from '../../../shared/errors';
import { CustomResourceEvent } from '../../../functions/db-iam-user/schema';
import { cfnEvent, SECRET_ARN } from '../../helpers/db-iam-user/events';

const INTERNAL =
  /^(RetryableError|PermanentError|ConfigError|InvalidEventError|OpsError|EndpointUnreachableError|Error|TypeError)\b/;

describe('reasonOf', () => {
  it.each<[string, unknown, string]>([
    [
      'a RetryableError',
      new RetryableError('secretsmanager:GetSecretValue x failed: ThrottlingException: slow down'),
      'secretsmanager:GetSecretValue x failed: ThrottlingException: slow down',
    ],
    ['a PermanentError', new PermanentError('Role "django" already exists'), 'Role "django" already exists'],
    [
      'a ConfigError',
      new ConfigError('dbIamUser function is misconfigured: X'),
      'dbIamUser function is misconfigured: X',
    ],
    [
      'a wrapped AWS error',
      toOpsError(
        'rds:DescribeDBInstances',
        Object.assign(new Error('denied'), { name: 'AccessDeniedException' }),
      ),
      'rds:DescribeDBInstances failed: AccessDeniedException: denied',
    ],
    [
      'a bare AWS error keeps its AWS name',
      Object.assign(new Error('no such secret'), { name: 'ResourceNotFoundException' }),
      'ResourceNotFoundException: no such secret',
    ],
    [
      'a driver error keeps its code',
      Object.assign(new Error('permission denied for table items'), { code: '42501' }),
      '42501: permission denied for table items',
    ],
    [
      'a TypeError loses its class name',
      new TypeError("Cannot read properties of undefined (reading 'host')"),
      "Cannot read properties of undefined (reading 'host')",
    ],
    ['a string', 'socket closed', 'socket closed'],
  ])('%s', (_, error, expected) => {
    const text = reasonOf(error);
    expect(text).toBe(expected);
    expect(text).not.toMatch(INTERNAL);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['an empty message', new RetryableError('')],
    ['a message of spaces', new Error('   ')],
    ['the word undefined', new Error('undefined')],
    ['an empty string', ''],
    ['a plain object', { message: 42 }],
    ['a number', 7],
    ['an error with a blank code', Object.assign(new Error(''), { code: ' ' })],
  ])('%s still reads as a sentence, never "undefined"', (_, error) => {
    const text = reasonOf(error);
    expect(text).toBe('Unexpected failure with no message; see the function log for this request');
  });

  it('an unreachable endpoint says which endpoint is missing, without the class name', () => {
    const text = reasonOf(new EndpointUnreachableError('secretsmanager', 'Cannot reach Secrets Manager ...'));
    expect(text).toBe('Cannot reach Secrets Manager ...');
  });
});

describe('the FAILED Reason of a request', () => {
  const deps = (error: unknown): CoreDeps => ({
    credentials: {
      get: async () => {
        throw error;
      },
    },
    endpoints: { endpointForSecret: async () => undefined },
    connect: async () => {
      throw new Error('not reached');
    },
    mysqlAuth: authMethod(),
  });
  const event = CustomResourceEvent.parse(
    cfnEvent('Create', 'https://example.invalid/cfn', {
      Engine: 'postgres',
      Host: 'db.example',
      Database: 'app',
      Username: 'django',
      MasterSecretArn: SECRET_ARN,
    }),
  );

  it.each([
    new RetryableError(
      `secretsmanager:GetSecretValue ${SECRET_ARN} failed: ThrottlingException: Rate exceeded`,
    ),
    new PermanentError(`Secret ${SECRET_ARN} lacks or has invalid: password`),
    new TypeError('x is not a function'),
  ])('does not begin with an internal class name (%s)', async (error) => {
    const outcome = await processRequest(event, deps(error), { dryRun: false, timeLeftMs: () => 60_000 });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).not.toMatch(INTERNAL);
    expect(outcome.reason.length).toBeGreaterThan(5);
  });
});
