/**
 * The actions of deploymentGuard once a deployment is judged stuck (after the re-read):
 * roll back (StopServiceDeployment, UpdateService fallback), cancel the app stack update,
 * write the marker tag, or, in dry-run, list the calls that would be made.
 */
import { taskDefinitionLabel } from '../../shared/aws/arn';
import { isRetryable, describeError, OpsError } from '../../shared/errors';
import { Metric } from '../../shared/metric-names';
import type { Evidence } from './decide';
import type { ActionReport } from './messages';
import { MARKER_TAG, STACK_TAG, type GuardConfig, type GuardDeps, type StackView } from './ports';
import type { DeploymentPolicy, ServiceDeploymentView, ServiceSnapshot } from './types';

const OPEN_FOR_STOP = new Set(['PENDING', 'IN_PROGRESS']);

/** An error as a person reads it: our own wrappers' class names (RetryableError...) left out. */
export function reasonOf(error: unknown): string {
  return error instanceof OpsError ? error.message : describeError(error);
}

/** How far a service deployment's start may be from the DescribeServices deployment's createdAt. */
const MATCH_TOLERANCE_MS = 5 * 60_000;

export function describeCall(api: string, input: Record<string, unknown>): string {
  return `${api} ${JSON.stringify(input)}`;
}

/** The open service deployment that is the stuck DescribeServices deployment. */
export function matchServiceDeployment(
  candidates: ServiceDeploymentView[] | undefined,
  startedAt: Date,
): ServiceDeploymentView | undefined {
  const open = (candidates ?? []).filter((sd) => OPEN_FOR_STOP.has(sd.status));
  const distance = (sd: ServiceDeploymentView) => {
    const at = sd.createdAt ?? sd.startedAt;
    return at ? Math.abs(at.getTime() - startedAt.getTime()) : 0;
  };
  return open.filter((sd) => distance(sd) <= MATCH_TOLERANCE_MS).sort((a, b) => distance(a) - distance(b))[0];
}

export async function mark(
  deps: GuardDeps,
  serviceArn: string,
  value: string,
  report: ActionReport,
): Promise<void> {
  const call = describeCall('ecs:TagResource', {
    resourceArn: serviceArn,
    tags: [{ key: MARKER_TAG, value }],
  });
  try {
    await deps.ecs.markHandled(serviceArn, value);
    report.steps.push({ at: deps.now(), call, result: 'tagged' });
  } catch (error) {
    // The deployment's own state still prevents a second rollback; only a repeat notification is at stake.
    deps.log.warn('could not write the marker tag', { serviceArn, error: describeError(error) });
    report.notes.push(`marker tag not written (${reasonOf(error)}): this deployment may be reported again`);
  }
}

export async function rollBack(
  snapshot: ServiceSnapshot,
  evidence: Evidence,
  policy: DeploymentPolicy,
  deps: GuardDeps,
  config: GuardConfig,
  report: ActionReport,
): Promise<'requested' | 'failed' | 'already'> {
  const serviceDeployment = matchServiceDeployment(snapshot.serviceDeployments, evidence.startedAt);
  let requested = false;
  if (serviceDeployment) {
    // StopServiceDeployment on a deployment already rolling back succeeds and "continues the
    // rollback": it cannot tell a racing invocation it came second. Its state can, read last.
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html
    const status = await deps.ecs.serviceDeploymentStatus(serviceDeployment.arn);
    if (status !== undefined && !OPEN_FOR_STOP.has(status)) {
      report.notes.push(`service deployment ${serviceDeployment.arn} is already ${status}: not acting again`);
      return 'already';
    }
    const call = describeCall('ecs:StopServiceDeployment', {
      serviceDeploymentArn: serviceDeployment.arn,
      stopType: 'ROLLBACK',
    });
    const stop = await deps.ecs.stopWithRollback(serviceDeployment.arn); // retryable errors propagate: retry re-reads
    if (stop.outcome === 'requested') {
      report.steps.push({ at: deps.now(), call, result: 'rollback requested' });
      requested = true;
    } else if (stop.outcome === 'conflict') {
      report.steps.push({ at: deps.now(), call, result: `already stopping: ${stop.reason}` });
      return 'requested';
    } else {
      report.steps.push({ at: deps.now(), call, result: `rejected: ${stop.reason}` });
    }
  } else {
    report.notes.push('no open service deployment matched (ListServiceDeployments): using UpdateService');
  }

  if (!requested) {
    const target = evidence.previousTaskDefinition;
    if (!target) {
      report.notes.push('no previous completed task definition to return to: roll back by hand');
      return 'failed';
    }
    const call = describeCall('ecs:UpdateService', {
      cluster: config.cluster,
      service: snapshot.service,
      taskDefinition: target,
      forceNewDeployment: true,
    });
    try {
      await deps.ecs.rollbackService(config.cluster, snapshot.service, target);
      report.steps.push({
        at: deps.now(),
        call,
        result: 'new deployment of the previous task definition started',
      });
    } catch (error) {
      if (isRetryable(error)) throw error;
      report.steps.push({ at: deps.now(), call, result: `failed: ${reasonOf(error)}` });
      return 'failed';
    }
  }

  deps.metrics.add(Metric.RollbacksIssued, snapshot.service, 1, 'Count');
  const cancelled = policy.cancelStackUpdate
    ? await cancelStack(snapshot, deps, config, report, false)
    : false;
  const stackName = snapshot.tags?.[STACK_TAG];
  if (stackName && !cancelled) {
    const why = policy.cancelStackUpdate ? 'its update was not cancelled' : 'cancelStackUpdate is off';
    report.notes.push(
      `drift: the guard rolled back outside CloudFormation (${why}), so stack ${stackName} still declares ${taskDefinitionLabel(evidence.taskDefinition) ?? 'the new revision'} while the service returns to ${taskDefinitionLabel(evidence.previousTaskDefinition) ?? 'the previous revision'}, until the stack's update fails and rolls back or the next stack deploy applies it again. Ship the fix through the stack.`,
    );
  }
  return 'requested';
}

