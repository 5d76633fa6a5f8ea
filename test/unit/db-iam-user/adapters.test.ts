import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { clientConfig } from '../../../shared/aws/client-config';
import { PermanentError } from '../../../shared/errors';
import { clearRegisteredSecrets, redact } from '../../../shared/redact';
import {
  buildDeps,
  depsFromEnv,
  localCredentials,
  rdsEndpointResolver,
  secretsManagerCredentials,
} from '../../../functions/db-iam-user/adapters';
import { DbIamUserConfig } from '../../../functions/db-iam-user/schema';
import { loadConfig } from '../../../shared/config';
import { SECRET_ARN } from '../../helpers/db-iam-user/events';
import { closedPort } from '../../helpers/hardening/servers';

const sm = mockClient(SecretsManagerClient);
const rds = mockClient(RDSClient);
afterAll(() => {
  sm.restore();
  rds.restore();
});
beforeEach(() => {
  sm.reset();
  rds.reset();
  clearRegisteredSecrets();
});

describe('secretsManagerCredentials', () => {
  const credentials = secretsManagerCredentials(new SecretsManagerClient(clientConfig({ maxAttempts: 1 })));

  it('reads the secret by ARN and registers the password for redaction', async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        username: 'admin',
        password: 'Tr0ub4dor&3',
        host: 'db.example',
        port: '5432',
        engine: 'postgres',
      }),
    });

    const secret = await credentials.get(SECRET_ARN);

    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
    expect(secret).toEqual({ username: 'admin', password: 'Tr0ub4dor&3', host: 'db.example', port: 5432 });
    expect(redact('login Tr0ub4dor&3 failed')).toBe('login [REDACTED] failed');
  });

  it('accepts an RDS-managed secret (username and password only)', async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ username: 'postgres', password: 'p-123456' }),
    });
    await expect(credentials.get(SECRET_ARN)).resolves.toEqual({
      username: 'postgres',
      password: 'p-123456',
    });
  });

  it('says which keys are missing without echoing the secret', async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ user: 'admin', password: 'leak-me-not' }),
    });

    const error = await credentials.get(SECRET_ARN).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect(String(error)).toContain('lacks or has invalid: username');
    expect(String(error)).not.toContain('leak-me-not');
  });

  it('wraps an access error with the action and secret', async () => {
    sm.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }),
    );
    await expect(credentials.get(SECRET_ARN)).rejects.toThrow(
      `secretsmanager:GetSecretValue ${SECRET_ARN} failed: AccessDeniedException`,
    );
  });
});

describe('localCredentials', () => {
  it('reads JSON credentials and rejects non-JSON with the variable name', async () => {
    await expect(localCredentials('{"username":"postgres","password":""}').get('ignored')).resolves.toEqual({
      username: 'postgres',
      password: '',
    });
    await expect(localCredentials('postgres:pw').get('ignored')).rejects.toThrow(
      /LOCAL_MASTER_CREDENTIALS_JSON is not JSON/,
    );
  });
});

// RDS tags the master secret it manages with the ARN of its instance or cluster
// (aws:rds:primaryDBInstanceArn / aws:rds:primaryDBClusterArn): the RDS service-linked role may tag
// rds!* secrets with these two keys only.
// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonRDSServiceRolePolicy.html
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
describe('rdsEndpointResolver', () => {
  const resolver = rdsEndpointResolver(
    new SecretsManagerClient(clientConfig({ maxAttempts: 1 })),
    new RDSClient(clientConfig({ maxAttempts: 1 })),
  );
  const INSTANCE_ARN = 'arn:aws:rds:us-east-1:123456789012:db:app-db';
  const CLUSTER_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:app-cluster';
  const tagged = (Key: string, Value: string) => ({
    ARN: SECRET_ARN,
    Name: 'rds!db-1',
    Tags: [{ Key, Value }],
  });

  it('reads the instance ARN from the secret tag, then describes that one instance', async () => {
    sm.on(DescribeSecretCommand).resolves(tagged('aws:rds:primaryDBInstanceArn', INSTANCE_ARN));
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ Endpoint: { Address: 'app.x.rds.amazonaws.com', Port: 5432 }, Engine: 'postgres' }],
    });

    await expect(resolver.endpointForSecret(SECRET_ARN)).resolves.toEqual({
      host: 'app.x.rds.amazonaws.com',
      port: 5432,
    });
    expect(sm).toHaveReceivedCommandTimes(DescribeSecretCommand, 1);
    expect(sm).toHaveReceivedCommandWith(DescribeSecretCommand, { SecretId: SECRET_ARN });
    expect(rds).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 1);
    expect(rds).toHaveReceivedNthCommandWith(1, DescribeDBInstancesCommand, {
      DBInstanceIdentifier: INSTANCE_ARN,
    });
    expect(rds).not.toHaveReceivedCommand(DescribeDBClustersCommand);
    expect(sm.commandCalls(DescribeSecretCommand)[0]!.calledBefore(rds.calls()[0]!)).toBe(true);
  });

  it('an Aurora (cluster) secret: DescribeDBClusters of the cluster ARN, its writer endpoint', async () => {
    sm.on(DescribeSecretCommand).resolves(tagged('aws:rds:primaryDBClusterArn', CLUSTER_ARN));
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{ Endpoint: 'app.cluster-x.rds.amazonaws.com', Port: 3306, Engine: 'aurora-mysql' }],
    });

    await expect(resolver.endpointForSecret(SECRET_ARN)).resolves.toEqual({
      host: 'app.cluster-x.rds.amazonaws.com',
      port: 3306,
    });
    expect(rds).toHaveReceivedCommandTimes(DescribeDBClustersCommand, 1);
    expect(rds).toHaveReceivedCommandWith(DescribeDBClustersCommand, { DBClusterIdentifier: CLUSTER_ARN });
    expect(rds).not.toHaveReceivedCommand(DescribeDBInstancesCommand);
  });

  it('a secret without either tag is not one RDS manages: undefined, and no RDS call', async () => {
    sm.on(DescribeSecretCommand).resolves({
      ARN: SECRET_ARN,
      Name: 'app/db',
      Tags: [{ Key: 'team', Value: 'x' }],
    });

    await expect(resolver.endpointForSecret(SECRET_ARN)).resolves.toBeUndefined();
    expect(rds.calls()).toHaveLength(0);
  });

  it('the instance the tag names does not exist: a permanent error naming the call and the ARN', async () => {
    sm.on(DescribeSecretCommand).resolves(tagged('aws:rds:primaryDBInstanceArn', INSTANCE_ARN));
    rds.on(DescribeDBInstancesCommand).rejects(
      Object.assign(new Error(`DBInstance ${INSTANCE_ARN} not found.`), {
        name: 'DBInstanceNotFoundFault',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
      }),
    );

    const error = await resolver.endpointForSecret(SECRET_ARN).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect(String(error)).toContain(
      `rds:DescribeDBInstances ${INSTANCE_ARN} failed: DBInstanceNotFoundFault`,
    );
  });

  it('an instance listed without an endpoint (still creating): a permanent error saying so', async () => {
    sm.on(DescribeSecretCommand).resolves(tagged('aws:rds:primaryDBInstanceArn', INSTANCE_ARN));
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'creating' }] });

    await expect(resolver.endpointForSecret(SECRET_ARN)).rejects.toThrow(
      new PermanentError(
        `rds:DescribeDBInstances ${INSTANCE_ARN} returned no instance with an endpoint (still creating, or deleted?); the master secret ${SECRET_ARN} names it in its tag`,
      ),
    );
  });

  it('DescribeSecret denied: a permanent error naming the call (the IAM statement to check)', async () => {
    sm.on(DescribeSecretCommand).rejects(
      Object.assign(new Error('not authorized to perform: secretsmanager:DescribeSecret'), {
        name: 'AccessDeniedException',
      }),
    );

    await expect(resolver.endpointForSecret(SECRET_ARN)).rejects.toThrow(
      `secretsmanager:DescribeSecret ${SECRET_ARN} failed: AccessDeniedException`,
    );
    expect(rds.calls()).toHaveLength(0);
  });
});

