import { ListClustersCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import 'aws-sdk-client-mock-jest';
import { ecs as ecsCommands } from '../../../../shared/aws/commands/ecs';
import { DeferredCommand, deferredCommands, ecsClient, lazyClient } from '../../../../shared/aws/lazy';
import { rdsEndpointResolver } from '../../../../functions/db-iam-user/adapters';

const ecs = mockClient(ECSClient);
beforeEach(() => ecs.reset());

it('builds the client on the first send only, once, and sends through it', async () => {
  const load = jest.fn(async () => new ECSClient({ region: 'us-east-1' }));
  const client = lazyClient(load);
  expect(load).not.toHaveBeenCalled();
  ecs.on(ListClustersCommand).resolves({ clusterArns: ['arn:aws:ecs:us-east-1:123456789012:cluster/a'] });
  const [a, b] = await Promise.all([
    client.send(new ListClustersCommand({})),
    client.send(new ListClustersCommand({})),
  ]);
  expect(a.clusterArns).toEqual(['arn:aws:ecs:us-east-1:123456789012:cluster/a']);
  expect(b.clusterArns).toEqual(a.clusterArns);
  expect(load).toHaveBeenCalledTimes(1);
  expect(ecs).toHaveReceivedCommandTimes(ListClustersCommand, 2);
});

it('does not cache a failed load: the next send tries again', async () => {
  const load = jest
    .fn<Promise<ECSClient>, []>()
    .mockRejectedValueOnce(new Error('chunk not found'))
    .mockResolvedValue(new ECSClient({ region: 'us-east-1' }));
  const client = lazyClient(load);
  ecs.on(ListClustersCommand).resolves({ clusterArns: [] });
  await expect(client.send(new ListClustersCommand({}))).rejects.toThrow('chunk not found');
  await expect(client.send(new ListClustersCommand({}))).resolves.toMatchObject({ clusterArns: [] });
  expect(load).toHaveBeenCalledTimes(2);
});

it('the factories keep the given configuration', async () => {
  ecs.on(ListClustersCommand).resolves({ clusterArns: [] });
  const client = ecsClient({ region: 'eu-west-1', maxAttempts: 2 });
  await client.send(new ListClustersCommand({}));
  const sent = ecs.commandCalls(ListClustersCommand)[0]!;
  const real = sent.thisValue as ECSClient;
  expect(real).toBeInstanceOf(ECSClient);
  await expect(real.config.region()).resolves.toBe('eu-west-1');
  await expect(real.config.maxAttempts()).resolves.toBe(2);
});

it('is not a thenable and exposes nothing of the client but send and destroy', async () => {
  const client = lazyClient(async () => new ECSClient({}));
  expect((client as unknown as { then?: unknown }).then).toBeUndefined();
  expect(await Promise.resolve(client)).toBe(client);
  expect((client as unknown as { config?: unknown }).config).toBeUndefined();
  expect(() => client.destroy()).not.toThrow();
});

// The dbIamUser endpoint resolver on lazily built clients (no paginate* helper, which checks
// `client instanceof XClient`: a lazy client is not): DescribeSecret, then DescribeDBClusters.
it('the dbIamUser endpoint resolver works on lazily built Secrets Manager and RDS clients', async () => {
  const sm = mockClient(SecretsManagerClient);
  const rds = mockClient(RDSClient);
  sm.on(DescribeSecretCommand, { SecretId: 'arn:s' }).resolves({
    Tags: [{ Key: 'aws:rds:primaryDBClusterArn', Value: 'arn:aws:rds:us-east-1:1:cluster:app' }],
  });
  rds
    .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'arn:aws:rds:us-east-1:1:cluster:app' })
    .resolves({ DBClusters: [{ Endpoint: 'app.cluster-x', Port: 5432 }] });
  const resolver = rdsEndpointResolver(
    lazyClient(async () => new SecretsManagerClient({ region: 'us-east-1' })),
    lazyClient(async () => new RDSClient({ region: 'us-east-1' })),
  );
  await expect(resolver.endpointForSecret('arn:s')).resolves.toEqual({ host: 'app.cluster-x', port: 5432 });
  expect(rds).toHaveReceivedCommandTimes(DescribeDBClustersCommand, 1);
  sm.restore();
  rds.restore();
});

describe('deferred commands (the bundle path of shared/aws/commands/)', () => {
  const clientModule = async () => ({ ECSClient, ListClustersCommand });

  it('sends the SDK command built from the client module, with the input and options given', async () => {
    ecs.on(ListClustersCommand, { maxResults: 5 }).resolves({ clusterArns: ['arn:c'] });
    const deferred = deferredCommands(clientModule);
    const command = new deferred.ListClustersCommand({ maxResults: 5 });
    expect(command).toBeInstanceOf(DeferredCommand);
    expect(command).not.toBeInstanceOf(ListClustersCommand);
    expect(deferred.ListClustersCommand.name).toBe('ListClustersCommand');
    const abort = new AbortController();
    const client = lazyClient(async () => new ECSClient({ region: 'us-east-1' }));
    await expect(client.send(command, { abortSignal: abort.signal })).resolves.toMatchObject({
      clusterArns: ['arn:c'],
    });
    expect(ecs).toHaveReceivedCommandWith(ListClustersCommand, { maxResults: 5 });
    expect(ecs.commandCalls(ListClustersCommand)[0]!.args[0]).toBeInstanceOf(ListClustersCommand);
  });

  it('fails the send, naming the command, when the client module does not export it', async () => {
    const deferred = deferredCommands(
      async () => ({ ECSClient }) as unknown as { ListClustersCommand: typeof ListClustersCommand },
    );
    const client = lazyClient(async () => new ECSClient({ region: 'us-east-1' }));
    await expect(client.send(new deferred.ListClustersCommand({}))).rejects.toThrow(
      'ListClustersCommand is not exported by its shared/aws/clients/ module',
    );
    expect(ecs).toHaveReceivedCommandTimes(ListClustersCommand, 0);
  });

  it('defers command classes only (not a thenable)', () => {
    const deferred = deferredCommands(clientModule) as unknown as Record<string, unknown>;
    expect(deferred.then).toBeUndefined();
    expect(deferred.ECSClient).toBeUndefined();
  });

  it('unbundled, shared/aws/commands/ gives the SDK classes themselves', () => {
    expect(ecsCommands.ListTasksCommand).toBe(ListTasksCommand);
  });
});
