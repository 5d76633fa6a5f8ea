/**
 * The endpoint of the RDS instance or cluster whose managed master secret this is (EndpointResolver
 * port), through the shared lookup (shared/aws/secrets.ts): DescribeSecret for the secret's
 * `aws:rds:primaryDB…Arn` tag, then DescribeDBInstances / DescribeDBClusters of that ARN.
 */
import type { RDSClient } from '@aws-sdk/client-rds';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { managedDatabaseCalls, managedSecretDatabase, secretsCalls } from '../../../shared/aws/secrets';
import { PermanentError } from '../../../shared/errors';
import type { Endpoint, EndpointResolver } from '../ports';

export function rdsEndpointResolver(secrets: SecretsManagerClient, rds: RDSClient): EndpointResolver {
  const secretCalls = secretsCalls(secrets);
  const rdsCalls = managedDatabaseCalls(rds);
  return {
    async endpointForSecret(secretArn): Promise<Endpoint | undefined> {
      const found = await managedSecretDatabase(secretCalls, rdsCalls, secretArn);
      if (!found) return undefined;
      const endpoint =
        found.kind === 'instance'
          ? { host: found.instance?.Endpoint?.Address, port: found.instance?.Endpoint?.Port }
          : { host: found.cluster?.Endpoint, port: found.cluster?.Port };
      if (!endpoint.host || !endpoint.port) {
        const call = found.kind === 'instance' ? 'DescribeDBInstances' : 'DescribeDBClusters';
        throw new PermanentError(
          `rds:${call} ${found.arn} returned no ${found.kind} with an endpoint (still creating, or deleted?); the master secret ${secretArn} names it in its tag`,
        );
      }
      return { host: endpoint.host, port: endpoint.port };
    },
  };
}
