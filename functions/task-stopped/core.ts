import { CAPACITY_CATEGORIES, classifyStop } from '../../shared/ecs/classify-stop';
import type { StopCategory, StopClassification, StoppedTaskFacts } from '../../shared/ecs/stop-types';
import { RetryableError } from '../../shared/errors';
import type { Notification } from '../../shared/notify';
import {
  capacityMessage,
  closedMessage,
  duration,
  escalationMessage,
  recoveryMessage,
  stopMessage,
  taskContext,
  type RecoveryEvidence,
  type TaskContext,
} from './messages';
import type { Incident, TaskStoppedDeps, TaskStoppedRunDeps, TaskStoppedSettings } from './ports';
import type { DeploymentStateChange, TaskStateChange, TaskStoppedEvent } from './schema';

export type SentKind = 'first' | 'escalation' | 'recovery' | 'closed' | 'routine' | 'capacity';

export interface Sent {
  kind: SentKind;
  service: string;
  subject: string;
  channel: 'sns' | 'console';
  messageId?: string;
}

export type StopAction =
  | 'notified-first'
  | 'notified-escalation'
  | 'grouped'
  | 'notified-capacity'
  | 'grouped-capacity'
  | 'notified-routine'
  | 'suppressed-routine'
  | 'duplicate'
  | 'unmonitored'
  | 'standalone'
  | 'not-stopped';

/** What one stopped-task event led to; logged by the handler as the invocation's result. */
export interface StopOutcome {
  taskArn: string;
  service?: string;
  category: StopCategory;
  routine: boolean;
  action: StopAction;
  /** Why, in words. */
  reason: string;
  /** Failed stops in the open incident after this event. */
  incidentCount?: number;
  sent: Sent[];
}

export interface SweepOutcome {
  openIncidents: number;
  sent: Sent[];
}

/** What a RUNNING task or a deployment event did to the service's incident. */
export interface EvidenceOutcome {
  service?: string;
  action: 'recorded-running' | 'recovered' | 'no-incident' | 'not-evidence' | 'unmonitored';
  reason: string;
  sent: Sent[];
}

/**
 * Attempts at a conditional write before giving up (Lambda then retries the event). A deployment
 * stopping 30 tasks at once makes 30 invocations race for one item: each loser waits a random
 * time below an exponentially growing cap ("full jitter") before it re-reads, so the writers
 * spread out instead of colliding again.
 * https://docs.aws.amazon.com/prescriptive-guidance/latest/cloud-design-patterns/retry-backoff.html
 */
const MAX_ATTEMPTS = 12;
const BACKOFF_BASE_MS = 20;
const BACKOFF_CAP_MS = 1000;
const RECENT_TASKS = 20;
const HOUR_MS = 3_600_000;
const DEFAULT_STALE_MS = 6 * HOUR_MS;
const DEFAULT_CAPACITY_EPISODE_MS = HOUR_MS;
const MAX_LISTED = 5;
const DAY_MS = 86_400_000;

/**
 * Decides what a stopped task means and who hears about it. Routine stops are only counted
 * (unless `notifyRoutine`); capacity stops (Spot, Fargate retirement, infrastructure) open or
 * extend a capacity episode with one WARNING; failed stops of a monitored service open or extend
 * one incident per service, which yields at most three messages in the service's thread: the
 * first failure, one escalation once `escalateAfter` failures are counted, and the recovery
 * (a task RUNNING for the quiet period, or a completed deployment; never silence alone).
 *
 * `TasksStopped` is counted once per task: only when the invocation succeeds (a failed one is
 * retried, and the metrics middleware flushes on error too) and never for a redelivered task.
 */
