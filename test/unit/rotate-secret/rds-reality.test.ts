/**
 * rotateSecret against RDS as it is: RDS-managed master secrets, secrets that only look
 * like database secrets, failures that must reach a person. AWS is aws-sdk-client-mock; the
 * database is a recording stand-in (the real databases are in test/integration/rotate-secret).
 */
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { rdsAdapter } from '../../../functions/rotate-secret/adapters/rds';
import { rotateSecret } from '../../../functions/rotate-secret/core';
import type { DbPort } from '../../../functions/rotate-secret/ports';
import type { RotationStep } from '../../../functions/rotate-secret/schema';
import { PermanentError, RetryableError } from '../../../shared/errors';
import { formatEmail, formatSubject } from '../../../shared/notify/format';
import { rdsManagedSecret, type World } from '../../../local/rds-world';
import {
  CURRENT,
  FakeSecretsManager,
  throttlingError,
} from '../../../local/rotate-secret/fake-secrets-manager';
import { recordingNotifier, rotationDeps, testConfig } from '../../../local/rotate-secret/rotation';

const WORLD: World = {
  engine: 'postgres',
  host: 'django.abc123.eu-west-1.rds.amazonaws.com',
  port: 5432,
  database: 'django',
  master: 'postgres',
  masterPassword: 'Master-pw-0001',
  app: 'django',
  appPassword: 'App-pw-0001',
};

/** A database that records every login and refuses every one (the calls before it are what matter). */
function recordingDb(): DbPort & { logins: string[] } {
  const logins: string[] = [];
  return {
    logins,
    async connect(options) {
      logins.push(`${options.user}@${options.host}:${options.port}`);
      throw new RetryableError(
        `connect (${options.engine} ${options.host}:${options.port}) failed [ETIMEDOUT]`,
      );
    },
  };
}

describe('rdsAdapter', () => {
  const client = new RDSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const rds = mockClient(client);
  afterEach(() => rds.reset());
  afterAll(() => rds.restore());

  it('asks DescribeDBInstances for the instance ARN of the tag and returns its endpoint and engine', async () => {
    const managed = rdsManagedSecret(WORLD, 'instance');
    rds.on(DescribeDBInstancesCommand).resolves(managed.describe);
    await expect(rdsAdapter(client).instanceEndpoint(managed.dbArn)).resolves.toEqual({
      host: WORLD.host,
      port: 5432,
      engine: 'postgres',
    });
    expect(rds).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 1);
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, {
      DBInstanceIdentifier: managed.dbArn,
    });
  });

  it('asks DescribeDBClusters for a cluster ARN and returns the writer endpoint', async () => {
    const managed = rdsManagedSecret(WORLD, 'cluster');
    rds.on(DescribeDBClustersCommand).resolves(managed.describe);
    await expect(rdsAdapter(client).clusterEndpoint(managed.dbArn)).resolves.toEqual({
      host: WORLD.host,
      port: 5432,
      engine: 'aurora-postgresql',
    });
    expect(rds).toHaveReceivedCommandWith(DescribeDBClustersCommand, { DBClusterIdentifier: managed.dbArn });
  });

  it('names the call and the ARN when RDS has no such database or denies the call', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    await expect(rdsAdapter(client).instanceEndpoint('arn:aws:rds:eu-west-1:1:db:gone')).rejects.toThrow(
      /rds:DescribeDBInstances arn:aws:rds:eu-west-1:1:db:gone returned no instance/,
    );
    rds.on(DescribeDBClustersCommand).rejects(
      Object.assign(new Error('not authorized to perform: rds:DescribeDBClusters'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(rdsAdapter(client).clusterEndpoint('arn:aws:rds:eu-west-1:1:cluster:c')).rejects.toThrow(
      PermanentError,
    );
  });
});

describe('rotateSecret with the default master (rotateSecretMasterArns = rds!*)', () => {
  let fake: FakeSecretsManager;
  afterEach(() => fake.restore());

  function seed(kind: 'instance' | 'cluster', appHost = WORLD.host) {
    fake = new FakeSecretsManager();
    const managed = rdsManagedSecret(WORLD, kind);
    const masterarn = fake.createSecret(managed.name, managed.secretString, {
      tags: Object.fromEntries(managed.tags.map((t) => [t.Key, t.Value])),
    });
    fake.createSecret(
      'django-app/prod/db',
      JSON.stringify({
        engine: 'postgres',
        host: appHost,
        port: 5432,
        username: WORLD.app,
        password: WORLD.appPassword,
        dbname: 'django',
        masterarn,
      }),
    );
    const client = new RDSClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const rds = mockClient(client);
    rds.on(DescribeDBInstancesCommand).resolves(managed.describe);
    rds.on(DescribeDBClustersCommand).resolves(managed.describe);
    const db = recordingDb();
    const notifier = recordingNotifier();
    const deps = rotationDeps(fake, { rds: rdsAdapter(client), db, notifier });
    return { managed, masterarn, rds, db, notifier, deps };
  }

  async function toSetSecret(deps: ReturnType<typeof seed>['deps']) {
    const token = fake.startRotation('django-app/prod/db');
    const run = (Step: RotationStep) =>
      rotateSecret({ SecretId: 'django-app/prod/db', ClientRequestToken: token, Step }, deps, testConfig());
    await run('createSecret');
    return run('setSecret');
  }

  it.each(['instance', 'cluster'] as const)(
    '%s: DescribeSecret for the tag, one Describe call to RDS, then the resolved host (before: "not a valid database secret")',
    async (kind) => {
      const { managed, masterarn, rds, db, deps } = seed(kind);
      await expect(toSetSecret(deps)).rejects.toThrow(/ETIMEDOUT/);
      expect(fake.mock).toHaveReceivedCommandWith(DescribeSecretCommand, { SecretId: masterarn });
      if (kind === 'instance') {
        expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, {
          DBInstanceIdentifier: managed.dbArn,
        });
        expect(rds).not.toHaveReceivedCommand(DescribeDBClustersCommand);
      } else {
        expect(rds).toHaveReceivedCommandWith(DescribeDBClustersCommand, {
          DBClusterIdentifier: managed.dbArn,
        });
        expect(rds).not.toHaveReceivedCommand(DescribeDBInstancesCommand);
      }
      // The confused-deputy login (the app's AWSCURRENT) comes first, at the resolved endpoint.
      expect(db.logins).toEqual([`${WORLD.app}@${WORLD.host}:5432`]);
    },
  );

  it('refuses when the resolved master is another server than the secret names', async () => {
    const { db, deps } = seed('instance', 'other.abc123.eu-west-1.rds.amazonaws.com');
    await expect(toSetSecret(deps)).rejects.toThrow(
      /its master secret names postgres django\.abc123.*:5432 but the secret names postgres other\.abc123/,
    );
    expect(db.logins).toEqual([]);
  });
});

