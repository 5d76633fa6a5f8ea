/**
 * deploymentGuard core: the pure decision (`decide`, re-exported from ./decide) and the
 * orchestration that re-reads state, acts once per deployment and reports a timeline.
 * No SDK and no environment here: everything arrives through ports.
 */
import { taskDefinitionLabel } from '../../shared/aws/arn';
import { isRetryable, describeError, RetryableError, PermanentError } from '../../shared/errors';
import { Metric, type MetricName } from '../../shared/metric-names';
import type { Notifier } from '../../shared/notify';
import { decide, type Decision, type Evidence } from './decide';
import { buildNotification, type ActionReport } from './notification';
import type {
  DeploymentPolicy,
  ServiceDeploymentView,
  ServiceSnapshot,
  StoppedTaskView,
  Trigger,
} from './types';

export {
  decide,
  rollbackTarget,
  primaryDeployment,
  collectSignals,
  rollbackEvidence,
  sameRevisionAs,
} from './decide';
export type { Decision, Evidence, StuckReason } from './decide';

/** Service tag the guard writes after it has handled a deployment (value: `<deploymentId> <outcome>`). */
export const MARKER_TAG = 'ops-sentinel:deployment-guard';
/** Tag CloudFormation puts on every resource it manages. */
export const STACK_TAG = 'aws:cloudformation:stack-name';

/** Result of asking ECS to roll a service deployment back. */
export type StopOutcome =
  | { outcome: 'requested' }
  /** ECS refused (not supported for this service, unknown deployment...): use the fallback. */
  | { outcome: 'rejected'; reason: string }
  /** The deployment is already stopping or rolling back: nothing more to do. */
  | { outcome: 'conflict'; reason: string };

/** ECS as the guard needs it. Adapters throw RetryableError/PermanentError. */
export interface EcsPort {
  /** DescribeServices (with the service event log); services that do not exist are left out. */
  describeServices(cluster: string, services: string[]): Promise<ServiceSnapshot[]>;
  /** ListServiceDeployments that are still open (pending, in progress, stopping, rolling back). */
  listOpenServiceDeployments(cluster: string, service: string): Promise<ServiceDeploymentView[]>;
  listTags(serviceArn: string): Promise<Record<string, string>>;
  /** Recently stopped tasks launched by `deploymentId` (evidence only). */
  listStoppedTasks(cluster: string, deploymentId: string): Promise<StoppedTaskView[]>;
  /** StopServiceDeployment with stopType ROLLBACK. */
  stopWithRollback(serviceDeploymentArn: string): Promise<StopOutcome>;
  /** UpdateService back to `taskDefinition` with a new deployment (the fallback). */
  rollbackService(cluster: string, service: string, taskDefinition: string): Promise<void>;
  /** Writes the acted-on marker tag on the service. */
  markHandled(serviceArn: string, value: string): Promise<void>;
}

export interface StackPort {
  /** StackStatus, or undefined when the stack does not exist. */
  status(stackName: string): Promise<string | undefined>;
  cancelUpdate(stackName: string): Promise<void>;
}

export interface MetricsPort {
  add(name: MetricName, service: string, value: number, unit: 'Count' | 'Seconds'): void;
}

