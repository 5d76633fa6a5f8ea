import { RetryableError } from '../../shared/errors';
import type { NotifyResult } from '../../shared/notify';
import { bounded } from './bounded';
import { enrich, type Enrichment } from './enrich';
import { alarmNames, recogniseAlarm, type AlarmKind, type AlarmSubject } from './kind';
import { incidentNotification, resolvedNotification } from './messages';
import type { HealthAlarmDeps, HealthAlarmSettings } from './ports';
import type { AlarmChange, AlarmState } from './schema';

export type { HealthAlarmSettings } from './ports';

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

/**
 * What the alarm was in before its latest INSUFFICIENT_DATA spell (ALARM → INSUFFICIENT_DATA → OK
 * is the end of an incident; OK → INSUFFICIENT_DATA → OK is not), and since when it was in ALARM.
 * Neither an EventBridge event nor an SNS message says: they carry only the previous state
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html),
 * so the alarm history is asked. Throws (so the invocation is retried) when it cannot be read:
 * guessing would either lose the "resolved" or send one for an incident nobody was told about.
 */
async function stateBeforeGap(
  change: AlarmChange,
  deps: HealthAlarmDeps,
  settings: HealthAlarmSettings,
): Promise<{ before?: AlarmState; alarmSince?: string }> {
  const found = await bounded(settings.enrichmentTimeoutMs, (signal) =>
    deps.history.recentTransitions(change.alarmName, new Date(change.changedAt), signal),
  );
  if (!found.ok) {
    throw new RetryableError(
      `cannot tell whether ${change.alarmName} was in ALARM before INSUFFICIENT_DATA: ${found.error}`,
    );
  }
  const gap = found.value.findIndex((t) => t.to === 'INSUFFICIENT_DATA');
  if (gap < 0) return {};
  const before = found.value[gap]!.from;
  // The incident began at the oldest ALARM since the last OK (ALARM → INSUFFICIENT_DATA → ALARM is one incident).
  let alarmSince: string | undefined;
  for (const t of found.value.slice(gap + 1)) {
    if (t.to === 'OK') break;
    if (t.to === 'ALARM') alarmSince = t.at;
  }
  return { before, ...(before === 'ALARM' && alarmSince ? { alarmSince } : {}) };
}

/** Why an alarm change needs no message, or undefined when it does. */
export function skipReason(change: AlarmChange, insufficientData: 'skip' | 'notify'): string | undefined {
  if (change.state === 'INSUFFICIENT_DATA' && insufficientData === 'skip') {
    return 'INSUFFICIENT_DATA is configured to be skipped (stage param healthAlarmInsufficientData: notify to be told)';
  }
  if (change.state === 'OK') {
    if (change.previousState === 'ALARM') return undefined;
    // Notified: resolves that message. Skipped: resolves when the alarm was in ALARM before (history).
    if (change.previousState === 'INSUFFICIENT_DATA') return undefined;
    return `OK after ${change.previousState ?? 'an unknown state'}: no incident was reported, so there is nothing to resolve`;
  }
  return undefined;
}

/**
 * Turns one alarm state change into a notification: ALARM → an incident with evidence
 * (bounded enrichment, each step allowed to fail), OK after ALARM (also after ALARM →
 * INSUFFICIENT_DATA) → a resolved message in the same thread with the duration,
 * INSUFFICIENT_DATA → skipped or notified as configured.
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
    let duration: Awaited<ReturnType<typeof alarmDuration>> | undefined;
    if (change.previousState === 'INSUFFICIENT_DATA' && settings.insufficientData === 'skip') {
      const { before, alarmSince } = await stateBeforeGap(change, deps, settings);
      if (before !== 'ALARM') {
        return {
          ...base,
          action: 'skipped',
          reason: `OK after INSUFFICIENT_DATA that followed ${before ?? 'no recorded state'}: no incident was reported, so there is nothing to resolve`,
        };
      }
      duration = alarmSince
        ? { ms: Date.parse(change.changedAt) - Date.parse(alarmSince), since: alarmSince }
        : { unavailable: 'no ALARM transition in the alarm history' };
    }
    duration ??= await alarmDuration(change, deps, settings);
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

  // ALARM → INSUFFICIENT_DATA (skipped) → ALARM is the incident already reported, not a new one.
  if (
    change.state === 'ALARM' &&
    change.previousState === 'INSUFFICIENT_DATA' &&
    settings.insufficientData === 'skip'
  ) {
    const before = await stateBeforeGap(change, deps, settings).catch(() => undefined);
    if (before?.before === 'ALARM') {
      return {
        ...base,
        action: 'skipped',
        reason: `still the incident reported when ${change.alarmName} went into ALARM${before.alarmSince ? ` at ${before.alarmSince}` : ''}: only its data was missing in between`,
      };
    }
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

/**
 * One invocation: every alarm change of the event in turn (an SNS event may carry several), each
 * logged, and each notification counted with its own kind and state.
 */
export async function handleAlarmChanges(
  changes: AlarmChange[],
  deps: HealthAlarmDeps,
  settings: HealthAlarmSettings,
): Promise<{ outcomes: AlarmOutcome[] }> {
  const outcomes: AlarmOutcome[] = [];
  for (const change of changes) {
    const outcome = await handleAlarmChange(change, deps, settings);
    if (outcome.action === 'skipped') {
      deps.log.info('alarm change skipped', {
        alarmName: change.alarmName,
        state: change.state,
        reason: outcome.reason,
      });
    } else {
      deps.log.info('alarm notification sent', { ...outcome, dryRun: settings.dryRun });
      deps.metrics.notified(outcome.kind, outcome.state);
    }
    outcomes.push(outcome);
  }
  return { outcomes };
}
