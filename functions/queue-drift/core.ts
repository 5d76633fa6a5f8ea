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
  actual?: number;
  longestTaskSeconds?: number;
  deadLetterQueue?: string;
  deadLetterDepth?: number;
  remediation?: Remediation;
}

export interface Remediation {
  /** The exact call, e.g. `sqs:SetQueueAttributes QueueUrl=... VisibilityTimeout=360`. */
  call: string;
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
  for (const spec of settings.queues) {
    const verdicts = new Verdicts(queueName(spec), findings, evaluated);
    observations.push(await checkQueue(spec, deps, settings, verdicts));
  }
  let listedUnexpected = !settings.queuePrefix;
  if (settings.queuePrefix) {
    listedUnexpected = await checkUnexpected(settings.queuePrefix, watched, deps, findings);
  }

  for (const finding of findings) {
    const spec = settings.queues.find((q) => queueName(q) === finding.queue);
    if (finding.kind === 'VisibilityTimeoutDrift' && spec?.remediate) {
      finding.remediation = await remediate(finding, deps, settings.dryRun);
    }
  }

  const isEvaluated = (episode: Episode): boolean => {
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

async function checkQueue(
  spec: QueueSpec,
  deps: QueueDriftDeps,
  settings: QueueDriftSettings,
  v: Verdicts,
): Promise<QueueObservation> {
  const observation: QueueObservation = { queue: v.queue };
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

  try {
    const url = spec.url ?? (await deps.sqs.queueUrl(v.queue));
    const attributes = url === undefined ? undefined : await deps.sqs.attributes(url);
    if (url === undefined || attributes === undefined) {
      v.found('QueueMissing', 'critical', `queue ${v.queue} does not exist`, {
        queueUrl: url,
        expected: expected?.value,
        expectedFrom: expected?.from,
      });
    } else {
      v.clear('QueueMissing');
      observation.queueUrl = url;
      observation.actual = attributes.visibilityTimeout;
      const actual = attributes.visibilityTimeout;
      const context = { queueUrl: url, queueArn: attributes.arn, actual };
      if (expected) {
        if (actual !== expected.value) {
          v.found(
            'VisibilityTimeoutDrift',
            'critical',
            `VisibilityTimeout is ${actual} s but the app expects ${expected.value} s (${expected.from})`,
            { ...context, expected: expected.value, expectedFrom: expected.from },
          );
        } else v.clear('VisibilityTimeoutDrift');
      }
      if (spec.longestTaskSeconds !== undefined) {
        if (actual <= spec.longestTaskSeconds) {
          v.found(
            'TimeoutBelowLongestTask',
            'critical',
            `VisibilityTimeout ${actual} s does not exceed the longest task (${spec.longestTaskSeconds} s): ` +
              'tasks still running when it expires are delivered twice',
            { ...context, longestTaskSeconds: spec.longestTaskSeconds },
          );
        } else v.clear('TimeoutBelowLongestTask');
      }
    }
    if (spec.deadLetterQueue) await checkDeadLetter(spec, spec.deadLetterQueue, deps, v);
  } catch (error) {
    if (isRetryable(error)) throw error;
    failures.push(describeError(error));
  }

  if (failures.length > 0) {
    v.found('CheckFailed', 'warning', `could not check queue ${v.queue}: ${failures.join('; ')}`);
  } else v.clear('CheckFailed');
  return observation;
}

async function checkDeadLetter(
  spec: QueueSpec,
  dlq: string,
  deps: QueueDriftDeps,
  v: Verdicts,
): Promise<void> {
  const name = dlqName(dlq);
  const url = isQueueUrl(dlq) ? dlq : await deps.sqs.queueUrl(dlq);
  const attributes = url === undefined ? undefined : await deps.sqs.attributes(url);
  if (url === undefined || attributes === undefined) {
    v.found('QueueMissing', 'critical', `dead-letter queue ${name} of ${v.queue} does not exist`, {
      queue: name,
      queueUrl: url,
    });
    return;
  }
  v.clear('QueueMissing', name);
  if (attributes.approximateMessages > spec.deadLetterThreshold) {
    v.found(
      'DeadLetterMessages',
      'warning',
      `dead-letter queue ${name} holds ${attributes.approximateMessages} message(s)` +
        (spec.deadLetterThreshold > 0 ? ` (threshold ${spec.deadLetterThreshold})` : ''),
      {
        deadLetterQueue: name,
        deadLetterDepth: attributes.approximateMessages,
        queueUrl: url,
        queueArn: attributes.arn,
      },
    );
  } else v.clear('DeadLetterMessages');
}

/** Queues with the app's prefix that no configuration names: what Celery creates when names drift. */
async function checkUnexpected(
  prefix: string,
  watched: Set<string>,
  deps: QueueDriftDeps,
  findings: Finding[],
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
  const call = `sqs:SetQueueAttributes QueueUrl=${url} Attributes.VisibilityTimeout=${to}`;
  if (dryRun) return { call, outcome: 'dry-run' };
  try {
    await deps.sqs.setVisibilityTimeout(url, to);
    return { call, outcome: 'applied' };
  } catch (error) {
    if (isRetryable(error)) throw error;
    return { call, outcome: 'failed', error: describeError(error) };
  }
}

function dlqName(nameOrUrl: string): string {
  return isQueueUrl(nameOrUrl) ? nameFromQueueUrl(nameOrUrl) : nameOrUrl;
}