export interface LogPort {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export interface GuardDeps {
  ecs: EcsPort;
  stacks: StackPort;
  notifier: Notifier;
  metrics: MetricsPort;
  log: LogPort;
  now: () => Date;
  /**
   * Deployments already reported in dry-run (no marker tag may be written then). Held by the
   * warm Lambda container: a cold start may report a stuck deployment once more.
   */
  dryRunReported?: Set<string>;
}

export interface GuardConfig {
  cluster: string;
  region: string;
  stage?: string;
  /** DRY_RUN=true: no mutating call for any service, whatever its mode. */
  dryRun: boolean;
  policies: Record<string, DeploymentPolicy>;
  /** Stack names the guard may cancel (prefix match); empty = never cancel. */
  stackPrefixes: string[];
}

export type ActionKind = 'none' | 'rollback' | 'notify' | 'dry-run';

export interface ServiceOutcome {
  service: string;
  verdict: Decision['verdict'];
  reason: string;
  summary: string;
  action: ActionKind;
  /** requested: ECS accepted the rollback; failed: it did not; reported: notification only. */
  result?: 'requested' | 'failed' | 'reported' | 'skipped';
  /** Calls made, or in dry-run the calls that would have been made, as `api {input}`. */
  calls: string[];
  notes: string[];
}

export interface GuardResult {
  trigger: Trigger['kind'];
  dryRun: boolean;
  services: ServiceOutcome[];
}

const OPEN_FOR_STOP = new Set(['PENDING', 'IN_PROGRESS']);
/** How far a service deployment's start may be from the DescribeServices deployment's createdAt. */
const MATCH_TOLERANCE_MS = 5 * 60_000;

function describeCall(api: string, input: Record<string, unknown>): string {
  return `${api} ${JSON.stringify(input)}`;
}

/** The acted-on marker: `<deploymentId> <outcome> [<family:revision rolled back to>]`. */
export interface Marker {
  deploymentId: string;
  outcome?: string;
  rolledBackTo?: string;
}

export function readMarker(tags: Record<string, string> | undefined): Marker | undefined {
  const [deploymentId, outcome, rolledBackTo] = (tags?.[MARKER_TAG] ?? '').split(' ');
  return deploymentId ? { deploymentId, outcome, rolledBackTo } : undefined;
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

/**
 * Runs the guard for one trigger: reads the services concerned (one for an ECS event, every
 * monitored service for the sweep), decides, and acts on each stuck deployment once.
 * Throws (so Lambda retries) when a read or an action failed in a way a retry can fix.
 */
export async function runGuard(trigger: Trigger, deps: GuardDeps, config: GuardConfig): Promise<GuardResult> {
  const monitored = Object.keys(config.policies);
  const names = trigger.kind === 'sweep' ? monitored : monitored.filter((name) => name === trigger.service);
  const result: GuardResult = { trigger: trigger.kind, dryRun: config.dryRun, services: [] };
  if (trigger.kind !== 'sweep' && names.length === 0) {
    deps.log.info('service not monitored by deploymentGuard: skipped', { ecsService: trigger.service });
    return result;
  }
  if (names.length === 0) return result;

  const snapshots = await deps.ecs.describeServices(config.cluster, names);
  const failures: unknown[] = [];
  for (const snapshot of snapshots) {
    try {
      result.services.push(await guardService(snapshot, trigger, deps, config));
    } catch (error) {
      deps.log.warn('deploymentGuard failed for a service', {
        ecsService: snapshot.service,
        error: describeError(error),
      });
      failures.push(error);
    }
  }
  for (const name of names) {
    if (!snapshots.some((s) => s.service === name))
      deps.log.warn('monitored service not found', { ecsService: name, cluster: config.cluster });
  }
  if (failures.length > 0) {
    const message = `deploymentGuard failed for ${failures.length} service(s): ${failures.map(describeError).join('; ')}`;
    throw failures.some(isRetryable)
      ? new RetryableError(message, { cause: failures[0] })
      : new PermanentError(message, { cause: failures[0] });
  }
  return result;
}

/** Reads everything needed to act: services, open service deployments, tags. */
async function readForAction(
  deps: GuardDeps,
  cluster: string,
  service: string,
): Promise<ServiceSnapshot | undefined> {
  const [snapshot] = await deps.ecs.describeServices(cluster, [service]);
  if (!snapshot) return undefined;
  const primary = snapshot.deployments.find((d) => d.status === 'PRIMARY');
  const [serviceDeployments, tags, stoppedTasks] = await Promise.all([
    deps.ecs.listOpenServiceDeployments(cluster, service),
    snapshot.serviceArn ? deps.ecs.listTags(snapshot.serviceArn) : Promise.resolve({}),
    // Evidence only: without it the notification is vaguer, the decision is the same.
    primary
      ? deps.ecs.listStoppedTasks(cluster, primary.id).catch((error: unknown) => {
          deps.log.warn('could not read stopped tasks', { ecsService: service, error: describeError(error) });
          return [];
        })
      : Promise.resolve([]),
  ]);
  return { ...snapshot, serviceDeployments, tags, stoppedTasks };
}

async function guardService(
  snapshot: ServiceSnapshot,
  trigger: Trigger,
  deps: GuardDeps,
  config: GuardConfig,
): Promise<ServiceOutcome> {
  const policy = config.policies[snapshot.service]!;
  const outcome = (d: Decision, extra: Partial<ServiceOutcome> = {}): ServiceOutcome => ({
    service: snapshot.service,
    verdict: d.verdict,
    reason: d.reason,
    summary: d.summary,
    action: 'none',
    calls: [],
    notes: [],
    ...extra,
  });

  const first = decide(snapshot, trigger, policy, deps.now());
  if (first.verdict !== 'stuck') {
    deps.log.info('deployment checked', {
      ecsService: snapshot.service,
      verdict: first.verdict,
      reason: first.reason,
      summary: first.summary,
    });
    return outcome(first);
  }

  // Re-read right before acting: the deployment may have completed, been rolled back by the
  // circuit breaker or by an earlier attempt of this very invocation.
  const fresh = await readForAction(deps, config.cluster, snapshot.service);
  if (!fresh) return outcome(first, { notes: ['service disappeared before action'] });
  const decision = decide(fresh, trigger, policy, deps.now());
  if (decision.verdict !== 'stuck') {
    deps.log.info('state changed before action: not acting', {
      ecsService: snapshot.service,
      reason: decision.reason,
    });
    return outcome(decision, { notes: [`state changed before action: ${decision.summary}`] });
  }
  const evidence = decision.evidence;
  const key = `${config.cluster}/${fresh.service}/${evidence.deploymentId}`;
  const marker = readMarker(fresh.tags);
  if (marker?.deploymentId === evidence.deploymentId) {
    return outcome(decision, {
      result: 'skipped',
      notes: [`already handled (tag ${MARKER_TAG}=${fresh.tags?.[MARKER_TAG]})`],
    });
  }
  // Our own rollback deployment failing too (its revision equals what we rolled back to, and the
  // old ACTIVE deployment is gone so decide() could not tell): tell a person, never roll back again.
  const ownRollback =
    marker?.outcome === 'rolled-back' &&
    marker.rolledBackTo !== undefined &&
    marker.rolledBackTo === taskDefinitionLabel(evidence.taskDefinition);
  const reportOnly = ownRollback || evidence.sameRevisionAs !== undefined;
  const mode = reportOnly && policy.mode === 'rollback' ? 'notify' : policy.mode;
  const dryRun = config.dryRun || mode === 'dry-run';
  if (dryRun && deps.dryRunReported?.has(key)) {
    return outcome(decision, { result: 'skipped', notes: ['already reported by this container (dry run)'] });
  }

  deps.metrics.add(Metric.DeploymentsStuck, fresh.service, 1, 'Count');
  deps.log.warn('deployment stuck', {
    ecsService: fresh.service,
    reason: decision.reason,
    evidence: { ...evidence, signals: evidence.signals.length },
  });

  const report: ActionReport = { mode: dryRun ? 'dry-run' : mode, steps: [], notes: [] };
  if (evidence.sameRevisionAs && !ownRollback) {
    report.notes.push(
      `deployment ${evidence.sameRevisionAs} already ran this revision (a rollback or a forced redeploy): rolling back would change nothing, so the guard only reports`,
    );
  }
  if (ownRollback) {
    report.notes.push(
      `this deployment is the guard's own rollback to ${marker?.rolledBackTo} (deployment ${marker?.deploymentId}) and it is failing too: the guard will not roll back again`,
    );
  }
  let result: ServiceOutcome['result'] = 'reported';
  let action: ActionKind = dryRun ? 'dry-run' : mode === 'rollback' ? 'rollback' : 'notify';

  if (dryRun) {
    await planDryRun(fresh, evidence, policy, deps, config, report);
    deps.dryRunReported?.add(key);
  } else if (mode === 'rollback') {
    result = await rollBack(fresh, evidence, policy, deps, config, report);
    report.outcome = result;
    action = 'rollback';
  }

  if (!dryRun && fresh.serviceArn) {
    const outcomeWord =
      result === 'requested' ? 'rolled-back' : result === 'failed' ? 'rollback-failed' : 'notified';
    const target = result === 'requested' ? taskDefinitionLabel(evidence.previousTaskDefinition) : undefined;
    await mark(
      deps,
      fresh.serviceArn,
      [evidence.deploymentId, outcomeWord, target].filter(Boolean).join(' '),
      report,
    );
  }
  deps.metrics.add(
    Metric.TimeToAction,
    fresh.service,
    Math.round((deps.now().getTime() - evidence.startedAt.getTime()) / 1000),
    'Seconds',
  );

  await deps.notifier.notify(
    buildNotification({ snapshot: fresh, decision, report, config, now: deps.now() }),
  );
  return outcome(decision, {
    action,
    result,
    calls: report.steps.map((s) => s.call),
    notes: report.notes,
  });
}

async function mark(deps: GuardDeps, serviceArn: string, value: string, report: ActionReport): Promise<void> {
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

async function rollBack(
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

async function cancelStack(
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

async function planDryRun(
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
