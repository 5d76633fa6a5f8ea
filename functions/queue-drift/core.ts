import { describeError, isRetryable } from '../../shared/errors';
import { reconcileEpisodes, type EpisodeOutcome } from './episodes';
import { expectedTimeout, type Expected } from './expected';
import { episodeKey, type Episode, type FindingKind, type QueueDriftDeps } from './ports';
import {
  APP_DEFAULT_VISIBILITY_TIMEOUT,
  isQueueUrl,
  nameFromQueueUrl,
  queueName,
  type QueueDriftSettings,
  type QueueSpec,
  type Trigger,
} from './schema';

/**
 * SetQueueAttributes takes up to 60 s to propagate, and so does DeleteQueue: a read in that
 * window may return the old value or still find the deleted queue.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html
 */
export const PROPAGATION_WINDOW_MS = 60_000;

export type FindingSeverity = 'critical' | 'warning';

/** What a person or an action needs to know about one queue. */
export interface Finding {
  key: string;
  kind: FindingKind;
  queue: string;
  severity: FindingSeverity;
  message: string;
  queueUrl?: string;
  queueArn?: string;
  expected?: number;
  expectedFrom?: string;
  /** Where a person changes the expected value. */
  expectedSetting?: string;
  actual?: number;
  /** Set when `actual` comes from a CloudTrail call younger than the propagation window. */
  actualFrom?: string;
  longestTaskSeconds?: number;
  deadLetterQueue?: string;
  /** For a dead-letter queue's findings: the queue it serves. */
  deadLetterOf?: string;
  deadLetterDepth?: number;
  deadLetterCounts?: MessageCounts;
  remediation?: Remediation;
}

/** A queue's messages by state (the three ApproximateNumberOf… attributes). */
export interface MessageCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

export interface Remediation {
  /** The exact call, e.g. `sqs:SetQueueAttributes QueueUrl=... VisibilityTimeout=360`. */
  call: string;
  /** The value set (or that would be set). */
  to: number;
  outcome: 'applied' | 'dry-run' | 'failed';
  error?: string;
}

/** What the run measured for one configured queue (the metrics come from here). */
export interface QueueObservation {
  queue: string;
  queueUrl?: string;
  expected?: number;
  expectedFrom?: string;
  actual?: number;
  actualFrom?: string;
}

export interface DriftReport {
  trigger: Trigger;
  dryRun: boolean;
  episodeStore: 'dynamodb' | 'memory';
  observations: QueueObservation[];
  findings: Finding[];
  episodes: EpisodeOutcome;
}

/**
 * One run: checks every configured queue (and the app's prefix for unexpected queues),
 * remediates drift where asked, then opens and resolves episodes so each drift is notified
 * once when it starts and once when it ends. Errors a retry can fix are thrown; permanent
 * ones (a missing ECS service, AccessDenied) become a `CheckFailed` finding for that queue so
 * the other queues are still checked.
 */
export async function detectDrift(
  trigger: Trigger,
  deps: QueueDriftDeps,
  settings: QueueDriftSettings,
): Promise<DriftReport> {
  const findings: Finding[] = [];
  const evaluated = new Set<string>();
  const observations: QueueObservation[] = [];
  const watched = new Set<string>();

  for (const spec of settings.queues) {
    watched.add(queueName(spec));
    if (spec.deadLetterQueue) watched.add(dlqName(spec.deadLetterQueue));
  }
  const now = (deps.now ?? (() => new Date()))();
  const recent = recentCall(trigger, now);
  for (const spec of settings.queues) {
    const verdicts = new Verdicts(queueName(spec), findings, evaluated);
    observations.push(await checkQueue(spec, deps, settings, verdicts, recent));
  }
  let listedUnexpected = !settings.queuePrefix;
  if (settings.queuePrefix) {
    listedUnexpected = await checkUnexpected(settings.queuePrefix, watched, deps, findings, recent);
  }

  for (const finding of findings) {
    const spec = settings.queues.find((q) => queueName(q) === finding.queue);
    if (finding.kind === 'VisibilityTimeoutDrift' && spec?.remediate) {
      finding.remediation = await remediate(finding, deps, settings.dryRun);
    }
  }

  const isEvaluated = (episode: Episode): boolean => {
    // Opened less than the propagation window ago: a read may not show yet what opened it.
    if (now.getTime() - Date.parse(episode.openedAt) < PROPAGATION_WINDOW_MS) return false;
    if (evaluated.has(episode.key)) return true;
    if (episode.kind === 'UnexpectedQueue') return listedUnexpected;
    // A queue removed from the configuration: nobody watches it, its episode ends.
    return !watched.has(episode.queue) && !findings.some((f) => f.queue === episode.queue);
  };
  const episodes = await reconcileEpisodes(findings, isEvaluated, deps, trigger, settings);
  return {
    trigger,
    dryRun: settings.dryRun,
    episodeStore: deps.episodes.kind,
    observations,
    findings,
    episodes,
  };
}

