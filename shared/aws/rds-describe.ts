// Loaded on first use by shared/aws/secrets.ts (import() in the packaged bundle, its own chunk):
// the RDS command classes bring RDS's whole schema and error model (94 KB), which neither
// dbIamUser nor rotateSecret needs unless a master secret is one RDS manages.
export { DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
