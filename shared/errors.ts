/**
 * The project's error types. Every error says whether a retry can help, carries the
 * original error as `cause`, and never carries a secret in its message.
 */
export abstract class OpsError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A fault that may go away on its own: throttling, timeouts, 5xx, connection resets. */
export class RetryableError extends OpsError {
  readonly retryable = true;
}

/** A fault that a retry cannot fix: bad input, missing permission, missing resource. */
export class PermanentError extends OpsError {
  readonly retryable = false;
}

/** Configuration that is missing or invalid; raised at cold start. */
export class ConfigError extends PermanentError {}

/** An event that does not have the shape the handler needs. */
export class InvalidEventError extends PermanentError {}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerError',
  'InternalServiceError',
  'InternalServiceErrorException',
  'ServerException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** True when a retry of the failed call could succeed. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof OpsError) return error.retryable;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as AwsLikeError;
  if (e.$retryable) return true;
  if ((e.name && RETRYABLE_NAMES.has(e.name)) || (e.code && RETRYABLE_NAMES.has(e.code))) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

/** The AWS error name of a thrown value (`name`, else `Code` or `code`), or undefined. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: string; Code?: string; code?: string };
  return e.name ?? e.Code ?? e.code;
}

/**
 * DynamoDB's answer to a conditional write whose condition did not hold (nothing was written).
 * Matched by name: the SDK's exception class is not loaded before the client (shared/aws/lazy.ts).
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  return awsErrorName(error) === 'ConditionalCheckFailedException';
}

/** A short, secret-free description of an error: `Name: message`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as AwsLikeError).code;
    const name = error.name && error.name !== 'Error' ? error.name : code;
    return name ? `${name}: ${error.message}` : error.message;
  }
  return String(error);
}

/**
 * Wraps an SDK (or driver) error in the project's type, keeping it as `cause`.
 * `action` says what was being attempted, e.g. `ecs:DescribeServices web`.
 */
export function toOpsError(action: string, error: unknown): OpsError {
  if (error instanceof OpsError) return error;
  const message = `${action} failed: ${describeError(error)}`;
  return isRetryable(error)
    ? new RetryableError(message, { cause: error })
    : new PermanentError(message, { cause: error });
}
