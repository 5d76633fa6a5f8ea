import type { RDSClient } from '@aws-sdk/client-rds';
import { managedDatabaseCalls } from '../../../shared/aws/secrets';
import { PermanentError } from '../../../shared/errors';
import type { DbEndpoint, RdsPort } from '../ports';

/**
 * RDS, for RDS-managed master secrets (`{"username","password"}` only): host, port and engine of
 * the instance or cluster named by the secret's `aws:rds:primaryDB…Arn` tag, through the shared
 * adapter (shared/aws/secrets.ts: Describe… with the ARN as identifier).
 */
export function rdsAdapter(client: RDSClient): RdsPort {
  const calls = managedDatabaseCalls(client);
  const missing = (call: string, arn: string, what: string) =>
    new PermanentError(
      `rds:${call} ${arn} returned no ${what} with an endpoint (still creating, or deleted?)`,
    );
  return {
    async instanceEndpoint(arn): Promise<DbEndpoint> {
      const db = await calls.describeInstance(arn);
      if (!db?.Endpoint?.Address || !db.Engine) throw missing('DescribeDBInstances', arn, 'instance');
      return { host: db.Endpoint.Address, port: db.Endpoint.Port ?? 0, engine: db.Engine };
    },
    async clusterEndpoint(arn): Promise<DbEndpoint> {
      const db = await calls.describeCluster(arn);
      if (!db?.Endpoint || !db.Engine) throw missing('DescribeDBClusters', arn, 'cluster');
      return { host: db.Endpoint, port: db.Port ?? 0, engine: db.Engine };
    },
  };
}
