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

/**
 * An SDK client built on its first `send`, from a module loaded then: a function whose
 * invocation may not call that API does not load the client's runtime (credential chain, HTTP
 * handler, endpoint rules) at cold start. The command classes the adapters import stay static
 * (small); `load` imports a one-class module under ./clients/, which the packaged bundle keeps in
 * its own chunk (serverless.yml custom.esbuild: ESM, splitting). Adapters are unchanged: they
 * get an object with the client's `send`. A failed load is not cached: the next send retries.
 *
 * The factories below are what the functions use: `new ECSClient(clientConfig())` becomes
 * `ecsClient(clientConfig())`.
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

export const cloudFormationClient = (config: CloudFormationClientConfig): CloudFormationClient =>
  lazyClient(async () => new (await import('./clients/cloudformation')).CloudFormationClient(config));
export const cloudWatchClient = (config: CloudWatchClientConfig): CloudWatchClient =>
  lazyClient(async () => new (await import('./clients/cloudwatch')).CloudWatchClient(config));
export const dynamoDbClient = (config: DynamoDBClientConfig): DynamoDBClient =>
  lazyClient(async () => new (await import('./clients/dynamodb')).DynamoDBClient(config));
export const ecsClient = (config: ECSClientConfig): ECSClient =>
  lazyClient(async () => new (await import('./clients/ecs')).ECSClient(config));
export const elbv2Client = (config: ElasticLoadBalancingV2ClientConfig): ElasticLoadBalancingV2Client =>
  lazyClient(async () => new (await import('./clients/elbv2')).ElasticLoadBalancingV2Client(config));
export const rdsClient = (config: RDSClientConfig): RDSClient =>
  lazyClient(async () => new (await import('./clients/rds')).RDSClient(config));
export const secretsManagerClient = (config: SecretsManagerClientConfig): SecretsManagerClient =>
  lazyClient(async () => new (await import('./clients/secrets-manager')).SecretsManagerClient(config));
export const snsClient = (config: SNSClientConfig): SNSClient =>
  lazyClient(async () => new (await import('./clients/sns')).SNSClient(config));
export const sqsClient = (config: SQSClientConfig): SQSClient =>
  lazyClient(async () => new (await import('./clients/sqs')).SQSClient(config));
