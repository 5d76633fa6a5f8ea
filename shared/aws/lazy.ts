import type { CloudFormationClient, CloudFormationClientConfig } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient, CloudWatchClientConfig } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { ECSClient, ECSClientConfig } from '@aws-sdk/client-ecs';
import type {
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ClientConfig,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RDSClient, RDSClientConfig } from '@aws-sdk/client-rds';
import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { SNSClient, SNSClientConfig } from '@aws-sdk/client-sns';
import type { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import { failFastWhenUnreachable, type ServiceName } from './reachability';

/**
 * An SDK client built on its first `send`, from a module loaded then: a function whose
 * invocation may not call that API does not load the client's runtime (credential chain, HTTP
 * handler, endpoint rules) at cold start. The command classes the adapters import stay static
 * (small); `load` imports a one-class module under ./clients/, which the packaged bundle keeps in
 * its own chunk (serverless.yml custom.esbuild: ESM, splitting). Adapters are unchanged: they
 * get an object with the client's `send`. A failed load is not cached: the next send retries.
 *
 * The factories below are what the functions use: `new ECSClient(clientConfig())` becomes
 * `ecsClient(clientConfig())`. Only the packaged bundle (serverless.yml custom.esbuild defines
 * OPS_SENTINEL_BUNDLE=esm; esbuild drops the other branch) builds clients lazily. Unbundled (jest,
 * tsx, the sandbox) they are built at once, as before: the tests load each handler in an
 * isolated module registry and mock the SDK classes of that registry, which an import() made
 * after loading would not see. test/unit/shared/aws/lazy.test.ts covers the lazy path and
 * test/contract/packaged-bundle.test.ts the packaged one.
 */
export function lazyClient<C extends { send: (...args: never[]) => Promise<unknown> }>(
  load: () => Promise<C>,
): C {
  let loading: Promise<C> | undefined;
  const client = () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
  const send = async (...args: unknown[]) => {
    const real = (await client()) as unknown as { send: (...a: unknown[]) => Promise<unknown> };
    return real.send(...args);
  };
  const destroy = () =>
    void loading?.then(
      (c) => (c as { destroy?: () => void }).destroy?.(),
      () => undefined,
    );
  return new Proxy({} as C, {
    get(_target, name) {
      if (name === 'send') return send;
      if (name === 'destroy') return destroy;
      // Anything else of the client (config, middlewareStack) needs it built: not available lazily.
      return undefined;
    },
  });
}

/**
 * `reach` names the service for `failFastWhenUnreachable` (./reachability.ts): its middleware
 * goes on the real client, which the lazy proxy only has once loaded, so it is added there.
 */
function reachable<C extends { middlewareStack: unknown; config: unknown }>(
  client: C,
  reach?: ServiceName,
): C {
  return reach ? (failFastWhenUnreachable(client as never, reach) as unknown as C) : client;
}

/* eslint-disable @typescript-eslint/no-require-imports -- the unbundled (test, sandbox) path, see above */
export const cloudFormationClient = (
  config: CloudFormationClientConfig,
  reach?: ServiceName,
): CloudFormationClient =>
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? lazyClient(async () =>
        reachable(new (await import('./clients/cloudformation')).CloudFormationClient(config), reach),
      )
    : reachable(
        new (
          require('./clients/cloudformation') as typeof import('./clients/cloudformation')
        ).CloudFormationClient(config),
        reach,
      );
export const cloudWatchClient = (config: CloudWatchClientConfig, reach?: ServiceName): CloudWatchClient =>
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? lazyClient(async () =>
        reachable(new (await import('./clients/cloudwatch')).CloudWatchClient(config), reach),
      )
    : reachable(
        new (require('./clients/cloudwatch') as typeof import('./clients/cloudwatch')).CloudWatchClient(
          config,
        ),
        reach,
      );
export const dynamoDbClient = (config: DynamoDBClientConfig, reach?: ServiceName): DynamoDBClient =>
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? lazyClient(async () =>
        reachable(new (await import('./clients/dynamodb')).DynamoDBClient(config), reach),
      )
    : reachable(
        new (require('./clients/dynamodb') as typeof import('./clients/dynamodb')).DynamoDBClient(config),
        reach,
      );
export const ecsClient = (config: ECSClientConfig, reach?: ServiceName): ECSClient =>
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? lazyClient(async () => reachable(new (await import('./clients/ecs')).ECSClient(config), reach))
    : reachable(new (require('./clients/ecs') as typeof import('./clients/ecs')).ECSClient(config), reach);
export const elbv2Client = (
  config: ElasticLoadBalancingV2ClientConfig,
  reach?: ServiceName,
): ElasticLoadBalancingV2Client =>
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? lazyClient(async () =>
        reachable(new (await import('./clients/elbv2')).ElasticLoadBalancingV2Client(config), reach),
      )
    : reachable(
        new (require('./clients/elbv2') as typeof import('./clients/elbv2')).ElasticLoadBalancingV2Client(
          config,
        ),
        reach,
      );
export const rdsClient = (config: RDSClientConfig, reach?: ServiceName): RDSClient =>
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? lazyClient(async () => reachable(new (await import('./clients/rds')).RDSClient(config), reach))
    : reachable(new (require('./clients/rds') as typeof import('./clients/rds')).RDSClient(config), reach);
export const secretsManagerClient = (
  config: SecretsManagerClientConfig,
  reach?: ServiceName,
): SecretsManagerClient =>
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? lazyClient(async () =>
        reachable(new (await import('./clients/secrets-manager')).SecretsManagerClient(config), reach),
      )
    : reachable(
        new (
          require('./clients/secrets-manager') as typeof import('./clients/secrets-manager')
        ).SecretsManagerClient(config),
        reach,
      );
export const snsClient = (config: SNSClientConfig, reach?: ServiceName): SNSClient =>
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? lazyClient(async () => reachable(new (await import('./clients/sns')).SNSClient(config), reach))
    : reachable(new (require('./clients/sns') as typeof import('./clients/sns')).SNSClient(config), reach);
export const sqsClient = (config: SQSClientConfig, reach?: ServiceName): SQSClient =>
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? lazyClient(async () => reachable(new (await import('./clients/sqs')).SQSClient(config), reach))
    : reachable(new (require('./clients/sqs') as typeof import('./clients/sqs')).SQSClient(config), reach);
