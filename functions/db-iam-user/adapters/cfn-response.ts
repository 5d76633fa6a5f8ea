/**
 * The response to CloudFormation: a JSON body (response-body.ts) PUT to the request's pre-signed
 * ResponseURL. Without it the stack waits until ServiceTimeout (up to an hour), so the PUT is
 * retried on 5xx and network errors. Nothing does this for a packaged handler: `cfn-response`
 * exists only for inline code. The `respond` port (ports.ts) of the request lifecycle.
 */
import http from 'node:http';
import https from 'node:https';
import {
  EndpointUnreachableError,
  isConnectionFailure,
  unreachableMessage,
} from '../../../shared/aws/reachability';
import { PermanentError, RetryableError } from '../../../shared/errors';
import type { Respond } from '../ports';
import { describeUrl } from '../response-body';

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** One PUT; resolves with the HTTP status. */
export type PutOnce = (url: string, body: string, timeoutMs: number) => Promise<number>;

/** No TCP connection within this long means no route (private subnet without S3 endpoint or NAT). */
export const CONNECT_TIMEOUT_MS = 3_000;

export const putOnce: PutOnce = (url, body, timeoutMs) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method: 'PUT',
        // The pre-signed S3 URL is signed for an empty content type.
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body, 'utf8') },
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () =>
      request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    // A connect that hangs (SYN unanswered) is told apart from a slow answer: it is a missing route.
    const connectTimer = setTimeout(
      () =>
        request.destroy(
          Object.assign(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`), {
            code: 'ECONNECT_TIMEOUT',
          }),
        ),
      Math.min(CONNECT_TIMEOUT_MS, timeoutMs),
    );
    request.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    request.on('close', () => clearTimeout(connectTimer));
    request.on('error', reject);
    request.end(body);
  });

export interface SendOptions {
  maxAttempts?: number;
  /** Epoch ms after which no new attempt starts (the Lambda deadline). */
  deadline?: number;
  put?: PutOnce;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called before each retry, for logging. */
  onRetry?: (attempt: number, problem: string) => void;
  /** For the message naming the S3 gateway endpoint when the URL cannot be reached. */
  region?: string;
}

/** The `respond` port (ports.ts): `sendResponse` with these settings (the region; tests: put, sleep). */
export function cfnResponder(
  settings: Pick<SendOptions, 'put' | 'sleep' | 'maxAttempts' | 'region'> = {},
): Respond {
  return (url, body, options) => sendResponse(url, body, { ...settings, ...options });
}

/** Consecutive attempts that could not even connect before the PUT is declared unreachable. */
const CONNECT_FAILURES_BEFORE_GIVING_UP = 2;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * PUTs the body, retrying 5xx, 429 and network errors with exponential backoff. A 4xx (expired or
 * wrong URL) is final. Throws when every attempt failed, so the invocation fails and is retried.
 * Returns the number of attempts made.
 */
export async function sendResponse(url: string, body: string, options: SendOptions = {}): Promise<number> {
  const maxAttempts = options.maxAttempts ?? 6;
  const put = options.put ?? putOnce;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const where = describeUrl(url);
  let problem = '';
  let connectFailures = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const left = options.deadline === undefined ? 10_000 : options.deadline - now();
    if (attempt > 1 && left < 250) break;
    try {
      const status = await put(url, body, Math.max(250, Math.min(10_000, left)));
      if (status >= 200 && status < 300) return attempt;
      problem = `HTTP ${status}`;
      if (status < 500 && status !== 429) {
        throw new PermanentError(`CloudFormation response to ${where} rejected: ${problem}`);
      }
    } catch (error) {
      if (error instanceof PermanentError) throw error;
      const e = error as { code?: string; message?: string };
      problem = e.code ?? e.message ?? String(error);
      // No connection at all, twice: retrying until the deadline only hides the missing route.
      connectFailures = isConnectionFailure(error) ? connectFailures + 1 : 0;
      if (connectFailures >= CONNECT_FAILURES_BEFORE_GIVING_UP) {
        throw new EndpointUnreachableError(
          's3',
          `CloudFormation response to ${where} not delivered: ` +
            unreachableMessage('s3', hostOf(url), options.region, problem),
          error,
        );
      }
    }
    if (attempt < maxAttempts) {
      options.onRetry?.(attempt, problem);
      await sleep(Math.min(2_000, 200 * 2 ** (attempt - 1)));
    }
  }
  throw new RetryableError(`CloudFormation response to ${where} not delivered: ${problem}`);
}
