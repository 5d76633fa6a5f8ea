/**
 * Adapters for the AWS services dbIamUser reads: the master secret (Secrets Manager) and, for
 * RDS-managed secrets that carry no host, the database endpoint (RDS). Each takes its SDK client.
 */
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PermanentError, toOpsError } from '../../../shared/errors';
import { registerSecret } from '../../../shared/redact';
import type { EndpointResolver, MasterCredentials } from '../ports';
import { MasterSecret } from '../schema';

function parseSecret(text: string, source: string): MasterSecret {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PermanentError(`${source} is not JSON (expected {"username","password",...})`);
  }
  const parsed = MasterSecret.safeParse(json);
  if (!parsed.success) {
    const keys = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new PermanentError(
      `${source} lacks or has invalid: ${keys} (expected {"username","password",...})`,
    );
  }
  registerSecret(parsed.data.password);
  return parsed.data;
}

export function secretsManagerCredentials(client: SecretsManagerClient): MasterCredentials {
  return {
    async get(secretArn) {
      let text: string | undefined;
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
        text = out.SecretString;
      } catch (error) {
        throw toOpsError(`secretsmanager:GetSecretValue ${secretArn}`, error);
      }
      if (text === undefined) throw new PermanentError(`Secret ${secretArn} has no SecretString`);
      return parseSecret(text, `Secret ${secretArn}`);
    },
  };
}

/**
 * Local stage only: credentials from an environment variable instead of Secrets Manager, so that
 * `serverless invoke local` works against a local database without an AWS account.
 */
export function localCredentials(json: string): MasterCredentials {
  return { get: async () => parseSecret(json, 'LOCAL_MASTER_CREDENTIALS_JSON') };
}

export function rdsEndpointResolver(client: RDSClient): EndpointResolver {
  return {
    async endpointForSecret(secretArn) {
      try {
        // Aurora keeps the managed secret on the cluster; RDS instances on the instance.
        // Pages by Marker by hand: the SDK's paginate* helpers require an eager client instance
        // (instanceof), which would load the RDS client at cold start (shared/aws/lazy.ts).
        let marker: string | undefined;
        do {
          const page = await client.send(new DescribeDBClustersCommand({ Marker: marker }));
          for (const cluster of page.DBClusters ?? []) {
            if (cluster.MasterUserSecret?.SecretArn === secretArn && cluster.Endpoint && cluster.Port) {
              return { host: cluster.Endpoint, port: cluster.Port };
            }
          }
          marker = page.Marker;
        } while (marker);
        do {
          const page = await client.send(new DescribeDBInstancesCommand({ Marker: marker }));
          for (const instance of page.DBInstances ?? []) {
            const endpoint = instance.Endpoint;
            if (instance.MasterUserSecret?.SecretArn === secretArn && endpoint?.Address && endpoint.Port) {
              return { host: endpoint.Address, port: endpoint.Port };
            }
          }
          marker = page.Marker;
        } while (marker);
      } catch (error) {
        throw toOpsError('rds:DescribeDBClusters/DescribeDBInstances', error);
      }
      return undefined;
    },
  };
}
