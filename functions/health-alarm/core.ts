import type { NotifyResult } from '../../shared/notify';
import { bounded } from './bounded';
import { enrich, type Enrichment } from './enrich';
import { alarmNames, recogniseAlarm, type AlarmKind, type AlarmSubject } from './kind';
import { incidentNotification, resolvedNotification } from './message';
import type { HealthAlarmDeps } from './ports';
import type { AlarmChange, AlarmState, ServiceConfig } from './schema';

export interface HealthAlarmSettings {
  stage: string;
  cluster: string;
  services: ServiceConfig[];
  insufficientData: 'skip' | 'notify';
  enrichmentTimeoutMs: number;
  stoppedTaskWindowMinutes: number;
}

/** What was decided and done for one alarm change. */
export interface AlarmOutcome {
  alarmName: string;
  kind: AlarmKind;
  state: AlarmState;
  action: 'incident' | 'resolved' | 'skipped';
  /** Why nothing was sent (skipped only). */
  reason?: string;
  /** Each enrichment step: "ok" or "unavailable: <why>". */
  enrichment?: Record<string, string>;
  title?: string;
  notified?: NotifyResult;
}

function stepSummary(e: Enrichment): Record<string, string> {
  const s = (o: { ok: boolean; error?: string }) => (o.ok ? 'ok' : `unavailable: ${o.error ?? ''}`);
  switch (e.kind) {
    case 'alb':
      return { targetHealth: s(e.targets), stoppedTasks: s(e.stops) };
    case 'thrash':
      return { stoppedTasks: s(e.stops) };
    case 'deep-health':
      return { probe: s(e.probe) };
    default:
      return {};
  }
}

async function alarmDuration(
  change: AlarmChange,
  deps: HealthAlarmDeps,
  settings: HealthAlarmSettings,
): Promise<{ ms: number; since: string } | { unavailable: string }> {
  const end = Date.parse(change.changedAt);
  // EventBridge tells when the previous state began; SNS messages do not, so ask the alarm history.
  if (change.previousChangedAt) {
    return { ms: end - Date.parse(change.previousChangedAt), since: change.previousChangedAt };
  }
  const from = change.previousState ?? 'ALARM';
  const found = await bounded(settings.enrichmentTimeoutMs, (signal) =>
    deps.history.lastEnteredState(change.alarmName, from, new Date(end), signal),
  );
  if (!found.ok) return { unavailable: found.error };
  if (!found.value) return { unavailable: `no ${from} transition in the alarm history` };
  return { ms: end - Date.parse(found.value), since: found.value };
}

/** Why an alarm change needs no message, or undefined when it does. */
export function skipReason(change: AlarmChange, insufficientData: 'skip' | 'notify'): string | undefined {
  if (change.state === 'INSUFFICIENT_DATA' && insufficientData === 'skip') {
    return 'INSUFFICIENT_DATA is configured to be skipped (stage param healthAlarmInsufficientData: notify to be told)';
  }
  if (change.state === 'OK') {
    if (change.previousState === 'ALARM') return undefined;
    if (change.previousState === 'INSUFFICIENT_DATA' && insufficientData === 'notify') return undefined;
    return `OK after ${change.previousState ?? 'an unknown state'}: no incident was reported, so there is nothing to resolve`;
  }
  return undefined;
}

/**
 * Turns one alarm state change into a notification: ALARM → an incident with evidence
 * (bounded enrichment, each step allowed to fail), OK after ALARM → a resolved message in the
 * same thread with the duration, INSUFFICIENT_DATA → skipped or notified as configured.
 * A failure to deliver the notification throws, so the invocation is retried.
 */
export async function handleAlarmChange(
  change: AlarmChange,
  deps: HealthAlarmDeps,
  settings: HealthAlarmSettings,
): Promise<AlarmOutcome> {
  const subject: AlarmSubject = recogniseAlarm(change, settings.stage, settings.services);
  const base = { alarmName: change.alarmName, kind: subject.kind, state: change.state };
  const skip =
    subject.kind === 'other' && change.alarmName.startsWith(alarmNames(settings.stage).prefix)
      ? // e.g. the dead-letter alarm: it has its own AlarmActions on the topic, a second message is noise.
        `${change.alarmName} is an ops-sentinel alarm of another kind; it notifies the topic through its own actions`
      : skipReason(change, settings.insufficientData);
  if (skip) return { ...base, action: 'skipped', reason: skip };

  if (change.state === 'OK') {
    const duration = await alarmDuration(change, deps, settings);
    const notification = resolvedNotification(change, subject, duration, settings.cluster);
    const notified = await deps.notifier.notify(notification);
    return {
      ...base,
      action: 'resolved',
      enrichment: { duration: 'ms' in duration ? 'ok' : `unavailable: ${duration.unavailable}` },
      title: notification.title,
      notified,
    };
  }

  const enrichment = await enrich(subject, deps, {
    cluster: settings.cluster,
    budgetMs: settings.enrichmentTimeoutMs,
    windowMinutes: settings.stoppedTaskWindowMinutes,
  });
  const notification = incidentNotification(change, subject, enrichment, settings.cluster);
  const notified = await deps.notifier.notify(notification);
  return {
    ...base,
    action: 'incident',
    enrichment: stepSummary(enrichment),
    title: notification.title,
    notified,
  };
}
