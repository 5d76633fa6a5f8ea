/**
 * shared/aws/secrets.ts, the one Secrets Manager adapter of dbIamUser and rotateSecret: the exact
 * commands sent, SDK errors through toOpsError, and the RDS-managed secret lookup.
 *
 * RDS tags the master secret it manages (`rds!db-…` / `rds!cluster-…`) with the ARN of its
 * instance or cluster: `aws:rds:primaryDBInstanceArn` / `aws:rds:primaryDBClusterArn`; the RDS
 * service-linked role may tag `rds!*` secrets with these two keys only.
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonRDSServiceRolePolicy.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
 */
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  managedDatabaseCalls,
  managedSecretDatabase,
  managedSecretOwner,
  secretsCalls,
} from '../../../../shared/aws/secrets';
import { PermanentError, RetryableError } from '../../../../shared/errors';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf';
const INSTANCE = 'arn:aws:rds:eu-west-1:123456789012:db:app-db';
const CLUSTER = 'arn:aws:rds:eu-west-1:123456789012:cluster:app-cluster';
const awsError = (name: string, status: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

const smClient = new SecretsManagerClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const rdsClient = new RDSClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const sm = mockClient(smClient);
const rds = mockClient(rdsClient);
beforeEach(() => {
  sm.reset();
  rds.reset();
});
afterAll(() => {
  sm.restore();
  rds.restore();
});

describe('secretsCalls', () => {
  it('GetSecretValue: sends the input as given and returns the SDK shape', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"username":"u"}', VersionId: 'v1' });
    await expect(
      secretsCalls(smClient).getSecretValue({ SecretId: SECRET, VersionStage: 'AWSCURRENT' }),
    ).resolves.toMatchObject({ SecretString: '{"username":"u"}', VersionId: 'v1' });
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: SECRET,
      VersionStage: 'AWSCURRENT',
    });
  });

  it('names the call, secret and version in the error: retryable for throttling, permanent for denial, SDK error as cause', async () => {
    const throttled = awsError('ThrottlingException', 400);
    sm.on(GetSecretValueCommand).rejectsOnce(throttled).rejectsOnce(awsError('AccessDeniedException', 400));
    const calls = secretsCalls(smClient);

    const first = await calls
      .getSecretValue({ SecretId: SECRET, VersionStage: 'AWSPENDING' })
      .catch((e: unknown) => e);
    expect(first).toBeInstanceOf(RetryableError);
    expect((first as Error).message).toBe(
      `secretsmanager:GetSecretValue ${SECRET} AWSPENDING failed: ThrottlingException: ThrottlingException happened`,
    );
    expect((first as Error).cause).toBe(throttled);
    const second = await calls.getSecretValue({ SecretId: SECRET }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(PermanentError);
    expect((second as Error).message).toBe(
      `secretsmanager:GetSecretValue ${SECRET} failed: AccessDeniedException: AccessDeniedException happened`,
    );
  });

  it('DescribeSecret: the secret id only', async () => {
    sm.on(DescribeSecretCommand).resolves({ ARN: SECRET, Tags: [] });
    await expect(secretsCalls(smClient).describeSecret(SECRET)).resolves.toMatchObject({ ARN: SECRET });
    expect(sm).toHaveReceivedCommandWith(DescribeSecretCommand, { SecretId: SECRET });
  });
});

describe('managedSecretOwner', () => {
  it('reads either tag (SDK list or record), keys case-insensitively; the instance tag first; empty values ignored', () => {
    expect(managedSecretOwner([{ Key: 'aws:rds:primaryDBInstanceArn', Value: INSTANCE }])).toEqual({
      kind: 'instance',
      arn: INSTANCE,
    });
    expect(managedSecretOwner({ 'AWS:RDS:PRIMARYDBCLUSTERARN': CLUSTER })).toEqual({
      kind: 'cluster',
      arn: CLUSTER,
    });
    expect(
      managedSecretOwner({
        'aws:rds:primaryDBInstanceArn': INSTANCE,
        'aws:rds:primaryDBClusterArn': CLUSTER,
      }),
    ).toEqual({ kind: 'instance', arn: INSTANCE });
    expect(
      managedSecretOwner([
        { Key: 'aws:rds:primaryDBInstanceArn', Value: '' },
        { Key: 'aws:rds:primaryDBClusterArn', Value: CLUSTER },
      ]),
    ).toEqual({ kind: 'cluster', arn: CLUSTER });
  });

  it('no tag, other tags, or no Tags at all: not a secret RDS manages', () => {
    expect(managedSecretOwner(undefined)).toBeUndefined();
    expect(managedSecretOwner([])).toBeUndefined();
    expect(managedSecretOwner([{ Key: 'aws:secretsmanager:owningService', Value: 'rds' }])).toBeUndefined();
    expect(managedSecretOwner({ 'aws:rds:primaryDBInstanceArn': '' })).toBeUndefined();
  });
});

