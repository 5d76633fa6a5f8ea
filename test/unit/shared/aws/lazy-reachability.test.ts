import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ecsClient } from '../../../../shared/aws/lazy';
import { EndpointUnreachableError } from '../../../../shared/aws/reachability';
import { closedPort } from '../../../helpers/hardening/servers';

// The packaged bundle builds clients lazily; the DB functions and notifications also ask their
// clients to fail fast when the VPC endpoint is missing. That middleware needs the real client,
// so the factory adds it when the client is loaded: a lazy client must fail fast too.
describe('in the packaged bundle (lazy) with a reachability name', () => {
  const before = process.env.OPS_SENTINEL_BUNDLE;
  beforeAll(() => {
    process.env.OPS_SENTINEL_BUNDLE = 'esm';
  });
  afterAll(() => {
    process.env.OPS_SENTINEL_BUNDLE = before;
  });

  it('a refused connection fails at its first attempt, naming the ECS interface endpoint', async () => {
    const port = await closedPort();
    let attempts = 0;
    const requestHandler = new (class extends NodeHttpHandler {
      override handle(...args: Parameters<NodeHttpHandler['handle']>) {
        attempts++;
        return super.handle(...args);
      }
    })({ connectionTimeout: 1_000 });
    const client = ecsClient(
      { region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, maxAttempts: 3, requestHandler },
      'ecs',
    );
    expect(client).not.toBeInstanceOf(ECSClient);
    const error = await client.send(new ListClustersCommand({})).catch((e: unknown) => e);
    client.destroy();
    expect(error).toBeInstanceOf(EndpointUnreachableError);
    expect((error as Error).message).toMatch(
      /^Cannot reach ECS at 127\.0\.0\.1 .*com\.amazonaws\.us-east-1\.ecs/,
    );
    expect(attempts).toBe(1);
  });
});