const stackNameOf = (stackId: string) => (stackId.startsWith('arn:') ? stackId.split('/')[1] : stackId);

/**
 * Cancels the update of the app stack the service belongs to, once the rollback is under way.
 * The service's `aws:cloudformation:stack-name` tag names its own stack, which for CDK apps and
 * nested stacks is a nested stack: the update to cancel is the root's (DescribeStacks `RootId`,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html). A stack
 * without a service role is left alone: CloudFormation runs stack operations with a session
 * from the caller's credentials when no role is set
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html),
 * and the guard's narrow role could not carry the stack's rollback. Returns whether it cancelled.
 */
export async function cancelStack(
  snapshot: ServiceSnapshot,
  deps: GuardDeps,
  config: GuardConfig,
  report: ActionReport,
  dryRun: boolean,
): Promise<boolean> {
  const tagged = snapshot.tags?.[STACK_TAG];
  if (!tagged) {
    report.notes.push(
      'service is not managed by CloudFormation (no aws:cloudformation:stack-name tag): no stack to cancel',
    );
    return false;
  }
  let stackName = tagged;
  try {
    let stack: StackView | undefined = await deps.stacks.describe(tagged);
    if (stack?.rootId && stack.rootId !== stack.stackId && stackNameOf(stack.rootId) !== stack.name) {
      const root = await deps.stacks.describe(stack.rootId);
      report.notes.push(
        `stack ${tagged} is nested in ${root?.name ?? stackNameOf(stack.rootId)}: its update is the root stack's to cancel`,
      );
      stack = root;
    }
    if (!stack) {
      report.notes.push(`stack ${tagged} was not found: nothing to cancel`);
      return false;
    }
    stackName = stack.name;
    if (!config.stackPrefixes.some((prefix) => stackName.startsWith(prefix))) {
      report.notes.push(
        `stack ${stackName} is outside APP_STACK_PREFIX (${config.stackPrefixes.join(', ') || 'none'}): not cancelled`,
      );
      return false;
    }
    if (stack.status !== 'UPDATE_IN_PROGRESS') {
      report.notes.push(`stack ${stackName} is ${stack.status}: nothing to cancel`);
      return false;
    }
    if (!stack.roleArn) {
      report.notes.push(
        `stack ${stackName} has no service role: its rollback would run with the guard's own narrow credentials and could fail (UPDATE_ROLLBACK_FAILED), so it is not cancelled. Cancel it by hand, or give the stack a service role`,
      );
      return false;
    }
  } catch (error) {
    report.notes.push(`stack ${stackName} could not be read (${reasonOf(error)}): not cancelled`);
    return false;
  }
  const call = describeCall('cloudformation:CancelUpdateStack', { StackName: stackName });
  if (dryRun) {
    report.steps.push({ at: deps.now(), call, result: 'would be called (dry run)' });
    return false;
  }
  try {
    await deps.stacks.cancelUpdate(stackName);
    report.steps.push({ at: deps.now(), call, result: 'stack update cancelled: CloudFormation rolls back' });
    return true;
  } catch (error) {
    // The service rollback is under way; the stack is a bonus. Report and carry on.
    report.steps.push({ at: deps.now(), call, result: `failed: ${reasonOf(error)}` });
    return false;
  }
}

export async function planDryRun(
  snapshot: ServiceSnapshot,
  evidence: Evidence,
  policy: DeploymentPolicy,
  deps: GuardDeps,
  config: GuardConfig,
  report: ActionReport,
): Promise<void> {
  const serviceDeployment = matchServiceDeployment(snapshot.serviceDeployments, evidence.startedAt);
  const wouldCall = (call: string) =>
    report.steps.push({ at: deps.now(), call, result: 'would be called (dry run)' });
  if (serviceDeployment) {
    wouldCall(
      describeCall('ecs:StopServiceDeployment', {
        serviceDeploymentArn: serviceDeployment.arn,
        stopType: 'ROLLBACK',
      }),
    );
  } else if (evidence.previousTaskDefinition) {
    wouldCall(
      describeCall('ecs:UpdateService', {
        cluster: config.cluster,
        service: snapshot.service,
        taskDefinition: evidence.previousTaskDefinition,
        forceNewDeployment: true,
      }),
    );
  } else {
    report.notes.push('no open service deployment and no previous task definition: a rollback would fail');
  }
  if (policy.cancelStackUpdate) await cancelStack(snapshot, deps, config, report, true);
  if (snapshot.serviceArn) {
    wouldCall(
      describeCall('ecs:TagResource', {
        resourceArn: snapshot.serviceArn,
        tags: [
          {
            key: MARKER_TAG,
            value: [
              evidence.deploymentId,
              'rolled-back',
              taskDefinitionLabel(evidence.previousTaskDefinition),
            ]
              .filter(Boolean)
              .join(' '),
          },
        ],
      }),
    );
  }
}
