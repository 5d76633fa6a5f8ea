/**
 * deploymentGuard core: the pure decision (`decide`, re-exported from ./decide) and the
 * orchestration that re-reads state, acts once per deployment and reports a timeline.
 * No SDK and no environment here: everything arrives through ports (./ports).
 */
import { taskDefinitionLabel } from '../../shared/aws/arn';
import { isRetryable, describeError, RetryableError, PermanentError } from '../../shared/errors';
import { Metric } from '../../shared/metric-names';
import { mark, planDryRun, reasonOf, rollBack } from './actions';
import { decide, type Decision } from './decide';
import { buildNotification, type ActionReport } from './messages';
import type { ParsedEvent } from './schema';
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
 * How long a claim on a deployment holds: long enough for invocations racing within seconds,
 * short enough that Lambda's retry of a failed attempt (a minute later) and the next sweep act.
 */
const CLAIM_SECONDS = 50;

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
    // Evidence: without it the decision leans on the counts alone, and the notification says so.
    primary
      ? deps.ecs.listStoppedTasks(cluster, service, primary.id).then(
          (tasks) => ({ tasks, error: undefined }),
          (error: unknown) => {
            deps.log.warn('could not read stopped tasks', {
              ecsService: service,
              error: describeError(error),
            });
            return { tasks: [], error: reasonOf(error) };
          },
        )
      : Promise.resolve({ tasks: [], error: undefined }),
  ]);
  return {
    ...snapshot,
    serviceDeployments,
    tags,
    stoppedTasks: stoppedTasks.tasks,
    stoppedTasksError: stoppedTasks.error,
  };
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
  const judgedAt = deps.now();
  const decision = decide(fresh, trigger, policy, judgedAt);
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
  const reportOnly = ownRollback || evidence.sameRevisionAs !== undefined || evidence.capacity !== undefined;
  const mode = reportOnly && policy.mode === 'rollback' ? 'notify' : policy.mode;
  const dryRun = config.dryRun || mode === 'dry-run';
  if (dryRun && deps.dryRunReported?.has(key)) {
    return outcome(decision, { result: 'skipped', notes: ['already reported by this container (dry run)'] });
  }

  // Of several invocations judging the same deployment at once (four tasks failing together
  // bring four events, and the sweep), exactly one acts; the claim expires by itself.
  if (!dryRun && !(await deps.claims.claim(key, CLAIM_SECONDS))) {
    deps.log.info('another invocation is acting on this deployment: not acting', {
      ecsService: fresh.service,
    });
    return outcome(decision, {
      result: 'skipped',
      notes: ['another invocation is acting on this deployment (claim held): not acting again'],
    });
  }

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
  if (evidence.capacity && !ownRollback && !evidence.sameRevisionAs) {
    report.notes.push(
      `capacity: ${evidence.capacity.replace(/[.\s]+$/, '')}. Nothing shows that revision ${taskDefinitionLabel(evidence.taskDefinition) ?? evidence.taskDefinition} is at fault, and rolling back cannot create capacity, so the guard only reports`,
    );
  }
  if (fresh.stoppedTasksError) {
    report.notes.push(
      `the stopped tasks of this deployment could not be read (${fresh.stoppedTasksError}): the evidence below is incomplete`,
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
    const rolled = await rollBack(fresh, evidence, policy, deps, config, report);
    if (rolled === 'already') {
      // A racing invocation (or ECS) is already rolling it back: that one reports.
      deps.log.info('already rolling back: not acting again', {
        ecsService: fresh.service,
        notes: report.notes,
      });
      return outcome(decision, { action: 'none', result: 'skipped', notes: report.notes });
    }
    result = rolled;
    report.outcome = result;
    action = 'rollback';
  }

  const settle = async () => {
    deps.metrics.add(Metric.DeploymentsStuck, fresh.service, 1, 'Count');
    deps.metrics.add(
      Metric.TimeToAction,
      fresh.service,
      Math.round((deps.now().getTime() - evidence.startedAt.getTime()) / 1000),
      'Seconds',
    );
    if (dryRun || !fresh.serviceArn) return;
    const outcomeWord =
      result === 'requested' ? 'rolled-back' : result === 'failed' ? 'rollback-failed' : 'notified';
    const target = result === 'requested' ? taskDefinitionLabel(evidence.previousTaskDefinition) : undefined;
    await mark(
      deps,
      fresh.serviceArn,
      [evidence.deploymentId, outcomeWord, target].filter(Boolean).join(' '),
      report,
    );
  };
  // Metrics and marker once the action is done. After a rollback they go first: the deployment's
  // own state already prevents a second rollback, and the marker is how the guard recognises its
  // rollback if that fails too. When the notification is the only output (notify mode, report-only), it goes first and the marker only
  // follows a delivered notification, so a failed publish is retried rather than lost.
  const markerFirst = action === 'rollback';
  if (markerFirst) await settle();
  await deps.notifier.notify(buildNotification({ snapshot: fresh, decision, report, config, judgedAt }));
  if (!markerFirst) await settle();
  return outcome(decision, {
    action,
    result,
    calls: report.steps.map((s) => s.call),
    notes: report.notes,
  });
}

/** One invocation: an event skipped with its reason, or the guard run on its trigger; both logged. */
export async function handleGuardEvent(
  parsed: ParsedEvent,
  deps: GuardDeps,
  config: GuardConfig,
): Promise<GuardResult | { skipped: string }> {
  if ('skip' in parsed) {
    deps.log.info('event skipped', { reason: parsed.skip });
    return { skipped: parsed.skip };
  }
  const result = await runGuard(parsed.trigger, deps, config);
  deps.log.info('deploymentGuard done', { result });
  return result;
}
