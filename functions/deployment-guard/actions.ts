/**
 * The actions of deploymentGuard once a deployment is judged stuck (after the re-read):
 * roll back (StopServiceDeployment, UpdateService fallback), cancel the app stack update,
 * write the marker tag, or, in dry-run, list the calls that would be made.
 */
import { taskDefinitionLabel } from '../../shared/aws/arn';
import { isRetryable, describeError } from '../../shared/errors';
import { Metric } from '../../shared/metric-names';
import type { Evidence } from './decide';
import type { ActionReport } from './notification';
import { MARKER_TAG, STACK_TAG, type GuardConfig, type GuardDeps } from './ports';
import type { DeploymentPolicy, ServiceDeploymentView, ServiceSnapshot } from './types';

const OPEN_FOR_STOP = new Set(['PENDING', 'IN_PROGRESS']);
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
    report.notes.push(
      `marker tag not written (${describeError(error)}): this deployment may be reported again`,
    );
  }
}

export async function rollBack(
  snapshot: ServiceSnapshot,
  evidence: Evidence,
  policy: DeploymentPolicy,
  deps: GuardDeps,
  config: GuardConfig,
  report: ActionReport,
): Promise<'requested' | 'failed'> {
  const serviceDeployment = matchServiceDeployment(snapshot.serviceDeployments, evidence.startedAt);
  let requested = false;
  if (serviceDeployment) {
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
      report.steps.push({ at: deps.now(), call, result: `failed: ${describeError(error)}` });
      return 'failed';
    }
  }

  deps.metrics.add(Metric.RollbacksIssued, snapshot.service, 1, 'Count');
  if (policy.cancelStackUpdate) await cancelStack(snapshot, deps, config, report, false);
  return 'requested';
}

export async function cancelStack(
  snapshot: ServiceSnapshot,
  deps: GuardDeps,
  config: GuardConfig,
  report: ActionReport,
  dryRun: boolean,
): Promise<void> {
  const stackName = snapshot.tags?.[STACK_TAG];
  if (!stackName) {
    report.notes.push(
      'service is not managed by CloudFormation (no aws:cloudformation:stack-name tag): no stack to cancel',
    );
    return;
  }
  if (!config.stackPrefixes.some((prefix) => stackName.startsWith(prefix))) {
    report.notes.push(
      `stack ${stackName} is outside APP_STACK_PREFIX (${config.stackPrefixes.join(', ') || 'none'}): not cancelled`,
    );
    return;
  }
  const call = describeCall('cloudformation:CancelUpdateStack', { StackName: stackName });
  try {
    const status = await deps.stacks.status(stackName);
    if (status !== 'UPDATE_IN_PROGRESS') {
      report.notes.push(`stack ${stackName} is ${status ?? 'missing'}: nothing to cancel`);
      return;
    }
    if (dryRun) {
      report.steps.push({ at: deps.now(), call, result: 'would be called (dry run)' });
      return;
    }
    await deps.stacks.cancelUpdate(stackName);
    report.steps.push({ at: deps.now(), call, result: 'stack update cancelled: CloudFormation rolls back' });
  } catch (error) {
    // The service rollback is under way; the stack is a bonus. Report and carry on.
    report.steps.push({ at: deps.now(), call, result: `failed: ${describeError(error)}` });
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
