import { classifyStop } from '../../shared/ecs/classify-stop';
import type { StopCategory, StopClassification, StoppedTaskFacts } from '../../shared/ecs/stop-types';
import { RetryableError } from '../../shared/errors';
import type { Notification } from '../../shared/notify';
import { escalationMessage, recoveryMessage, stopMessage, taskContext, type TaskContext } from './messages';
import type { Incident, TaskStoppedDeps, TaskStoppedSettings } from './ports';
import type { TaskStateChange } from './schema';

export type SentKind = 'first' | 'escalation' | 'recovery' | 'routine';

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

/** Attempts at a conditional write before giving up (Lambda then retries the event). */
const MAX_ATTEMPTS = 5;
const RECENT_TASKS = 20;
const MAX_LISTED = 5;
const DAY_MS = 86_400_000;

/**
 * Decides what a stopped task means and who hears about it. Routine stops are only counted
 * (unless `notifyRoutine`); failed stops of a monitored service open or extend one incident per
 * service, which yields at most three messages in the service's thread: the first failure, one
 * escalation once `escalateAfter` failures are counted, and the recovery.
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
  deps.metrics.taskStopped(ctx.service ?? 'standalone', stop.category);

  if (!ctx.service) {
    return {
      ...base,
      action: 'standalone',
      reason: `standalone task (group ${event.detail.group ?? 'none'}): counted, not notified`,
      sent: [],
    };
  }
  if (settings.services.length > 0 && !settings.services.includes(ctx.service)) {
    return {
      ...base,
      action: 'unmonitored',
      reason: `service ${ctx.service} is not in SERVICES: counted, not notified`,
      sent: [],
    };
  }

  const service = ctx.service;
  const key = `${ctx.cluster}/${service}`;
  const sent: Sent[] = [];
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const now = deps.now();
    const current = await deps.store.get(key);
    if (current && now - current.lastFailureAt >= settings.quietMs) {
      sent.push(...(await recover(current, now, deps, settings)));
      continue;
    }
    if (stop.routine) {
      const outcome = await routine(ctx, stop, deps, settings);
      return { ...base, ...outcome, sent: [...sent, ...outcome.sent] };
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
    if (!(await deps.store.save(next, current?.version))) continue;

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
      return {
        ...base,
        action: current ? 'notified-escalation' : 'notified-first',
        reason: current ? `${next.count} failed stops: escalated once` : 'first failed stop: incident opened',
        incidentCount: next.count,
        sent,
      };
    }
    deps.metrics.notification(service, false);
    return {
      ...base,
      action: 'grouped',
      reason: `failed stop ${next.count} of an open incident${next.escalated ? ' (already escalated)' : ''}: counted silently`,
      incidentCount: next.count,
      sent,
    };
  }
  throw new RetryableError(`incident ${key} changed concurrently ${MAX_ATTEMPTS} times; retrying the event`);
}

/**
 * The scheduled sweep: closes every incident quiet for the quiet period and sends its
 * recovery. Every incident is tried; the first failure is rethrown afterwards.
 */
export async function sweepIncidents(
  deps: TaskStoppedDeps,
  settings: TaskStoppedSettings,
): Promise<SweepOutcome> {
  const open = await deps.store.listOpen();
  const sent: Sent[] = [];
  const failures: unknown[] = [];
  for (const incident of open) {
    const now = deps.now();
    if (now - incident.lastFailureAt < settings.quietMs) continue;
    try {
      sent.push(...(await recover(incident, now, deps, settings)));
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return { openIncidents: open.length - sent.length, sent };
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

async function recover(
  incident: Incident,
  now: number,
  deps: TaskStoppedDeps,
  settings: TaskStoppedSettings,
): Promise<Sent[]> {
  // Whoever deletes the incident sends the recovery; a lost race means someone else did.
  if (!(await deps.store.remove(incident))) return [];
  const message = recoveryMessage(incident, now, settings.quietMs, settings.stage, settings.region);
  return [
    await publish('recovery', incident.service, message, deps, () => deps.store.save(incident, undefined)),
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
