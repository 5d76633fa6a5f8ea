/**
 * The ports dbIamUser's core talks through: the master secret and, for an RDS-managed master
 * secret that carries no host, the database endpoint; and the request lifecycle's: the log, the
 * metric and the response PUT to CloudFormation.
 */
import type { Log } from '../../shared/ports';
import type { MasterSecret } from './schema';

export interface MasterCredentials {
  get(secretArn: string): Promise<MasterSecret>;
}

export interface Endpoint {
  host: string;
  port: number;
}

export interface EndpointResolver {
  /** The endpoint of the RDS instance or cluster whose managed master secret is `secretArn`. */
  endpointForSecret(secretArn: string): Promise<Endpoint | undefined>;
}

/** Logging for one request; `appendKeys` adds fields to every later line of the invocation. */
export interface InvocationLog extends Log {
  error(message: string, extra?: Record<string, unknown>): void;
  appendKeys(keys: Record<string, string>): void;
}

export interface InvocationMetrics {
  /** One response sent to CloudFormation (`CustomResourceResponses`, by request type and status). */
  response(requestType: string, status: 'SUCCESS' | 'FAILED'): void;
}

/** What the lifecycle tells the response PUT. */
export interface RespondOptions {
  /** Epoch ms after which no new attempt starts. */
  deadline: number;
  /** Called before each retry, for logging. */
  onRetry(attempt: number, problem: string): void;
}

/**
 * PUTs `body` to the pre-signed ResponseURL, retrying what may pass on a retry; resolves with the
 * number of attempts, throws when CloudFormation could not be told (adapters/cfn-response.ts).
 */
export type Respond = (url: string, body: string, options: RespondOptions) => Promise<number>;

/** The ports of the request lifecycle (custom-resource.ts `handleEvent`): core's, plus these. */
export interface InvocationPorts {
  log: InvocationLog;
  metrics: InvocationMetrics;
  respond: Respond;
}
