import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { clientConfig } from '../../../shared/aws/client-config';
import { PermanentError } from '../../../shared/errors';
import { clearRegisteredSecrets, redact } from '../../../shared/redact';
import {
  localCredentials,
  rdsEndpointResolver,
  secretsManagerCredentials,
} from '../../../functions/db-iam-user/adapters';
import { SECRET_ARN } from '../../helpers/db-iam-user/events';

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

describe('rdsEndpointResolver', () => {
  const resolver = rdsEndpointResolver(new RDSClient(clientConfig({ maxAttempts: 1 })));

  it('finds the Aurora cluster whose managed master secret is the ARN, across pages', async () => {
    rds
      .on(DescribeDBClustersCommand, {})
      .resolves({
        DBClusters: [{ Endpoint: 'other', Port: 5432, MasterUserSecret: { SecretArn: 'arn:other' } }],
        Marker: 'p2',
      })
      .on(DescribeDBClustersCommand, { Marker: 'p2' })
      .resolves({
        DBClusters: [
          {
            Endpoint: 'app.cluster-x.rds.amazonaws.com',
            Port: 3306,
            MasterUserSecret: { SecretArn: SECRET_ARN },
          },
        ],
      });

    await expect(resolver.endpointForSecret(SECRET_ARN)).resolves.toEqual({
      host: 'app.cluster-x.rds.amazonaws.com',
      port: 3306,
    });
    expect(rds).not.toHaveReceivedCommand(DescribeDBInstancesCommand);
  });

  it('falls back to RDS instances, and answers undefined when none matches', async () => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          Endpoint: { Address: 'app.x.rds.amazonaws.com', Port: 5432 },
          MasterUserSecret: { SecretArn: SECRET_ARN },
        },
      ],
    });

    await expect(resolver.endpointForSecret(SECRET_ARN)).resolves.toEqual({
      host: 'app.x.rds.amazonaws.com',
      port: 5432,
    });
    await expect(
      resolver.endpointForSecret('arn:aws:secretsmanager:us-east-1:1:secret:none'),
    ).resolves.toBeUndefined();
  });
});
