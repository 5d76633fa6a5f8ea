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

/** What a person does next, with the real queue, values and setting names filled in. */
function nextSteps(f: Finding): string[] {
  switch (f.kind) {
    case 'VisibilityTimeoutDrift': {
      const steps = [
        f.expected === undefined
          ? 'Set the queue VisibilityTimeout to the value the app expects, on the queue itself or in the stack that owns it.'
          : `Set the queue back (Celery/kombu never updates an existing queue): \`${setCommand(f, f.expected)}\`, ` +
            'or in the stack that owns the queue.',
      ];
      if (f.actual !== undefined && f.expectedSetting) {
        steps.push(`Or, if ${f.actual} s is the right value, change ${f.expectedSetting} to ${f.actual}.`);
      }
      return steps;
    }
    case 'QueueMissing':
      return f.deadLetterOf
        ? [
            `Create the dead-letter queue ${f.queue}, or change deadLetterQueue of ${f.deadLetterOf} in the ` +
              'queueDrift configuration: without it, failing messages are retried until their retention period ends.',
          ]
        : [
            `Create ${f.queue}${f.expected === undefined ? '' : ` with VisibilityTimeout=${f.expected}`} before workers ` +
              'start: a worker without sqs:CreateQueue fails, and one with it creates the queue with kombu defaults.',
          ];
    case 'UnexpectedQueue':
      return [
        'Check which worker or producer uses this queue name (queue_name_prefix / task routes).',
        'Delete it once nothing uses it, or add it to the queueDrift configuration.',
      ];
    case 'TimeoutBelowLongestTask': {
      const above =
        f.longestTaskSeconds === undefined ? 'above the longest task' : `above ${f.longestTaskSeconds} s`;
      return [
        `Raise the queue VisibilityTimeout ${above}` +
          (f.expectedSetting ? `, and ${f.expectedSetting} with it,` : '') +
          ' or shorten the longest task time limit or ETA.',
      ];
    }
    case 'DeadLetterMessages': {
      const steps = [
        `Inspect the messages in ${f.deadLetterQueue ?? f.queue}, fix the failing task, then redrive them to the source queue.`,
      ];
      if (f.deadLetterCounts && f.deadLetterCounts.inFlight > 0) {
        steps.push(
          'Messages in flight are being received right now (a consumer, a redrive or a console poll).',
        );
      }
      return steps;
    }
    case 'CheckFailed':
      return ['Fix the permission or configuration named in the message; the check retries every run.'];
  }
}

/** The AWS CLI call that sets the queue's VisibilityTimeout. */
function setCommand(f: Finding, seconds: number): string {
  const url =
    f.queueUrl ?? `"$(aws sqs get-queue-url --queue-name ${f.queue} --query QueueUrl --output text)"`;
  return `aws sqs set-queue-attributes --queue-url ${url} --attributes VisibilityTimeout=${seconds}`;
}

/** The notification that opens an episode. */
export function openedNotice(finding: Finding, trigger: Trigger, settings: QueueDriftSettings): Notification {
  const remediated = finding.remediation?.outcome === 'applied';
  const facts: Notification['facts'] = [
    ['Queue', finding.queue],
    ['Finding', finding.kind],
    ['Expected VisibilityTimeout', seconds(finding.expected)],
    ['Expected from', finding.expectedFrom],
    ['Actual VisibilityTimeout', seconds(finding.actual)],
    [
      'Actual from',
      finding.actualFrom ? `${finding.actualFrom} (a read may show the old value for up to 60 s)` : undefined,
    ],
    ['Longest task', seconds(finding.longestTaskSeconds)],
    ['Dead-letter queue of', finding.deadLetterOf],
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
    const by = trigger.actor ? ` by ${trigger.actor}` : '';
    const failed = trigger.errorCode ? ` (failed: ${trigger.errorCode}, nothing changed)` : '';
    facts.push(['Triggered by', `${trigger.eventName}${by}${failed}`]);
    facts.push(['Call time', trigger.time]);
  }
  const summary = remediated
    ? `${sentence(finding.message)} Remediated: VisibilityTimeout set back to ${finding.remediation!.to} s.`
    : sentence(finding.message);
  return {
    title: `${finding.queue}: ${TITLE[finding.kind]}${remediated ? ' (remediated)' : ''}`,
    severity: remediated ? 'warning' : finding.severity,
    eventType: 'QueueDrift',
    summary,
    facts,
    nextSteps: remediated ? ['Find what changed the attribute, or it will drift again.'] : nextSteps(finding),
    links: finding.queueUrl ? [{ label: 'Queue', url: sqsQueueUrl(settings.region, finding.queueUrl) }] : [],
    keywords: ['sqs', 'queue-drift', finding.kind],
    threadId: `queue-drift/${finding.key}`,
    relatedResources: finding.queueArn ? [finding.queueArn] : undefined,
  };
}

/** The notification that closes an episode. */
export function resolvedNotice(episode: Episode, now: Date, _settings: QueueDriftSettings): Notification {
  const opened = Date.parse(episode.openedAt);
  const minutes = Math.max(0, Math.round((now.getTime() - opened) / 60_000));
  const after = Number.isFinite(opened) ? ` after ${minutes} min` : '';
  const was = episode.summary.trim() ? ` It was: ${sentence(episode.summary)}` : '';
  return {
    title: `${episode.queue || 'unknown queue'}: resolved, ${TITLE[episode.kind] ?? episode.kind}`,
    severity: 'resolved',
    eventType: 'QueueDriftResolved',
    summary: `No longer observed${after}.${was}`,
    facts: [
      ['Queue', episode.queue || undefined],
      ['Finding', episode.kind],
      ['Opened at', Number.isFinite(opened) ? episode.openedAt : undefined],
      ['Resolved at', now.toISOString()],
    ],
    keywords: ['sqs', 'queue-drift', episode.kind],
    threadId: `queue-drift/${episode.key}`,
  };
}

/** A message as one sentence: trimmed, ending with exactly one full stop. */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function seconds(value: number | undefined): string | undefined {
  return value === undefined ? undefined : `${value} s`;
}
