/**
 * One invocation of the custom resource, from event to response: parse, do the work against a
 * deadline, build the body, PUT it. CloudFormation gets an answer in every case the invocation
 * can reach: success, thrown error, invalid properties, unreachable database, deadline.
 * Follows core's rules: the log, the metric and the PUT go through ports (ports.ts
 * `InvocationPorts`, built in adapters/index.ts).
 */
import { ConfigError, InvalidEventError } from '../../shared/errors';
import { type CoreDeps, failureId, type Outcome, processRequest } from './core';
import { startDeadline } from './deadline';
import { unfinishedCreateId } from './physical-id';
import { reasonOf } from './messages';
import type { InvocationPorts } from './ports';
import { buildResponseBody, describeUrl, type ResponseFields } from './response-body';
import { CustomResourceEvent, ResponseTarget } from './schema';

/** What `handleEvent` needs: core's ports and the lifecycle's (log, metric, response PUT). */
export type InvocationDeps = CoreDeps & InvocationPorts;

export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

export interface LifecycleOptions {
  dryRun: boolean;
  caBundlePath?: string;
  /** Milliseconds kept before the Lambda deadline for sending FAILED. */
  marginMs: number;
}

export interface InvocationResult {
  status: 'SUCCESS' | 'FAILED';
  physicalResourceId: string;
  reason: string;
  /** SQL changes made (or, in dry run, planned). */
  changes: string[];
  /** Dry run: the body that would have been PUT, and where. */
  wouldPut?: { url: string; body: unknown };
}

export async function handleEvent(
  rawEvent: unknown,
  context: LambdaContextLike,
  deps: InvocationDeps,
  options: LifecycleOptions,
): Promise<InvocationResult> {
  const target = ResponseTarget.safeParse(rawEvent);
  if (!target.success) {
    // Nowhere to answer: fail the invocation (it ends in the dead-letter queue).
    throw new InvalidEventError(
      `Not a CloudFormation custom resource event: ${target.error.issues.map((i) => i.path.join('.')).join(', ')} missing or invalid`,
    );
  }
  const raw = rawEvent as Record<string, unknown>;
  const requestType = typeof raw.RequestType === 'string' ? raw.RequestType : 'Unknown';
  deps.log.appendKeys({
    requestType,
    logicalResourceId: target.data.LogicalResourceId,
    requestId: target.data.RequestId,
  });

  const deadline = startDeadline(context.getRemainingTimeInMillis(), options.marginMs);
  let phase = 'starting';
  let outcome: Outcome;
  try {
    outcome = await Promise.race([
      run(rawEvent, deps, options, deadline, (p) => {
        phase = p;
      }),
      deadline.reached.then((): Outcome => ({
        status: 'FAILED',
        // A Create cut off here may still create the user (a statement already sent): its id
        // tells the Delete CloudFormation sends next to look for it.
        physicalResourceId:
          requestType === 'Create'
            ? unfinishedCreateId(target.data.LogicalResourceId)
            : failureId({
                RequestType: requestType as 'Update',
                PhysicalResourceId:
                  typeof raw.PhysicalResourceId === 'string' ? raw.PhysicalResourceId : undefined,
                LogicalResourceId: target.data.LogicalResourceId,
              }),
        reason:
          `Timed out ${Math.round(options.marginMs / 1000)} s before the Lambda deadline while ${phase}; ` +
          'FAILED sent so that the stack does not wait for ServiceTimeout. Check the database is reachable from the function (VPC, security group) and ConnectTimeoutSeconds.',
        changes: [],
      })),
    ]);
  } finally {
    deadline.cancel();
  }

  const fields: ResponseFields = {
    Status: outcome.status,
    Reason: outcome.reason,
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: target.data.StackId,
    RequestId: target.data.RequestId,
    LogicalResourceId: target.data.LogicalResourceId,
    ...(outcome.data ? { Data: outcome.data } : {}),
  };
  const body = buildResponseBody(fields);
  const log = {
    status: outcome.status,
    physicalResourceId: outcome.physicalResourceId,
    reason: outcome.reason,
  };
  const result: InvocationResult = { ...log, changes: outcome.changes };

  if (options.dryRun) {
    deps.log.info('Dry run: response not sent', {
      ...log,
      wouldPut: describeUrl(target.data.ResponseURL),
      statements: outcome.changes,
    });
    return { ...result, wouldPut: { url: describeUrl(target.data.ResponseURL), body: JSON.parse(body) } };
  }
  if (outcome.status === 'FAILED') deps.log.error('Custom resource request failed', log);
  else deps.log.info('Custom resource request done', { ...log, statements: outcome.changes.length });

  const attempts = await deps.respond(target.data.ResponseURL, body, {
    deadline: deadline.lambdaDeadline - 200,
    onRetry: (attempt, problem) =>
      deps.log.warn('CloudFormation response PUT failed; retrying', {
        attempt,
        problem,
        url: describeUrl(target.data.ResponseURL),
      }),
  });
  // Only known values as a dimension: the request type comes from the event.
  const typeDimension = ['Create', 'Update', 'Delete'].includes(requestType) ? requestType : 'Invalid';
  deps.metrics.response(typeDimension, outcome.status);
  deps.log.info('CloudFormation response sent', { attempts, url: describeUrl(target.data.ResponseURL) });
  return result;
}

/** Deps that fail every request with the configuration error, so that CloudFormation still hears back. */
export function misconfigured(error: Error): CoreDeps {
  const fail = async (): Promise<never> => {
    throw new ConfigError(`dbIamUser function is misconfigured: ${error.message}`);
  };
  return {
    credentials: { get: fail },
    endpoints: { endpointForSecret: fail },
    connect: fail,
    mysqlAuth: { clause: '', plugin: '' },
  };
}

async function run(
  rawEvent: unknown,
  deps: CoreDeps,
  options: LifecycleOptions,
  deadline: ReturnType<typeof startDeadline>,
  progress: (phase: string) => void,
): Promise<Outcome> {
  const parsed = CustomResourceEvent.safeParse(rawEvent);
  const raw = rawEvent as Record<string, unknown>;
  if (!parsed.success) {
    return {
      status: 'FAILED',
      physicalResourceId: failureId({
        RequestType:
          raw.RequestType === 'Update' || raw.RequestType === 'Delete' ? raw.RequestType : 'Create',
        PhysicalResourceId: typeof raw.PhysicalResourceId === 'string' ? raw.PhysicalResourceId : undefined,
        LogicalResourceId: String(raw.LogicalResourceId),
      }),
      reason: `Invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      changes: [],
    };
  }
  try {
    return await processRequest(parsed.data, deps, {
      dryRun: options.dryRun,
      caBundlePath: options.caBundlePath,
      timeLeftMs: deadline.timeLeftMs,
      signal: deadline.signal,
      progress,
    });
  } catch (error) {
    // processRequest does not throw; this is a last guard so that a response is always sent.
    return {
      status: 'FAILED',
      physicalResourceId: failureId(parsed.data),
      reason: reasonOf(error),
      changes: [],
    };
  }
}
