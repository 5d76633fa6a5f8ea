import { DescribeDBClustersCommand, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { PermanentError, toOpsError } from '../../../shared/errors';
import type { DbEndpoint, RdsPort } from '../ports';

/**
 * RDS, for RDS-managed master secrets (`{"username","password"}` only): host, port and engine of
 * the instance or cluster named by the secret's `aws:rds:primaryDB…Arn` tag. Both Describe calls
 * take the ARN as identifier, as AWS's rotation templates pass it.
 */
export function rdsAdapter(client: RDSClient): RdsPort {
  return {
    async instanceEndpoint(arn) {
      let found: DbEndpoint | undefined;
      try {
        const out = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: arn }));
        const db = out.DBInstances?.[0];
        if (db?.Endpoint?.Address && db.Engine)
          found = { host: db.Endpoint.Address, port: db.Endpoint.Port ?? 0, engine: db.Engine };
      } catch (error) {
        throw toOpsError(`rds:DescribeDBInstances ${arn}`, error);
      }
      if (!found)
        throw new PermanentError(
          `rds:DescribeDBInstances ${arn} returned no instance with an endpoint (still creating, or deleted?)`,
        );
      return found;
    },
    async clusterEndpoint(arn) {
      let found: DbEndpoint | undefined;
      try {
        const out = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: arn }));
        const db = out.DBClusters?.[0];
        if (db?.Endpoint && db.Engine) found = { host: db.Endpoint, port: db.Port ?? 0, engine: db.Engine };
      } catch (error) {
        throw toOpsError(`rds:DescribeDBClusters ${arn}`, error);
      }
      if (!found)
        throw new PermanentError(
          `rds:DescribeDBClusters ${arn} returned no cluster with an endpoint (still creating, or deleted?)`,
        );
      return found;
    },
  };
}
