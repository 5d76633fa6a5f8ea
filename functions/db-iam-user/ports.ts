/**
 * The ports dbIamUser's core talks through: the master secret and, for an RDS-managed master
 * secret that carries no host, the database endpoint.
 */
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
