import {
  awsErrorName,
  isConditionalCheckFailed,
  isRetryable,
  PermanentError,
  RetryableError,
  toOpsError,
} from '../../../shared/errors';

const awsError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

describe('toOpsError', () => {
  it.each([
    ['ThrottlingException', 400],
    ['TooManyRequestsException', 429],
    ['InternalFailure', 500],
    ['ServiceUnavailable', 503],
    ['TimeoutError', undefined],
  ])('classifies %s as retryable', (name, status) => {
    const error = toOpsError('ecs:DescribeServices web', awsError(name, status));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toBe(`ecs:DescribeServices web failed: ${name}: ${name} happened`);
    expect(isRetryable(error)).toBe(true);
  });

  it.each([
    ['AccessDeniedException', 400],
    ['ValidationException', 400],
    ['ResourceNotFoundException', 404],
  ])('classifies %s as permanent and keeps the cause', (name, status) => {
    const cause = awsError(name, status);
    const error = toOpsError('ecs:UpdateService', cause);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.cause).toBe(cause);
    expect(isRetryable(error)).toBe(false);
  });

  it('classifies network errors by code', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toOpsError('sns:Publish', reset)).toBeInstanceOf(RetryableError);
  });

  it('passes project errors through unchanged', () => {
    const original = new PermanentError('bad input');
    expect(toOpsError('x', original)).toBe(original);
  });
});

describe('awsErrorName / isConditionalCheckFailed', () => {
  it('reads name, else Code, else code; nothing from a non-object', () => {
    expect(awsErrorName(Object.assign(new Error('x'), { name: 'ThrottlingException' }))).toBe(
      'ThrottlingException',
    );
    expect(awsErrorName({ Code: 'QueueDoesNotExist' })).toBe('QueueDoesNotExist');
    expect(awsErrorName({ code: 'ECONNRESET' })).toBe('ECONNRESET');
    expect(awsErrorName('ConditionalCheckFailedException')).toBeUndefined();
    expect(awsErrorName(null)).toBeUndefined();
  });

  it("matches DynamoDB's failed condition by name, without its exception class", () => {
    expect(isConditionalCheckFailed({ name: 'ConditionalCheckFailedException', $fault: 'client' })).toBe(
      true,
    );
    expect(isConditionalCheckFailed({ name: 'ResourceNotFoundException' })).toBe(false);
    expect(isConditionalCheckFailed(undefined)).toBe(false);
  });
});
