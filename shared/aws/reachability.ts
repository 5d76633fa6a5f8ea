/**
 * Fail fast, and say what is missing, when a Lambda in private subnets cannot reach an AWS API.
 *
 * Without a route to an endpoint the TCP connect hangs until the connection timeout, and the SDK
 * then retries it, so a function spends its whole timeout on "TimeoutError" and the operator
 * learns nothing. `failFastWhenUnreachable(client, 'secretsmanager')` makes a connection-phase
 * failure (no connection within the timeout, DNS failure, refused, no route) end the call at once
 * with an `EndpointUnreachableError` that names the VPC endpoint (or NAT) the function needs.
 * A failure after the connection was made (slow answer, reset, 5xx) is left to the SDK's retries.
 *
 * Which endpoint each service needs, from
 * https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
 * (interface endpoints, `com.amazonaws.<region>.<service>`, billed per hour and GB) and
 * https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html (S3 and DynamoDB
 * gateway endpoints: a route-table entry, no charge). The custom-resource ResponseURL is an S3
 * pre-signed URL, so answering CloudFormation needs the S3 gateway endpoint (or NAT):
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
import type { FinalizeHandlerArguments, MiddlewareStack } from '@smithy/types';
import { PermanentError } from '../errors';

export type EndpointKind = 'interface' | 'gateway';

export interface ServiceEndpoint {
  /** Name as the AWS console shows it. */
  title: string;
  /** The `<service>` in `com.amazonaws.<region>.<service>`. */
  service: string;
  kind: EndpointKind;
}

export const SERVICE_ENDPOINTS = {
  secretsmanager: { title: 'Secrets Manager', service: 'secretsmanager', kind: 'interface' },
  rds: { title: 'RDS', service: 'rds', kind: 'interface' },
  ecs: { title: 'ECS', service: 'ecs', kind: 'interface' },
  sns: { title: 'SNS', service: 'sns', kind: 'interface' },
  sqs: { title: 'SQS', service: 'sqs', kind: 'interface' },
  cloudformation: { title: 'CloudFormation', service: 'cloudformation', kind: 'interface' },
  cloudwatch: { title: 'CloudWatch', service: 'monitoring', kind: 'interface' },
  elasticloadbalancing: {
    title: 'Elastic Load Balancing',
    service: 'elasticloadbalancing',
    kind: 'interface',
  },
  s3: { title: 'S3', service: 's3', kind: 'gateway' },
  dynamodb: { title: 'DynamoDB', service: 'dynamodb', kind: 'gateway' },
} as const satisfies Record<string, ServiceEndpoint>;

export type ServiceName = keyof typeof SERVICE_ENDPOINTS;

/** Codes of failures that happen before a connection exists (so no request reached AWS). */
const CONNECT_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNECT_TIMEOUT',
]);

/** True when `error` says no connection could be made (as opposed to a slow or failed answer). */
export function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; code?: string; message?: string; errno?: string };
  if (e.code && CONNECT_CODES.has(e.code)) return true;
  // @smithy/node-http-handler's connection timeout: "...did not establish a connection...".
  return e.name === 'TimeoutError' && /establish a connection/i.test(e.message ?? '');
}

/** The sentence an operator needs: which endpoint (or NAT) is missing for which host. */
export function unreachableMessage(
  name: ServiceName,
  host: string | undefined,
  region: string | undefined,
  cause?: string,
): string {
  const spec = SERVICE_ENDPOINTS[name];
  const where = host ? ` at ${host}` : '';
  const endpoint = `com.amazonaws.${region || '<region>'}.${spec.service}`;
  const fix =
    spec.kind === 'gateway'
      ? `add the ${spec.title} gateway VPC endpoint ${endpoint} to the route tables of the function's subnets (free), or a NAT gateway`
      : `add the ${spec.title} interface VPC endpoint ${endpoint} (private DNS on, security group allowing HTTPS from the function), or a NAT gateway`;
  return `Cannot reach ${spec.title}${where} from this function${cause ? ` (${cause})` : ''}: in private subnets, ${fix}`;
}

/**
 * A connection to an AWS endpoint could not be made: a retry does not help until the network
 * changes. The driver's error is kept as `connectError`, not `cause`: the SDK's retry strategy
 * looks through `cause` and would retry a transient-looking one.
 */
export class EndpointUnreachableError extends PermanentError {
  constructor(
    readonly service: ServiceName,
    message: string,
    readonly connectError?: unknown,
  ) {
    super(message);
  }
}

function causeOf(error: unknown): string {
  const e = error as { name?: string; code?: string };
  return (
    e.code ?? (e.name === 'TimeoutError' ? 'no connection within the connection timeout' : 'no connection')
  );
}

/** The part of an SDK v3 client this needs (structural: any client works). */
interface ClientLike {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every client's stack has its own types
  middlewareStack: MiddlewareStack<any, any>;
  config: { region?: unknown };
}

/**
 * Makes the first call that cannot connect fail at once with an `EndpointUnreachableError`
 * naming the missing endpoint (the SDK would otherwise retry the connect). Returns the client.
 */
export function failFastWhenUnreachable<C extends ClientLike>(client: C, name: ServiceName): C {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (!isConnectionFailure(error)) throw error;
        const request = (args as FinalizeHandlerArguments<object> & { request?: { hostname?: string } })
          .request;
        let region: string | undefined;
        try {
          const r = client.config.region;
          region = typeof r === 'function' ? await (r as () => Promise<string>)() : (r as string | undefined);
        } catch {
          region = undefined;
        }
        throw new EndpointUnreachableError(
          name,
          unreachableMessage(name, request?.hostname, region, causeOf(error)),
          error,
        );
      }
    },
    // Inside the retry middleware (which is `finalizeRequest`/high): runs per attempt, and the
    // error it throws is not one the retry strategy retries.
    { step: 'finalizeRequest', priority: 'low', name: 'failFastWhenUnreachable', tags: ['REACHABILITY'] },
  );
  return client;
}
