import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  CURRENT,
  FakeSecretsManager,
  PENDING,
  PREVIOUS,
} from '../../../local/rotate-secret/fake-secrets-manager';

// The fake is what every rotation test trusts about stage moves, so its rules are tested too.
describe('FakeSecretsManager', () => {
  let fake: FakeSecretsManager;
  beforeEach(() => {
    fake = new FakeSecretsManager();
    fake.createSecret('app/db', 'v1');
  });
  afterEach(() => fake.restore());

  it('starts a rotation with a value-less AWSPENDING version that GetSecretValue does not find', async () => {
    const token = fake.startRotation('app/db');
    expect(fake.stages('app/db')[token]).toEqual([PENDING]);
    await expect(
      fake.client.send(
        new GetSecretValueCommand({ SecretId: 'app/db', VersionId: token, VersionStage: PENDING }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('PutSecretValue with the same token is idempotent for the same value and refused for another', async () => {
    const token = fake.startRotation('app/db');
    const put = (value: string) =>
      fake.client.send(
        new PutSecretValueCommand({
          SecretId: 'app/db',
          ClientRequestToken: token,
          SecretString: value,
          VersionStages: [PENDING],
        }),
      );
    await put('v2');
    await expect(put('v2')).resolves.toMatchObject({ VersionId: token });
    await expect(put('other')).rejects.toMatchObject({ name: 'ResourceExistsException' });
    expect(fake.value('app/db', PENDING)).toBe('v2');
  });

  it('moving AWSCURRENT labels the old current AWSPREVIOUS and requires RemoveFromVersionId', async () => {
    const first = fake.versionWith('app/db', CURRENT)!;
    const token = fake.startRotation('app/db');
    await fake.client.send(
      new PutSecretValueCommand({
        SecretId: 'app/db',
        ClientRequestToken: token,
        SecretString: 'v2',
        VersionStages: [PENDING],
      }),
    );
    await expect(
      fake.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: 'app/db',
          VersionStage: CURRENT,
          MoveToVersionId: token,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await fake.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: 'app/db',
        VersionStage: CURRENT,
        MoveToVersionId: token,
        RemoveFromVersionId: first,
      }),
    );
    expect(fake.stages('app/db')).toEqual({ [first]: [PREVIOUS], [token]: [CURRENT, PENDING] });
    fake.completeRotation('app/db');
    expect(fake.stages('app/db')).toEqual({ [first]: [PREVIOUS], [token]: [CURRENT] });
  });

  it('fails the next call of a command once when told to', async () => {
    fake.failNext('GetSecretValue', Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(fake.client.send(new GetSecretValueCommand({ SecretId: 'app/db' }))).rejects.toThrow(
      'slow down',
    );
    await expect(fake.client.send(new GetSecretValueCommand({ SecretId: 'app/db' }))).resolves.toMatchObject({
      SecretString: 'v1',
    });
  });
});
