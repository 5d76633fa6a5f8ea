/**
 * A Lambda context shaped like the one the Node.js runtime passes to a handler, for tests that
 * invoke a real `handler.ts` (real @middy/core + Powertools middlewares):
 * - @middy/core races the handler against `getRemainingTimeInMillis() - 5 ms` (timeoutEarly) only
 *   when the context has that method; the runtime always provides it, so tests should too.
 * - Powertools `injectLambdaContext` copies functionName, functionVersion, invokedFunctionArn,
 *   memoryLimitInMB and awsRequestId into every log line.
 * The remaining time is a fixed budget (it does not count down) unless `deadline` is given:
 * tests must not depend on the clock, except those about the deadline itself.
 * The one Lambda context helper: tests and the sandbox (`npm start`) build their context here.
 */
import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  /** The deployed name, e.g. `ops-sentinel-prod-taskStopped`. */
  functionName?: string;
  awsRequestId?: string;
  /** What `getRemainingTimeInMillis()` answers on every call. */
  remainingTimeMs?: number;
  /** Epoch ms at which the invocation times out: the remaining time then counts down with the clock. */
  deadline?: number;
  memoryLimitInMB?: number;
}

const ACCOUNT = '123456789012';

export function lambdaContext({
  functionName = 'ops-sentinel-test-function',
  awsRequestId = 'req-1',
  remainingTimeMs = 30_000,
  memoryLimitInMB = 256,
  deadline,
}: LambdaContextOptions = {}): Context {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const callbackApi = (name: string) => () => {
    throw new Error(`context.${name}() is the callback API; middy handlers return a promise instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: String(memoryLimitInMB),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/24/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () =>
      deadline === undefined ? remainingTimeMs : Math.max(0, deadline - Date.now()),
    done: callbackApi('done'),
    fail: callbackApi('fail'),
    succeed: callbackApi('succeed'),
  };
}