describe('managedSecretDatabase', () => {
  const lookup = (id = SECRET) =>
    managedSecretDatabase(secretsCalls(smClient), managedDatabaseCalls(rdsClient), id);

  it('an instance secret: DescribeSecret, then DescribeDBInstances with the tag ARN as DBInstanceIdentifier', async () => {
    sm.on(DescribeSecretCommand).resolves({
      Tags: [{ Key: 'aws:rds:primaryDBInstanceArn', Value: INSTANCE }],
    });
    const instance = {
      DBInstanceArn: INSTANCE,
      Engine: 'postgres',
      Endpoint: { Address: 'db.x', Port: 5432 },
    };
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance] });

    await expect(lookup()).resolves.toEqual({ kind: 'instance', arn: INSTANCE, instance });
    expect(sm.calls().map((c) => c.args[0].constructor.name)).toEqual(['DescribeSecretCommand']);
    expect(sm).toHaveReceivedCommandWith(DescribeSecretCommand, { SecretId: SECRET });
    expect(rds.calls()).toHaveLength(1);
    expect(rds).toHaveReceivedNthCommandWith(1, DescribeDBInstancesCommand, {
      DBInstanceIdentifier: INSTANCE,
    });
    expect(sm.calls()[0]!.calledBefore(rds.calls()[0]!)).toBe(true);
  });

  it('a cluster secret: DescribeDBClusters with the tag ARN as DBClusterIdentifier, no instance call', async () => {
    sm.on(DescribeSecretCommand).resolves({ Tags: [{ Key: 'aws:rds:primaryDBClusterArn', Value: CLUSTER }] });
    const cluster = { DBClusterArn: CLUSTER, Engine: 'aurora-mysql', Endpoint: 'c.x', Port: 3306 };
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster] });

    await expect(lookup()).resolves.toEqual({ kind: 'cluster', arn: CLUSTER, cluster });
    expect(rds.calls()).toHaveLength(1);
    expect(rds).toHaveReceivedCommandWith(DescribeDBClustersCommand, { DBClusterIdentifier: CLUSTER });
  });

  it('tag missing: undefined and no RDS call', async () => {
    sm.on(DescribeSecretCommand).resolves({ Tags: [{ Key: 'team', Value: 'web' }] });
    await expect(lookup()).resolves.toBeUndefined();
    expect(rds.calls()).toHaveLength(0);
  });

  it('instance not found (DBInstanceNotFoundFault): a permanent error naming the call and the ARN', async () => {
    sm.on(DescribeSecretCommand).resolves({
      Tags: [{ Key: 'aws:rds:primaryDBInstanceArn', Value: INSTANCE }],
    });
    const fault = awsError('DBInstanceNotFoundFault', 404);
    rds.on(DescribeDBInstancesCommand).rejects(fault);

    const error = await lookup().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe(
      `rds:DescribeDBInstances ${INSTANCE} failed: DBInstanceNotFoundFault: DBInstanceNotFoundFault happened`,
    );
    expect((error as Error).cause).toBe(fault);
  });

  it('an instance RDS does not list: the lookup says so with instance undefined (the function adapter decides)', async () => {
    sm.on(DescribeSecretCommand).resolves({
      Tags: [{ Key: 'aws:rds:primaryDBInstanceArn', Value: INSTANCE }],
    });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    await expect(lookup()).resolves.toEqual({ kind: 'instance', arn: INSTANCE, instance: undefined });
  });

  it('DescribeSecret throttled: retryable, named, and no RDS call', async () => {
    sm.on(DescribeSecretCommand).rejects(awsError('ThrottlingException', 400));
    await expect(lookup()).rejects.toThrow(RetryableError);
    await expect(lookup()).rejects.toThrow(
      `secretsmanager:DescribeSecret ${SECRET} failed: ThrottlingException`,
    );
    expect(rds.calls()).toHaveLength(0);
  });
});
