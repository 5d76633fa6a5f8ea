/**
 * The Secrets Manager calls dbIamUser and rotateSecret both make, and the lookup of the database
 * an RDS-managed master secret belongs to. Takes the clients, returns SDK shapes, and translates
 * every SDK error with `toOpsError` (docs/adding-a-function.md: adapters). Each function's own
 * adapter maps these shapes onto its ports. The commands come from ./commands/ (deferred in the
 * bundle, ../lazy.ts): neither Secrets Manager's nor RDS's schemas are read at cold start.
 */
import type { DBCluster, DBInstance, RDSClient } from '@aws-sdk/client-rds';
import type {
  DescribeSecretCommandOutput,
  GetSecretValueCommandInput,
  GetSecretValueCommandOutput,
  SecretsManagerClient,
  Tag,
} from '@aws-sdk/client-secrets-manager';
import { toOpsError } from '../errors';
import { rds } from './commands/rds';
import { secretsManager } from './commands/secrets-manager';

/**
 * The tags RDS puts on the master secret it manages (ManageMasterUserPassword, a secret named
 * `rds!db-…` or `rds!cluster-…`): the ARN of the instance or cluster the secret belongs to.
 * The RDS service-linked role may tag `rds!*` secrets with these two keys only:
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonRDSServiceRolePolicy.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
 */
export const TAG_RDS_INSTANCE = 'aws:rds:primaryDBInstanceArn';
export const TAG_RDS_CLUSTER = 'aws:rds:primaryDBClusterArn';

export interface SecretsCalls {
  getSecretValue(input: GetSecretValueCommandInput): Promise<GetSecretValueCommandOutput>;
  describeSecret(secretId: string): Promise<DescribeSecretCommandOutput>;
}

export function secretsCalls(client: SecretsManagerClient): SecretsCalls {
  return {
    async getSecretValue(input) {
      try {
        return await client.send(new secretsManager.GetSecretValueCommand(input));
      } catch (error) {
        const select = [input.VersionId, input.VersionStage].filter(Boolean).join(' ');
        throw toOpsError(
          `secretsmanager:GetSecretValue ${input.SecretId}${select ? ` ${select}` : ''}`,
          error,
        );
      }
    },
    async describeSecret(secretId) {
      try {
        return await client.send(new secretsManager.DescribeSecretCommand({ SecretId: secretId }));
      } catch (error) {
        throw toOpsError(`secretsmanager:DescribeSecret ${secretId}`, error);
      }
    },
  };
}

/** The instance or cluster an RDS-managed secret's tags name (keys compared case-insensitively). */
export type ManagedSecretOwner = { kind: 'instance'; arn: string } | { kind: 'cluster'; arn: string };

export function managedSecretOwner(
  tags: ReadonlyArray<Tag> | Readonly<Record<string, string>> | undefined,
): ManagedSecretOwner | undefined {
  const pairs: Array<[string, string]> = Array.isArray(tags)
    ? (tags as ReadonlyArray<Tag>).map((t) => [t.Key ?? '', t.Value ?? ''])
    : Object.entries(tags ?? {});
  const value = (key: string) =>
    pairs.find(([k, v]) => k.toLowerCase() === key.toLowerCase() && v !== '')?.[1];
  const instance = value(TAG_RDS_INSTANCE);
  if (instance) return { kind: 'instance', arn: instance };
  const cluster = value(TAG_RDS_CLUSTER);
  return cluster ? { kind: 'cluster', arn: cluster } : undefined;
}

export interface ManagedDatabaseCalls {
  /** DescribeDBInstances of that one instance (ARN or identifier); undefined when RDS lists none. */
  describeInstance(id: string): Promise<DBInstance | undefined>;
  /** DescribeDBClusters of that one cluster (ARN or identifier); undefined when RDS lists none. */
  describeCluster(id: string): Promise<DBCluster | undefined>;
}

/**
 * Both Describe calls take the ARN from the tag as the identifier (DBInstanceIdentifier and
 * DBClusterIdentifier accept an identifier or an ARN), as AWS's rotation templates pass it:
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusters.html
 * An unknown identifier is RDS's DBInstanceNotFoundFault / DBClusterNotFoundFault: permanent.
 */
export function managedDatabaseCalls(client: RDSClient): ManagedDatabaseCalls {
  return {
    async describeInstance(id) {
      try {
        const out = await client.send(new rds.DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
        return out.DBInstances?.[0];
      } catch (error) {
        throw toOpsError(`rds:DescribeDBInstances ${id}`, error);
      }
    },
    async describeCluster(id) {
      try {
        const out = await client.send(new rds.DescribeDBClustersCommand({ DBClusterIdentifier: id }));
        return out.DBClusters?.[0];
      } catch (error) {
        throw toOpsError(`rds:DescribeDBClusters ${id}`, error);
      }
    },
  };
}

export type ManagedSecretDatabase =
  | { kind: 'instance'; arn: string; instance: DBInstance | undefined }
  | { kind: 'cluster'; arn: string; cluster: DBCluster | undefined };

/**
 * The database of an RDS-managed master secret: DescribeSecret, then DescribeDBInstances or
 * DescribeDBClusters of the ARN in its tag. `undefined` when the secret carries neither tag (it is
 * not one RDS manages).
 */
export async function managedSecretDatabase(
  secrets: SecretsCalls,
  rds: ManagedDatabaseCalls,
  secretId: string,
): Promise<ManagedSecretDatabase | undefined> {
  const owner = managedSecretOwner((await secrets.describeSecret(secretId)).Tags);
  if (!owner) return undefined;
  return owner.kind === 'instance'
    ? { ...owner, instance: await rds.describeInstance(owner.arn) }
    : { ...owner, cluster: await rds.describeCluster(owner.arn) };
}