/** Records, per finding kind, whether the check reached a verdict and what it was. */
class Verdicts {
  constructor(
    readonly queue: string,
    private readonly findings: Finding[],
    private readonly evaluated: Set<string>,
  ) {}

  found(kind: FindingKind, severity: FindingSeverity, message: string, extra: Partial<Finding> = {}): void {
    const queue = extra.queue ?? this.queue;
    const key = episodeKey(queue, kind);
    this.evaluated.add(key);
    this.findings.push({ ...extra, key, kind, queue, severity, message });
  }

  clear(kind: FindingKind, queue = this.queue): void {
    this.evaluated.add(episodeKey(queue, kind));
  }
}

/**
 * A successful CloudTrail-recorded call younger than the propagation window: what it did to its
 * queue is trusted over a read, which may still show the state before the call. Older calls
 * (or a late delivery, or a retried invocation) are past the window: the read is authoritative
 * then, and may show later changes the event does not know.
 */
interface RecentCall {
  queue: string;
  queueUrl?: string;
  deleted: boolean;
  created: boolean;
  visibilityTimeout?: number;
  /** e.g. `SetQueueAttributes at 2026-11-24T03:02:09Z` */
  label: string;
}

function recentCall(trigger: Trigger, now: Date): RecentCall | undefined {
  if (trigger.kind !== 'cloudtrail' || trigger.errorCode || !trigger.queue) return undefined;
  const at = Date.parse(trigger.time ?? '');
  if (!Number.isFinite(at) || now.getTime() - at >= PROPAGATION_WINDOW_MS) return undefined;
  const { eventName, queue, queueUrl, time } = trigger;
  return {
    queue,
    queueUrl,
    deleted: eventName === 'DeleteQueue',
    created: eventName === 'CreateQueue',
    visibilityTimeout: eventName === 'DeleteQueue' ? undefined : trigger.visibilityTimeout,
    label: `${eventName} at ${time}`,
  };
}

async function checkQueue(
  spec: QueueSpec,
  deps: QueueDriftDeps,
  settings: QueueDriftSettings,
  v: Verdicts,
  recentAny: RecentCall | undefined,
): Promise<QueueObservation> {
  const observation: QueueObservation = { queue: v.queue };
  const recent = recentAny?.queue === v.queue ? recentAny : undefined;
  const failures: string[] = [];
  let expected: Expected | undefined;
  try {
    expected = await expectedTimeout(spec, deps, settings.clusterName);
    observation.expected = expected.value;
    observation.expectedFrom = expected.from;
  } catch (error) {
    if (isRetryable(error)) throw error;
    failures.push(describeError(error));
  }
  const expectedContext = {
    expected: expected?.value,
    expectedFrom: expected?.from,
    expectedSetting: expected?.setting,
  };

  try {
    const url = spec.url ?? (await deps.sqs.queueUrl(v.queue));
    const read = url === undefined ? undefined : await deps.sqs.attributes(url);
    if (recent?.deleted) {
      v.found('QueueMissing', 'critical', `queue ${v.queue} was deleted (${recent.label})`, {
        queueUrl: url,
        ...expectedContext,
      });
    } else if ((url === undefined || read === undefined) && recent?.created) {
      // Created moments ago: the read has not caught up. No verdict on its existence.
      if (recent.visibilityTimeout !== undefined) {
        checkTimeout(spec, v, observation, expected, expectedContext, {
          actual: recent.visibilityTimeout,
          actualFrom: recent.label,
          queueUrl: url ?? recent.queueUrl,
        });
      }
    } else if (url === undefined || read === undefined) {
      v.found('QueueMissing', 'critical', `queue ${v.queue} does not exist`, {
        queueUrl: url,
        ...expectedContext,
      });
    } else {
      v.clear('QueueMissing');
      const fromCall = recent?.visibilityTimeout;
      checkTimeout(spec, v, observation, expected, expectedContext, {
        actual: fromCall ?? read.visibilityTimeout,
        actualFrom: fromCall === undefined ? undefined : recent?.label,
        queueUrl: url,
        queueArn: read.arn,
      });
    }
    if (spec.deadLetterQueue) await checkDeadLetter(spec, spec.deadLetterQueue, deps, v, recentAny);
  } catch (error) {
    if (isRetryable(error)) throw error;
    failures.push(describeError(error));
  }

  if (failures.length > 0) {
    v.found('CheckFailed', 'warning', `could not check queue ${v.queue}: ${failures.join('; ')}`);
  } else v.clear('CheckFailed');
  return observation;
}