export async function handleTaskStopped(
  event: TaskStateChange,
  deps: TaskStoppedDeps,
  settings: TaskStoppedSettings,
): Promise<StopOutcome> {
  const ctx = taskContext(event.detail, event.region, settings.region);
  // The classifier reads any shape defensively; the schema only guarantees the ARNs.
  const stop = classifyStop(event.detail as StoppedTaskFacts);
  const base = { taskArn: ctx.taskArn, service: ctx.service, category: stop.category, routine: stop.routine };
  if (event.detail.lastStatus && event.detail.lastStatus !== 'STOPPED') {
    return {
      ...base,
      action: 'not-stopped',
      reason: `lastStatus is ${event.detail.lastStatus}, not STOPPED: ignored`,
      sent: [],
    };
  }
  const counted = <T extends StopOutcome>(outcome: T): T => {
    deps.metrics.taskStopped(ctx.service ?? 'standalone', stop.category);
    return outcome;
  };

  if (!ctx.service) {
    return counted({
      ...base,
      action: 'standalone',
      reason: `standalone task (group ${event.detail.group ?? 'none'}): counted, not notified`,
      sent: [],
    });
  }
  if (!monitored(ctx.service, settings)) {
    return counted({
      ...base,
      action: 'unmonitored',
      reason: `service ${ctx.service} is not in SERVICES: counted, not notified`,
      sent: [],
    });
  }
  if (CAPACITY_CATEGORIES.has(stop.category)) {
    const outcome = await capacityStop(ctx, stop, deps, settings);
    return outcome.action === 'duplicate' ? { ...base, ...outcome } : counted({ ...base, ...outcome });
  }

  const service = ctx.service;
  const key = incidentKey(ctx.cluster, service);
  const sent: Sent[] = [];
  return untilSettled(`incident ${key}`, deps, async () => {
    const now = deps.now();
    const current = await deps.store.get(key);
    const closing = current && closable(current, now, settings);
    if (current && closing) {
      sent.push(...(await close(current, closing, now, deps, settings)));
      return AGAIN;
    }
    if (stop.routine) {
      const outcome = await routine(ctx, stop, deps, settings);
      return counted({ ...base, ...outcome, sent: [...sent, ...outcome.sent] });
    }

    if (current?.recentTaskIds.includes(ctx.taskId)) {
      return {
        ...base,
        action: 'duplicate',
        reason: 'this task was already counted (event delivered twice)',
        incidentCount: current.count,
        sent,
      };
    }
    const next = current
      ? extend(current, ctx, stop.category, now)
      : open(key, ctx, service, stop.category, now);
    const escalate = current !== undefined && !current.escalated && next.count >= settings.escalateAfter;
    next.escalated = current?.escalated === true || escalate;
    if (!(await deps.store.save(next, current?.version))) return AGAIN;

    if (!current || escalate) {
      const message = current
        ? escalationMessage(next, ctx, stop, settings.stage, ctx.region)
        : stopMessage(ctx, stop, settings.stage);
      // If publishing fails, give the claim back so the retried event sends the message.
      const undo = () =>
        current
          ? deps.store.save({ ...current, version: next.version + 1 }, next.version)
          : deps.store.remove(next);
      sent.push(await publish(current ? 'escalation' : 'first', service, message, deps, undo));
      return counted({
        ...base,
        action: current ? 'notified-escalation' : 'notified-first',
        reason: current ? `${next.count} failed stops: escalated once` : 'first failed stop: incident opened',
        incidentCount: next.count,
        sent,
      });
    }
    deps.metrics.notification(service, false);
    return counted({
      ...base,
      action: 'grouped',
      reason: `failed stop ${next.count} of an open incident${next.escalated ? ' (already escalated)' : ''}: counted silently`,
      incidentCount: next.count,
      sent,
    });
  });
}

/**
 * A task of a monitored service reached RUNNING: if it started after the incident's last failure,
 * it is recorded as recovery evidence (the earliest such task counts). It must then stay up, with
 * no failed stop of the service, for the quiet period before the sweep sends the recovery.
 */
