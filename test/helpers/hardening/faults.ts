/**
 * The faults injected at every adapter: what AWS and the network do on a bad day. `retryable`
 * is what the contract expects: a retry can help (throttling, timeouts, 5xx, resets) or not
 * (AccessDenied). `partial` answers with an empty body: every field missing.
 */
export interface Fault {
  name: string;
  /** Undefined: a partial response instead of an error. */
  error?: () => Error;
  retryable: boolean;
  /** Text that must reach the caller (error message, result, log or notification). */
  mark?: string;
}

/** An SDK service error as the client raises it (`status` undefined: no HTTP answer). */
export const awsError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name}: injected by the hardening suite`), {
    name,
    $fault: (status ?? 0) >= 500 ? 'server' : 'client',
    $metadata: status === undefined ? {} : { httpStatusCode: status },
    ...extra,
  });

/** A connection reset by the peer. */
export const econnreset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

const aws =
  (name: string, status: number | undefined, extra: Record<string, unknown> = {}) =>
  () =>
    awsError(name, status, extra);

export const FAULTS: Fault[] = [
  {
    name: 'ThrottlingException',
    error: aws('ThrottlingException', 400, { $retryable: { throttling: true } }),
    retryable: true,
    mark: 'ThrottlingException',
  },
  {
    name: 'AccessDeniedException',
    error: aws('AccessDeniedException', 400),
    retryable: false,
    mark: 'AccessDeniedException',
  },
  { name: 'TimeoutError', error: aws('TimeoutError', undefined), retryable: true, mark: 'TimeoutError' },
  {
    name: '500 InternalFailure',
    error: aws('InternalFailure', 500),
    retryable: true,
    mark: 'InternalFailure',
  },
  {
    name: 'ECONNRESET',
    error: econnreset,
    retryable: true,
    mark: 'ECONNRESET',
  },
  { name: 'partial response ({})', retryable: false },
];