/** Drift from the expected value, and a timeout not above the longest task. */
function checkTimeout(
  spec: QueueSpec,
  v: Verdicts,
  observation: QueueObservation,
  expected: Expected | undefined,
  expectedContext: Partial<Finding>,
  seen: { actual: number; actualFrom?: string; queueUrl?: string; queueArn?: string },
): void {
  const { actual, actualFrom } = seen;
  observation.queueUrl = seen.queueUrl;
  observation.actual = actual;
  if (actualFrom) observation.actualFrom = actualFrom;
  const context: Partial<Finding> = { queueUrl: seen.queueUrl, queueArn: seen.queueArn, actual, actualFrom };
  const set = actualFrom ? ` (set by ${actualFrom})` : '';
  // A value taken from a call rather than a read opens episodes but does not end them: a read
  // may still show the old value, and ending the episode now would let that read reopen it.
  const clear = (kind: FindingKind) => {
    if (!actualFrom) v.clear(kind);
  };
  if (expected) {
    if (actual !== expected.value) {
      v.found(
        'VisibilityTimeoutDrift',
        'critical',
        `VisibilityTimeout is ${actual} s${set} but the app expects ${expected.value} s (${expected.from})`,
        { ...context, ...expectedContext },
      );
    } else clear('VisibilityTimeoutDrift');
  }
  if (spec.longestTaskSeconds !== undefined) {
    if (actual <= spec.longestTaskSeconds) {
      v.found(
        'TimeoutBelowLongestTask',
        'critical',
        `VisibilityTimeout ${actual} s${set} does not exceed the longest task (${spec.longestTaskSeconds} s): ` +
          'tasks still running when it expires are delivered twice',
        { ...context, ...expectedContext, longestTaskSeconds: spec.longestTaskSeconds },
      );
    } else clear('TimeoutBelowLongestTask');
  }
}

async function checkDeadLetter(
  spec: QueueSpec,
  dlq: string,
  deps: QueueDriftDeps,
  v: Verdicts,
  recentAny: RecentCall | undefined,
): Promise<void> {
  const name = dlqName(dlq);
  const recent = recentAny?.queue === name ? recentAny : undefined;
  const url = isQueueUrl(dlq) ? dlq : await deps.sqs.queueUrl(dlq);
  const attributes = url === undefined ? undefined : await deps.sqs.attributes(url);
  if (recent?.deleted || ((url === undefined || attributes === undefined) && !recent?.created)) {
    v.found(
      'QueueMissing',
      'critical',
      recent?.deleted
        ? `dead-letter queue ${name} of ${v.queue} was deleted (${recent.label})`
        : `dead-letter queue ${name} of ${v.queue} does not exist`,
      { queue: name, queueUrl: url, deadLetterOf: v.queue },
    );
    return;
  }
  if (url === undefined || attributes === undefined) return; // created moments ago: no verdict yet
  v.clear('QueueMissing', name);
  // In-flight messages are dead letters someone is receiving (a consumer, the console's poll,
  // a redrive), delayed ones arrive soon: both are still in the queue.
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
  const counts: MessageCounts = {
    visible: attributes.approximateMessages,
    inFlight: attributes.approximateMessagesNotVisible,
    delayed: attributes.approximateMessagesDelayed,
  };
  const depth = counts.visible + counts.inFlight + counts.delayed;
  if (depth > spec.deadLetterThreshold) {
    v.found(
      'DeadLetterMessages',
      'warning',
      deadLetterMessage(name, depth, counts, spec.deadLetterThreshold),
      {
        deadLetterQueue: name,
        deadLetterDepth: depth,
        deadLetterCounts: counts,
        queueUrl: url,
        queueArn: attributes.arn,
      },
    );
  } else v.clear('DeadLetterMessages');
}

