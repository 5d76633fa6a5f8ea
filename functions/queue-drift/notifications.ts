import { sqsQueueUrl } from '../../shared/links';
import type { Notification } from '../../shared/notify';
import type { Finding } from './core';
import type { Episode, FindingKind } from './ports';
import type { QueueDriftSettings, Trigger } from './schema';

const TITLE: Record<FindingKind, string> = {
  VisibilityTimeoutDrift: 'VisibilityTimeout drifted from the app setting',
  QueueMissing: 'queue does not exist',
  UnexpectedQueue: 'unexpected queue with the app prefix',
  TimeoutBelowLongestTask: 'VisibilityTimeout not above the longest task',
  DeadLetterMessages: 'messages in the dead-letter queue',
  CheckFailed: 'drift check failed',
};

const NEXT_STEPS: Record<FindingKind, string[]> = {
  VisibilityTimeoutDrift: [
    'Celery/kombu never updates an existing queue: set the attribute on the queue itself ' +
      '(`aws sqs set-queue-attributes --attributes VisibilityTimeout=<expected>`) or in the stack that owns it.',
    'Or change SQS_QUEUE_VISIBILITY_TIMEOUT in the task definition if the queue value is the right one.',
  ],
  QueueMissing: [
    'Create the queue with the expected VisibilityTimeout before workers start: a worker without ' +
      'sqs:CreateQueue fails, and one with it creates the queue with kombu defaults.',
  ],
  UnexpectedQueue: [
    'Check which worker or producer uses this queue name (queue_name_prefix / task routes).',
    'Delete it once nothing uses it, or add it to the queueDrift configuration.',
  ],
  TimeoutBelowLongestTask: [
    'Raise the queue VisibilityTimeout (and SQS_QUEUE_VISIBILITY_TIMEOUT) above the longest task time limit or ETA.',
  ],
  DeadLetterMessages: ['Inspect the messages, fix the failing task, then redrive them to the source queue.'],
  CheckFailed: ['Fix the permission or configuration named in the message; the check retries every run.'],
};

/** The notification that opens an episode. */
export function openedNotice(finding: Finding, trigger: Trigger, settings: QueueDriftSettings): Notification {
  const remediated = finding.remediation?.outcome === 'applied';
  const facts: Notification['facts'] = [
    ['Queue', finding.queue],
    ['Finding', finding.kind],
    ['Expected VisibilityTimeout', seconds(finding.expected)],
    ['Expected from', finding.expectedFrom],
    ['Actual VisibilityTimeout', seconds(finding.actual)],
    ['Longest task', seconds(finding.longestTaskSeconds)],
    ['Dead-letter queue', finding.deadLetterQueue],
    ['Dead-letter messages', finding.deadLetterDepth],
    ['Queue URL', finding.queueUrl],
  ];
  if (finding.remediation) {
    const r = finding.remediation;
    const label = { applied: 'applied', 'dry-run': 'DRY RUN, not applied', failed: 'FAILED' }[r.outcome];
    facts.push(['Remediation', `${label}: ${r.call}${r.error ? ` (${r.error})` : ''}`]);
  }
  if (trigger.kind === 'cloudtrail' && (trigger.queue === undefined || trigger.queue === finding.queue)) {
    facts.push(['Triggered by', `${trigger.eventName}${trigger.actor ? ` by ${trigger.actor}` : ''}`]);
    facts.push(['Call time', trigger.time]);
  }
  const summary = remediated
    ? `${finding.message}. Remediated: VisibilityTimeout set back to ${finding.expected} s.`
    : `${finding.message}.`;
  return {
    title: `${finding.queue}: ${TITLE[finding.kind]}${remediated ? ' (remediated)' : ''}`,
    severity: remediated ? 'warning' : finding.severity,
    eventType: 'QueueDrift',
    summary,
    facts,
    nextSteps: remediated
      ? ['Find what changed the attribute, or it will drift again.']
      : NEXT_STEPS[finding.kind],
    links: finding.queueUrl ? [{ label: 'Queue', url: sqsQueueUrl(settings.region, finding.queueUrl) }] : [],
    keywords: ['sqs', 'queue-drift', finding.kind],
    threadId: `queue-drift/${finding.key}`,
    relatedResources: finding.queueArn ? [finding.queueArn] : undefined,
  };
}

/** The notification that closes an episode. */
export function resolvedNotice(episode: Episode, now: Date, _settings: QueueDriftSettings): Notification {
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(episode.openedAt)) / 60_000));
  return {
    title: `${episode.queue}: resolved, ${TITLE[episode.kind]}`,
    severity: 'resolved',
    eventType: 'QueueDriftResolved',
    summary: `No longer observed after ${Number.isFinite(minutes) ? minutes : '?'} min. It was: ${episode.summary}.`,
    facts: [
      ['Queue', episode.queue],
      ['Finding', episode.kind],
      ['Opened at', episode.openedAt],
      ['Resolved at', now.toISOString()],
    ],
    keywords: ['sqs', 'queue-drift', episode.kind],
    threadId: `queue-drift/${episode.key}`,
  };
}

function seconds(value: number | undefined): string | undefined {
  return value === undefined ? undefined : `${value} s`;
}
