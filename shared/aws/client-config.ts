/**
 * Configuration shared by every AWS SDK v3 client. It sets region, retries and timeouts and
 * deliberately sets no `endpoint`: the SDK then honours `AWS_ENDPOINT_URL` and
 * `AWS_ENDPOINT_URL_<SERVICE>` itself, so the same code runs against AWS or an emulator.
 */
export interface ClientOptions {
  /** Total attempts including the first (SDK default 3). */
  maxAttempts?: number;
  /** Milliseconds to establish a connection. */
  connectionTimeoutMs?: number;
  /** Milliseconds for a whole request. */
  requestTimeoutMs?: number;
}

export function clientConfig(options: ClientOptions = {}, env: NodeJS.ProcessEnv = process.env) {
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: options.maxAttempts ?? 4,
    retryMode: 'adaptive' as const,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
    },
  };
}
