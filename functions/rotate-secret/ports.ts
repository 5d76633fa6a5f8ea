import type { DbConnectOptions, DbConnection } from '../../shared/db/driver';
import type { Notifier } from '../../shared/notify';
import type { Log } from '../../shared/ports';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

export interface SecretMetadata {
  arn: string;
  name: string;
  rotationEnabled: boolean;
  /** VersionIdsToStages. */
  versions: Record<string, string[]>;
  tags: Record<string, string>;
  /**
   * The RDS instance or cluster whose master secret this is (RDS-managed secrets carry its ARN in
   * a tag, read by the adapter); absent for any other secret.
   */
  managedBy?: { kind: 'instance' | 'cluster'; arn: string };
}

export interface SecretVersion {
  versionId: string;
  value: string;
  stages: string[];
}

export interface RandomPasswordOptions {
  length: number;
  excludeCharacters: string;
  excludePunctuation: boolean;
}

/** Secrets Manager, in the rotation's terms. */
export interface SecretsPort {
  describe(secretId: string): Promise<SecretMetadata>;
  /** The version selected by id and/or stage; `undefined` when it does not exist (or has no value yet). */
  getValue(
    secretId: string,
    select: { versionId?: string; stage?: string },
  ): Promise<SecretVersion | undefined>;
  /**
   * Stores `value` as version `token` with stage AWSPENDING. `exists-with-other-value` when the
   * token already holds a different value (Secrets Manager's ResourceExistsException).
   */
  putPending(secretId: string, token: string, value: string): Promise<'stored' | 'exists-with-other-value'>;
  randomPassword(options: RandomPasswordOptions): Promise<string>;
  /** Moves AWSCURRENT to `toVersionId`, removing it from `fromVersionId`. */
  moveCurrent(secretId: string, toVersionId: string, fromVersionId: string | undefined): Promise<void>;
}

export interface EcsPort {
  forceNewDeployment(cluster: string, service: string): Promise<{ deploymentId?: string }>;
}

/** Where an RDS instance or cluster answers (cluster: its writer endpoint). `engine` as RDS names it. */
export interface DbEndpoint {
  host: string;
  port: number;
  engine: string;
}

/** RDS, for RDS-managed master secrets that carry no host. */
export interface RdsPort {
  instanceEndpoint(dbInstanceArn: string): Promise<DbEndpoint>;
  clusterEndpoint(dbClusterArn: string): Promise<DbEndpoint>;
}

export interface DbPort {
  connect(options: DbConnectOptions): Promise<DbConnection>;
}

export interface RotationDeps {
  secrets: SecretsPort;
  db: DbPort;
  ecs: EcsPort;
  rds: RdsPort;
  notifier: Notifier;
  /** Time left in this invocation (Lambda's context); absent: no limit. */
  clock?: { remainingMs(): number };
}

/** Logging for the invocation; `appendKeys` adds fields to every later line of it. */
export interface RotationLog extends Log {
  appendKeys(keys: Record<string, string>): void;
}

export interface RotationMetrics {
  /** One rotation step answered (`RotationSteps`, by strategy and step). */
  rotationStep(strategy: string, step: string): void;
}

/** What `handleInvocation` needs: the rotation's ports, logging and metrics. */
export interface RotateSecretDeps extends RotationDeps {
  log: RotationLog;
  metrics: RotationMetrics;
}