export async function handleTaskRunning(
  event: TaskStateChange,
  deps: TaskStoppedDeps,
  settings: TaskStoppedSettings,
): Promise<EvidenceOutcome> {
  const ctx = taskContext(event.detail, event.region, settings.region);
  const service = ctx.service;
  if (!service || !monitored(service, settings)) {
    return { service, action: 'unmonitored', reason: 'not a task of a monitored service', sent: [] };
  }
  if (event.detail.desiredStatus === 'STOPPED') {
    return { service, action: 'not-evidence', reason: 'the task is RUNNING but being stopped', sent: [] };
  }
  const key = incidentKey(ctx.cluster, service);
  const sent: Sent[] = [];
  return untilSettled(`incident ${key}`, deps, async () => {
    const now = deps.now();
    const current = await deps.store.get(key);
    if (!current) return { service, action: 'no-incident', reason: 'no open incident', sent };
    const closing = closable(current, now, settings);
    if (closing) {
      sent.push(...(await close(current, closing, now, deps, settings)));
      return AGAIN;
    }
    const startedAt = timeOf(event.detail.startedAt) ?? timeOf(event.time) ?? now;
    if (startedAt <= current.lastFailureAt) {
      return {
        service,
        action: 'not-evidence',
        reason: 'the task started before the last failed stop: it says nothing about recovery',
        sent,
      };
    }
    if (hasRunningEvidence(current) && current.runningAt! <= startedAt) {
      return {
        service,
        action: 'recorded-running',
        reason: 'an earlier running task is already recorded',
        sent,
      };
    }
    const next: Incident = { ...current, runningAt: startedAt, version: current.version + 1 };
    if (!(await deps.store.save(next, current.version))) return AGAIN;
    return {
      service,
      action: 'recorded-running',
      reason: `task ${ctx.taskId} RUNNING since ${new Date(startedAt).toISOString()}: recovered once it stays up ${duration(settings.quietMs)} with no failed stop`,
      sent,
    };
  });
}

/**
 * SERVICE_DEPLOYMENT_COMPLETED: the service reached steady state on a deployment, which is
 * recovery unless a task failed after it completed.
 */
export async function handleDeploymentEvent(
  event: DeploymentStateChange,
  deps: TaskStoppedDeps,
  settings: TaskStoppedSettings,
): Promise<EvidenceOutcome> {
  const serviceArn = event.resources[0]!;
  const [cluster, service] = /:service\/([^/]+)\/([^/]+)$/.exec(serviceArn)?.slice(1) ?? [];
  if (!cluster || !service || !monitored(service, settings)) {
    return { service, action: 'unmonitored', reason: `not a monitored service (${serviceArn})`, sent: [] };
  }
  if (event.detail.eventName !== 'SERVICE_DEPLOYMENT_COMPLETED') {
    return {
      service,
      action: 'not-evidence',
      reason: `${event.detail.eventName}: not a completion`,
      sent: [],
    };
  }
  const key = incidentKey(cluster, service);
  const completedAt = timeOf(event.detail.updatedAt) ?? timeOf(event.time) ?? deps.now();
  const evidence: RecoveryEvidence = {
    kind: 'deployment',
    at: completedAt,
    deploymentId: event.detail.deploymentId ?? undefined,
  };
  return untilSettled(`incident ${key}`, deps, async () => {
    const current = await deps.store.get(key);
    if (!current) return { service, action: 'no-incident', reason: 'no open incident', sent: [] };
    if (completedAt < current.lastFailureAt) {
      return {
        service,
        action: 'not-evidence',
        reason: 'a task failed after the deployment completed: the incident stays open',
        sent: [],
      };
    }
    // A lost race (a stop or a RUNNING task changed the item) is decided again on a fresh read.
    const sent = await close(current, evidence, deps.now(), deps, settings);
    if (sent.length > 0)
      return { service, action: 'recovered', reason: 'deployment completed: incident closed', sent };
    return AGAIN;
  });
}

/**
 * The scheduled sweep: closes every incident whose recovery evidence has held for the quiet
 * period (or that went stale) and forgets capacity episodes that ended. Every incident is tried;
 * the first failure is rethrown afterwards.
 */