describe('depsFromEnv / buildDeps (adapters/index.ts)', () => {
  it('never throws at init: a bad variable becomes the FAILED reason of every request, with the default margin', async () => {
    for (const env of [
      { MYSQL_IAM_AUTH_CLAUSE: "IDENTIFIED BY 'x'; DROP USER root" },
      { RESPONSE_MARGIN_MS: 'soon' },
    ]) {
      const { deps, options } = depsFromEnv(env);
      expect(options).toEqual({ dryRun: false, marginMs: 5_000 });
      await expect(deps.credentials.get(SECRET_ARN)).rejects.toThrow(
        /^dbIamUser function is misconfigured: /,
      );
      await expect(deps.endpoints.endpointForSecret(SECRET_ARN)).rejects.toThrow(
        env.MYSQL_IAM_AUTH_CLAUSE ? /MYSQL_IAM_AUTH_CLAUSE is invalid/ : /RESPONSE_MARGIN_MS is invalid/,
      );
    }
  });

  it('buildDeps throws the configuration error itself (depsFromEnv is what keeps it from init)', () => {
    expect(() =>
      buildDeps(loadConfig(DbIamUserConfig, { MYSQL_IAM_AUTH_CLAUSE: 'IDENTIFIED BY x' })),
    ).toThrow(/MYSQL_IAM_AUTH_CLAUSE is invalid/);
  });

  it('local stage with LOCAL_MASTER_CREDENTIALS_JSON: credentials from the variable, no Secrets Manager call', async () => {
    const { deps, options } = depsFromEnv({
      STAGE: 'local',
      DRY_RUN: 'true',
      RESPONSE_MARGIN_MS: '2000',
      DB_CA_BUNDLE_PATH: '/nonexistent/ca.pem',
      LOCAL_MASTER_CREDENTIALS_JSON: '{"username":"postgres","password":"pw-local"}',
      AWS_REGION: 'eu-west-1',
    });
    await expect(deps.credentials.get(SECRET_ARN)).resolves.toEqual({
      username: 'postgres',
      password: 'pw-local',
    });
    expect(sm.calls()).toHaveLength(0);
    expect(options).toEqual({
      dryRun: true,
      caBundlePath: undefined,
      marginMs: 2_000,
    });
    // The response PUT names the region's S3 gateway endpoint when it cannot connect.
    const port = await closedPort();
    await expect(
      deps.respond(`http://127.0.0.1:${port}/cfn?X-Amz-Signature=abc`, '{}', {
        deadline: Date.now() + 10_000,
        onRetry: () => undefined,
      }),
    ).rejects.toThrow(/ECONNREFUSED.*com\.amazonaws\.eu-west-1\.s3/);
  });

  it('elsewhere: credentials from Secrets Manager GetSecretValue', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"username":"admin","password":"pw-sm-1"}' });
    const { deps } = depsFromEnv({
      STAGE: 'prod',
      LOCAL_MASTER_CREDENTIALS_JSON: '{"username":"ignored","password":"ignored"}',
    });
    await expect(deps.credentials.get(SECRET_ARN)).resolves.toEqual({
      username: 'admin',
      password: 'pw-sm-1',
    });
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
  });
});