function deadLetterMessage(name: string, depth: number, counts: MessageCounts, threshold: number): string {
  const parts = [
    counts.visible > 0 ? `${counts.visible} visible` : '',
    counts.inFlight > 0 ? `${counts.inFlight} in flight` : '',
    counts.delayed > 0 ? `${counts.delayed} delayed` : '',
  ].filter(Boolean);
  const breakdown = parts.length > 1 || counts.visible === 0 ? ` (${parts.join(', ')})` : '';
  const limit = threshold > 0 ? `, more than the threshold of ${threshold}` : '';
  return `dead-letter queue ${name} holds ${plural(depth, 'message')}${breakdown}${limit}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Queues with the app's prefix that no configuration names: what Celery creates when names drift. */
async function checkUnexpected(
  prefix: string,
  watched: Set<string>,
  deps: QueueDriftDeps,
  findings: Finding[],
  recent: RecentCall | undefined,
): Promise<boolean> {
  let urls: string[];
  try {
    urls = await deps.sqs.listQueueUrls(prefix);
  } catch (error) {
    if (isRetryable(error)) throw error;
    const queue = `${prefix}*`;
    findings.push({
      key: episodeKey(queue, 'CheckFailed'),
      kind: 'CheckFailed',
      queue,
      severity: 'warning',
      message: `could not list queues with prefix ${prefix}: ${describeError(error)}`,
    });
    return false;
  }
  for (const url of urls) {
    const name = nameFromQueueUrl(url);
    if (watched.has(name)) continue;
    // Deleted moments ago: ListQueues may still list it for up to 60 s.
    if (recent?.deleted && recent.queue === name) continue;
    findings.push({
      key: episodeKey(name, 'UnexpectedQueue'),
      kind: 'UnexpectedQueue',
      queue: name,
      severity: 'warning',
      queueUrl: url,
      message: `queue ${name} has the app's prefix ${prefix} but is not configured: a worker or producer may use a drifted queue name`,
    });
  }
  return true;
}

async function remediate(finding: Finding, deps: QueueDriftDeps, dryRun: boolean): Promise<Remediation> {
  const url = finding.queueUrl ?? '';
  const to = finding.expected ?? APP_DEFAULT_VISIBILITY_TIMEOUT;
  const call = `sqs:SetQueueAttributes QueueUrl=${url || '(unknown)'} Attributes.VisibilityTimeout=${to}`;
  if (!url)
    return { call, to, outcome: 'failed', error: `the URL of queue ${finding.queue} is not known yet` };
  if (dryRun) return { call, to, outcome: 'dry-run' };
  try {
    await deps.sqs.setVisibilityTimeout(url, to);
    return { call, to, outcome: 'applied' };
  } catch (error) {
    if (isRetryable(error)) throw error;
    return { call, to, outcome: 'failed', error: describeError(error) };
  }
}

function dlqName(nameOrUrl: string): string {
  return isQueueUrl(nameOrUrl) ? nameFromQueueUrl(nameOrUrl) : nameOrUrl;
}

/** One invocation: check, emit the run's metrics, log what was decided and done. */
export async function runQueueDrift(
  trigger: Trigger,
  deps: QueueDriftDeps,
  settings: QueueDriftSettings,
): Promise<DriftReport> {
  const report = await detectDrift(trigger, deps, settings);
  deps.metrics.run(report);
  for (const f of report.findings) {
    if (f.remediation?.outcome === 'dry-run') {
      deps.log.warn(`DRY_RUN: would call ${f.remediation.call}`, { queue: f.queue });
    }
  }
  deps.log.info('queue drift check', {
    trigger,
    findings: report.findings.map((f) => ({ queue: f.queue, kind: f.kind, message: f.message })),
    opened: report.episodes.opened,
    resolved: report.episodes.resolved,
    ongoing: report.episodes.ongoing,
    episodeStore: report.episodeStore,
  });
  return report;
}