export async function sweepIncidents(
  deps: TaskStoppedDeps,
  settings: TaskStoppedSettings,
): Promise<SweepOutcome> {
  const open = await deps.store.listOpen();
  const sent: Sent[] = [];
  const failures: unknown[] = [];
  let closed = 0;
  for (const incident of open) {
    const now = deps.now();
    try {
      if (incident.kind === 'capacity') {
        if (
          now - incident.lastFailureAt >= capacityEpisodeMs(settings) &&
          (await deps.store.remove(incident))
        )
          closed++;
        continue;
      }
      const closing = closable(incident, now, settings);
      if (!closing) continue;
      const out = await close(incident, closing, now, deps, settings);
      sent.push(...out);
      closed += out.length;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return { openIncidents: open.length - closed, sent };
}

function monitored(service: string, settings: TaskStoppedSettings): boolean {
  return settings.services.length === 0 || settings.services.includes(service);
}

const incidentKey = (cluster: string, service: string) => `${cluster}/${service}`;

function timeOf(value: string | null | undefined): number | undefined {
  const t = value ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

const hasRunningEvidence = (i: Incident) => i.runningAt !== undefined && i.runningAt > i.lastFailureAt;

const capacityEpisodeMs = (s: TaskStoppedSettings) => s.capacityEpisodeMs ?? DEFAULT_CAPACITY_EPISODE_MS;

/** Why an incident may be closed now: recovery evidence that held, or staleness; else undefined. */
function closable(i: Incident, now: number, settings: TaskStoppedSettings): RecoveryEvidence | undefined {
  if (i.kind === 'capacity') return undefined;
  if (hasRunningEvidence(i) && now - i.runningAt! >= settings.quietMs)
    return { kind: 'running', at: i.runningAt! };
  if (now - i.lastFailureAt >= (settings.staleMs ?? DEFAULT_STALE_MS)) return { kind: 'stale', at: now };
  return undefined;
}

/** What an attempt of `untilSettled` returns when it lost a race and must re-read. */
const AGAIN = Symbol('again');

/**
 * Runs `attempt` (read the item, decide, conditionally write) until it returns an outcome rather
 * than AGAIN, backing off between attempts; after MAX_ATTEMPTS lost races the event is retried.
 */
async function untilSettled<T>(
  item: string,
  deps: TaskStoppedDeps,
  attempt: () => Promise<T | typeof AGAIN>,
): Promise<T> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    if (i > 0) await backoff(i, deps);
    const outcome = await attempt();
    if (outcome !== AGAIN) return outcome;
  }
  throw new RetryableError(`${item} changed concurrently ${MAX_ATTEMPTS} times; retrying the event`);
}

async function backoff(attempt: number, deps: TaskStoppedDeps): Promise<void> {
  const cap = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  const ms = Math.floor((deps.random ?? Math.random)() * cap);
  await (deps.sleep ?? ((t: number) => new Promise<void>((resolve) => setTimeout(resolve, t))))(ms);
}

/**
 * Spot reclaims, Fargate retirements and host failures: one WARNING per episode of the service
 * (an episode ends after `capacityEpisodeMs` without such a stop), never a crash loop.
 */
async function capacityStop(
  ctx: TaskContext,
  stop: StopClassification,
  deps: TaskStoppedDeps,
  settings: TaskStoppedSettings,
): Promise<Pick<StopOutcome, 'action' | 'reason' | 'sent' | 'incidentCount'>> {
  const service = ctx.service!;
  const key = `${incidentKey(ctx.cluster, service)}#capacity`;
  return untilSettled(`capacity episode ${key}`, deps, async () => {
    const now = deps.now();
    const current = await deps.store.get(key);
    const ongoing =
      current && now - current.lastFailureAt < capacityEpisodeMs(settings) ? current : undefined;
    if (ongoing?.recentTaskIds.includes(ctx.taskId)) {
      return {
        action: 'duplicate',
        reason: 'this task was already counted (event delivered twice)',
        incidentCount: ongoing.count,
        sent: [],
      };
    }
    if (ongoing) {
      const next = extend(ongoing, ctx, stop.category, now);
      if (!(await deps.store.save(next, ongoing.version))) return AGAIN;
      deps.metrics.notification(service, false);
      return {
        action: 'grouped-capacity',
        reason: `capacity stop ${next.count} of one episode: counted silently`,
        incidentCount: next.count,
        sent: [],
      };
    }
    const next: Incident = {
      ...open(key, ctx, service, stop.category, now),
      kind: 'capacity',
      version: (current?.version ?? 0) + 1,
    };
    if (!(await deps.store.save(next, current?.version))) return AGAIN;
    const undo = () =>
      current
        ? deps.store.save({ ...current, version: next.version + 1 }, next.version)
        : deps.store.remove(next);
    const sent = [await publish('capacity', service, capacityMessage(ctx, stop, settings.stage), deps, undo)];
    return {
      action: 'notified-capacity',
      reason: 'capacity stop (not a crash loop): one warning for the episode',
      incidentCount: 1,
      sent,
    };
  });
}

/** Routine stops never touch the incident: they are not failures. */
async function routine(
  ctx: TaskContext,
  stop: StopClassification,
  deps: TaskStoppedDeps,
  settings: TaskStoppedSettings,
): Promise<Pick<StopOutcome, 'action' | 'reason' | 'sent'>> {
  const service = ctx.service ?? 'standalone';
  if (!settings.notifyRoutine) {
    deps.metrics.notification(service, false);
    return {
      action: 'suppressed-routine',
      reason: `routine stop (${stop.category}): not notified (NOTIFY_ROUTINE is off)`,
      sent: [],
    };
  }
  const sent = [await publish('routine', service, stopMessage(ctx, stop, settings.stage), deps)];
  return {
    action: 'notified-routine',
    reason: `routine stop (${stop.category}) notified: NOTIFY_ROUTINE is on`,
    sent,
  };
}

async function close(
  incident: Incident,
  evidence: RecoveryEvidence,
  now: number,
  deps: TaskStoppedDeps,
  settings: TaskStoppedSettings,
): Promise<Sent[]> {
  // Whoever deletes the incident sends the message; a lost race means someone else did.
  if (!(await deps.store.remove(incident))) return [];
  const stale = evidence.kind === 'stale';
  const message = stale
    ? closedMessage(incident, now, settings.stage, settings.region)
    : recoveryMessage(incident, now, settings.quietMs, settings.stage, settings.region, evidence);
  return [
    await publish(stale ? 'closed' : 'recovery', incident.service, message, deps, () =>
      deps.store.save(incident, undefined),
    ),
  ];
}

async function publish(
  kind: SentKind,
  service: string,
  message: Notification,
  deps: TaskStoppedDeps,
  undo?: () => Promise<unknown>,
): Promise<Sent> {
  try {
    const result = await deps.notifier.notify(message);
    deps.metrics.notification(service, true);
    return { kind, service, subject: result.subject, channel: result.channel, messageId: result.messageId };
  } catch (error) {
    // Best effort: if the undo fails too, the message is lost rather than sent twice.
    await undo?.().catch(() => undefined);
    throw error;
  }
}

function open(key: string, ctx: TaskContext, service: string, category: StopCategory, now: number): Incident {
  return {
    key,
    cluster: ctx.cluster,
    service,
    clusterArn: ctx.clusterArn,
    serviceArn: ctx.serviceArn ?? '',
    openedAt: now,
    lastFailureAt: now,
    count: 1,
    categories: { [category]: 1 },
    taskDefinitions: ctx.revision ? [ctx.revision] : [],
    deployments: ctx.deploymentId ? [ctx.deploymentId] : [],
    escalated: false,
    recentTaskIds: [ctx.taskId],
    expiresAt: expiry(now),
    version: 1,
  };
}

function extend(current: Incident, ctx: TaskContext, category: StopCategory, now: number): Incident {
  return {
    ...current,
    lastFailureAt: Math.max(current.lastFailureAt, now),
    count: current.count + 1,
    categories: { ...current.categories, [category]: (current.categories[category] ?? 0) + 1 },
    taskDefinitions: addDistinct(current.taskDefinitions, ctx.revision),
    deployments: addDistinct(current.deployments, ctx.deploymentId),
    recentTaskIds: [...current.recentTaskIds, ctx.taskId].slice(-RECENT_TASKS),
    expiresAt: expiry(now),
    version: current.version + 1,
  };
}

function addDistinct(list: string[], value: string | undefined): string[] {
  if (!value || list.includes(value) || list.length >= MAX_LISTED) return list;
  return [...list, value];
}

/** The store forgets an incident a week after its last failure even if no sweep closed it. */
function expiry(now: number): number {
  return Math.floor((now + 7 * DAY_MS) / 1000);
}

/** One invocation: the event routed to its handling, and what was done logged. */
export async function handleEvent(
  input: TaskStoppedEvent,
  deps: TaskStoppedRunDeps,
  settings: TaskStoppedSettings,
): Promise<StopOutcome | SweepOutcome | EvidenceOutcome> {
  const result =
    input.kind === 'sweep'
      ? await sweepIncidents(deps, settings)
      : input.kind === 'deployment'
        ? await handleDeploymentEvent(input.event, deps, settings)
        : input.event.detail.lastStatus === 'RUNNING'
          ? await handleTaskRunning(input.event, deps, settings)
          : await handleTaskStopped(input.event, deps, settings);
  const what = { sweep: 'incident sweep done', deployment: 'deployment event handled' } as const;
  deps.log.info(
    input.kind === 'task-stopped'
      ? `${input.event.detail.lastStatus === 'RUNNING' ? 'running' : 'stopped'} task handled`
      : what[input.kind],
    { result },
  );
  return result;
}
