import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { PermanentError, RetryableError } from '../../../shared/errors';
import { redact } from '../../../shared/redact';
import { ecsAdapter } from '../../../functions/rotate-secret/adapters/ecs';
import { localStateSecrets } from '../../../functions/rotate-secret/adapters/local-state';
import { secretsManagerAdapter } from '../../../functions/rotate-secret/adapters/secrets-manager';
import { throttlingError } from '../../../local/rotate-secret/fake-secrets-manager';

describe('secretsManagerAdapter', () => {
  const client = new SecretsManagerClient({ region: 'us-east-1' });
  const sm = mockClient(client);
  const port = secretsManagerAdapter(client);
  beforeEach(() => sm.reset());
  afterAll(() => sm.restore());

  it('reads a version by id and stage, registering its value as a secret', async () => {
    sm.on(GetSecretValueCommand).resolves({
      VersionId: 'v2',
      SecretString: 'Sup3r-Secret-Value',
      VersionStages: ['AWSPENDING'],
    });
    await expect(port.getValue('app/db', { versionId: 'v2', stage: 'AWSPENDING' })).resolves.toEqual({
      versionId: 'v2',
      value: 'Sup3r-Secret-Value',
      stages: ['AWSPENDING'],
    });
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: 'app/db',
      VersionId: 'v2',
      VersionStage: 'AWSPENDING',
    });
    expect(redact('logged Sup3r-Secret-Value')).toBe('logged [REDACTED]');
  });

  it('answers undefined for a missing version, and a retryable error for throttling', async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'no', $metadata: {} }))
      .rejectsOnce(throttlingError());
    await expect(port.getValue('app/db', { stage: 'AWSPREVIOUS' })).resolves.toBeUndefined();
    await expect(port.getValue('app/db', { stage: 'AWSPREVIOUS' })).rejects.toThrow(RetryableError);
  });

  it('stores the pending value with stage AWSPENDING and reports a token that holds other content', async () => {
    sm.on(PutSecretValueCommand)
      .resolvesOnce({})
      .rejectsOnce(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    await expect(port.putPending('app/db', 'tok', 'value-one')).resolves.toBe('stored');
    await expect(port.putPending('app/db', 'tok', 'value-two')).resolves.toBe('exists-with-other-value');
    expect(sm).toHaveReceivedCommandWith(PutSecretValueCommand, {
      SecretId: 'app/db',
      ClientRequestToken: 'tok',
      SecretString: 'value-one',
      VersionStages: ['AWSPENDING'],
    });
  });

  it('asks for a password without the excluded characters, and moves AWSCURRENT naming the old version', async () => {
    sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: 'abcdEFGH1234' });
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    await port.randomPassword({ length: 40, excludeCharacters: '/@"', excludePunctuation: false });
    await port.moveCurrent('app/db', 'new', 'old');
    expect(sm).toHaveReceivedCommandWith(GetRandomPasswordCommand, {
      PasswordLength: 40,
      ExcludeCharacters: '/@"',
      ExcludePunctuation: false,
      IncludeSpace: false,
      RequireEachIncludedType: true,
    });
    expect(sm).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      SecretId: 'app/db',
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: 'new',
      RemoveFromVersionId: 'old',
    });
  });
  // RDS tags the master secret it manages with its instance's or cluster's ARN:
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonRDSServiceRolePolicy.html
  it('describes a secret through DescribeSecret, reading the RDS tag into managedBy', async () => {
    const instance = 'arn:aws:rds:us-east-1:123456789012:db:app-db';
    sm.on(DescribeSecretCommand, { SecretId: 'rds!db-1' })
      .resolves({
        ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf',
        Name: 'rds!db-1',
        RotationEnabled: true,
        VersionIdsToStages: { v1: ['AWSCURRENT'] },
        Tags: [{ Key: 'aws:rds:primaryDBInstanceArn', Value: instance }],
      })
      .on(DescribeSecretCommand, { SecretId: 'app/db' })
      .resolves({ ARN: 'arn:app', Name: 'app/db', Tags: [{ Key: 'team', Value: 'web' }] });

    await expect(port.describe('rds!db-1')).resolves.toEqual({
      arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf',
      name: 'rds!db-1',
      rotationEnabled: true,
      versions: { v1: ['AWSCURRENT'] },
      tags: { 'aws:rds:primaryDBInstanceArn': instance },
      managedBy: { kind: 'instance', arn: instance },
    });
    const plain = await port.describe('app/db');
    expect(plain).not.toHaveProperty('managedBy');
    expect(sm).toHaveReceivedCommandTimes(DescribeSecretCommand, 2);
  });

  it('names DescribeSecret and the secret when it fails', async () => {
    sm.on(DescribeSecretCommand).rejects(
      Object.assign(new Error('denied'), { name: 'AccessDeniedException' }),
    );
    await expect(port.describe('app/db')).rejects.toThrow(
      'secretsmanager:DescribeSecret app/db failed: AccessDeniedException: denied',
    );
  });
});

describe('ecsAdapter', () => {
  const client = new ECSClient({ region: 'us-east-1' });
  const ecs = mockClient(client);
  afterAll(() => ecs.restore());

  it('forces a new deployment and names the service when refused', async () => {
    ecs
      .on(UpdateServiceCommand)
      .resolvesOnce({ service: { deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY' }] } })
      .rejectsOnce(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const port = ecsAdapter(client);
    await expect(port.forceNewDeployment('django-app', 'web')).resolves.toEqual({
      deploymentId: 'ecs-svc/1',
    });
    await expect(port.forceNewDeployment('django-app', 'web')).rejects.toThrow(
      /ecs:UpdateService django-app\/web failed: AccessDeniedException/,
    );
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {
      cluster: 'django-app',
      service: 'web',
      forceNewDeployment: true,
    });
  });
});

describe('localStateSecrets (invoke local)', () => {
  const port = localStateSecrets('events/rotate-secret/state/local-secrets.json');

  it('reads the sample secrets and refuses to write', async () => {
    const meta = await port.describe(
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:django-app/local/db-AbCdEf',
    );
    expect(meta.name).toBe('django-app/local/db');
    expect(
      await port.getValue('django-app/local/db', {
        versionId: '3f1e6c2a-8d4b-4b8e-9a61-2c7d5e0f9b13',
        stage: 'AWSPENDING',
      }),
    ).toBeUndefined();
    await expect(port.putPending('django-app/local/db', 't', 'v')).rejects.toThrow(PermanentError);
    expect(
      await port.randomPassword({ length: 20, excludeCharacters: 'abc', excludePunctuation: true }),
    ).toMatch(/^[A-Zd-z0-9]{20}$/);
  });
});