describe('secrets that only look like database secrets', () => {
  let fake: FakeSecretsManager;
  afterEach(() => fake.restore());

  it.each([
    ['username/password, no engine', { username: 'django', password: 'App-pw-0001' }],
    ['an RDS-managed-style secret', { username: 'postgres', password: 'Master-pw-0001' }],
    ['username/password/host, no engine', { username: 'django', password: 'App-pw-0001', host: 'db' }],
  ])('%s is refused, never replaced wholesale by a random string', async (_n, value) => {
    fake = new FakeSecretsManager();
    fake.createSecret('django-app/prod/db', JSON.stringify(value));
    const notifier = recordingNotifier();
    const token = fake.startRotation('django-app/prod/db');
    const failure = rotateSecret(
      { SecretId: 'django-app/prod/db', ClientRequestToken: token, Step: 'createSecret' },
      rotationDeps(fake, { notifier }),
      testConfig(),
    );
    await expect(failure).rejects.toThrow(PermanentError);
    await expect(failure).rejects.toThrow(/holds a username\/password but no "engine"/);
    expect(fake.mock).not.toHaveReceivedCommand(PutSecretValueCommand);
    expect(fake.json('django-app/prod/db', CURRENT)).toEqual(value);
    expect(notifier.sent.map((n) => n.severity)).toEqual(['critical']);
  });

  it('a JSON object tagged random-value without a key to replace is refused too', async () => {
    fake = new FakeSecretsManager();
    fake.createSecret('django-app/prod/keys', JSON.stringify({ A: 'x', B: 'y' }), {
      tags: { 'ops-sentinel:rotation-strategy': 'random-value' },
    });
    const token = fake.startRotation('django-app/prod/keys');
    await expect(
      rotateSecret(
        { SecretId: 'django-app/prod/keys', ClientRequestToken: token, Step: 'createSecret' },
        rotationDeps(fake),
        testConfig(),
      ),
    ).rejects.toThrow(/no tag ops-sentinel:random-key says which key to replace/);
    expect(fake.mock).not.toHaveReceivedCommand(PutSecretValueCommand);
  });
});

describe('every failed step reaches a person (Secrets Manager invokes rotation synchronously)', () => {
  let fake: FakeSecretsManager;
  afterEach(() => fake.restore());

  it('a retryable failure is notified as a warning, without the secret, and still thrown', async () => {
    fake = new FakeSecretsManager();
    fake.createSecret('django-app/prod/flower', 'Old-flower-value-0001');
    const notifier = recordingNotifier();
    const token = fake.startRotation('django-app/prod/flower');
    fake.failNext('PutSecretValue', throttlingError());
    await expect(
      rotateSecret(
        { SecretId: 'django-app/prod/flower', ClientRequestToken: token, Step: 'createSecret' },
        rotationDeps(fake, { notifier }),
        testConfig(),
      ),
    ).rejects.toThrow(RetryableError);
    expect(notifier.sent).toHaveLength(1);
    const [n] = notifier.sent;
    expect(n).toMatchObject({ eventType: 'SecretRotationFailed', severity: 'warning' });
    const text = `${formatSubject(n!)}\n${formatEmail(n!)}`;
    expect(text).toMatch(/django-app\/prod\/flower: rotation failed at createSecret/);
    expect(text).toMatch(/may be temporary: .*ThrottlingException/);
    expect(text).not.toContain('Old-flower-value-0001');
    expect(text).not.toMatch(/undefined|null|\[object/);
  });

  it('when the notification itself cannot be sent, the thrown error says so and keeps its retry semantics', async () => {
    fake = new FakeSecretsManager();
    fake.createSecret('django-app/prod/flower', 'Old-flower-value-0001');
    const token = fake.startRotation('django-app/prod/flower');
    fake.failNext('PutSecretValue', throttlingError());
    const notifier = {
      async notify(): Promise<never> {
        throw new RetryableError('sns:Publish failed: cannot reach sns.eu-west-1.amazonaws.com');
      },
    };
    const failure = rotateSecret(
      { SecretId: 'django-app/prod/flower', ClientRequestToken: token, Step: 'createSecret' },
      rotationDeps(fake, { notifier }),
      testConfig(),
    );
    await expect(failure).rejects.toThrow(RetryableError);
    await expect(failure).rejects.toThrow(
      /ThrottlingException.*the failure notification was not sent either: .*sns\.eu-west-1/,
    );
  });
});
