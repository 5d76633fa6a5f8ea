/**
 * deploymentGuard core: the pure decision (`decide`, re-exported from ./decide) and the
 * orchestration that re-reads state, acts once per deployment and reports a timeline.
 * No SDK and no environment here: everything arrives through ports (./ports).
 */
import { taskDefinitionLabel } from '../../shared/aws/arn';
import { isRetryable, describeError, RetryableError, PermanentError } from '../../shared/errors';
import { Metric } from '../../shared/metric-names';
import { mark, planDryRun, rollBack } from './actions';
import { decide, type Decision } from './decide';
import { buildNotification, type ActionReport } from './notification';
import {
  MARKER_TAG,
  readMarker,
  type ActionKind,
  type GuardConfig,
  type GuardDeps,
  type GuardResult,
  type ServiceOutcome,
} from './ports';
import type { ServiceSnapshot, Trigger } from './types';

export {
  decide,
  rollbackTarget,
  primaryDeployment,
  collectSignals,
  rollbackEvidence,
  sameRevisionAs,
} from './decide';
export type { Decision, Evidence, StuckReason } from './decide';
export * from './ports';
export { matchServiceDeployment } from './actions';

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
