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
 * handler, endpoint rules) at cold start. `load` imports a module under ./clients/ (the client
 * class and the commands the functions send), which the packaged bundle keeps in its own chunk
 * (serverless.yml custom.esbuild: ESM, splitting). The adapters take their command classes from
 * ./commands/ (`new ecs.DescribeServicesCommand(input)`): in the bundle those are
 * `DeferredCommand`s, built into the SDK's command by `send` once the module is loaded, so
 * neither the commands (their schemas) nor the SDK core they extend are read at init either.
 * Adapters get an object with the client's `send`. A failed load is not cached: the next send
 * retries.
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
  const send = async (command: unknown, ...rest: unknown[]) => {
    const real = (await client()) as unknown as { send: (...a: unknown[]) => Promise<unknown> };
    return real.send(command instanceof DeferredCommand ? await command.build() : command, ...rest);
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
 * A command made before its client's module is loaded (`new ecs.DescribeServicesCommand(input)`
 * in the bundle, ./commands/): the class name and input. The lazy client's `send` builds the
 * real command from the client module, which it has loaded by then, so the command classes and
 * the SDK core they extend are not read at init either.
 */
export class DeferredCommand {
  constructor(
    readonly commandName: string,
    readonly input: unknown,
    private readonly load: () => Promise<object>,
  ) {}

  async build(): Promise<unknown> {
    const Command = (await this.load())[this.commandName as never] as
      (new (input: unknown) => unknown) | undefined;
    if (!Command) throw new Error(`${this.commandName} is not exported by its shared/aws/clients/ module`);
    return new Command(this.input);
  }
}

/**
 * The command classes of a client module (./clients/*.ts, which exports the client and the
 * commands the functions send), as stand-ins of the same names: `new m.XCommand(input)` is a
 * `DeferredCommand` that `load` (that module's `import()`) turns into the real one on send.
 * Typed as the module, so only what it exports can be used. Unbundled, ./commands/ gives the
 * SDK's own classes instead (the tests match sent commands by class).
 */
export function deferredCommands<M extends object>(load: () => Promise<M>): M {
  const made = new Map<string, new (input: unknown) => DeferredCommand>();
  return new Proxy({} as M, {
    get(_target, key) {
      // Only command classes: anything else (`then`, a client class) is not deferred.
      if (typeof key !== 'string' || !key.endsWith('Command')) return undefined;
      const name = key;
      let Command = made.get(name);
      if (!Command) {
        Command = class extends DeferredCommand {
          constructor(input: unknown) {
            super(name, input, load);
          }
        };
        // Named as the SDK's class, so a stack or a log of it reads the same.
        Object.defineProperty(Command, 'name', { value: name });
        made.set(name, Command);
      }
      return Command;
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
