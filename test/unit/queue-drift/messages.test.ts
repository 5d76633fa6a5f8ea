/**
 * The words a person reads, for every finding kind, with full and with missing or odd fields:
 * no "undefined", no placeholders, no broken sentences.
 */
import type { Finding } from '../../../functions/queue-drift/core';
import { openedNotice, resolvedNotice } from '../../../functions/queue-drift/messages';
import type { Episode, FindingKind } from '../../../functions/queue-drift/ports';
import type { Trigger } from '../../../functions/queue-drift/schema';
import { formatEmail } from '../../../shared/notify/format';
import type { Notification } from '../../../shared/notify';
import { settings, URL_BASE } from '../../helpers/queue-drift/fakes';

const config = settings([]);
const KINDS: FindingKind[] = [
  'VisibilityTimeoutDrift',
  'QueueMissing',
  'UnexpectedQueue',
  'TimeoutBelowLongestTask',
  'DeadLetterMessages',
  'CheckFailed',
];

/** A finding with only the fields every finding has. */
const bare = (kind: FindingKind, queue = 'celery'): Finding => ({
  key: `${queue}#${kind}`,
  kind,
  queue,
  severity: 'warning',
  message: `${kind} on ${queue}`,
});

function expectReadable(n: Notification): void {
  const text = [formatEmail(n, 'dev'), ...(n.nextSteps ?? [])].join('\n');
  expect(text).not.toMatch(/undefined|NaN|null|\[object|<expected>|<[a-z]+>/);
  expect(text).not.toMatch(/ \.|\.\.(?!\.)| ,|,,|\( |\(\)|: \.|by \(/);
  for (const step of n.nextSteps ?? []) expect(step).toMatch(/[.)`]$/);
  expect(n.summary).toMatch(/[.]$/);
}

const timeline = (overrides: Partial<Extract<Trigger, { kind: 'cloudtrail' }>> = {}): Trigger => ({
  kind: 'cloudtrail',
  eventName: 'SetQueueAttributes',
  queue: 'celery',
  ...overrides,
});

describe('opened notices read well with missing fields', () => {
  it.each(KINDS)('%s with only the required fields', (kind) => {
    expectReadable(openedNotice(bare(kind), { kind: 'schedule' }, config));
  });

  it.each(KINDS)('%s triggered by a CloudTrail call that names no caller or time', (kind) => {
    const n = openedNotice(bare(kind), timeline(), config);
    expectReadable(n);
    expect(n.facts).toContainEqual(['Triggered by', 'SetQueueAttributes']);
  });

  it('a failed call that triggered the run says it changed nothing', () => {
    const n = openedNotice(
      bare('VisibilityTimeoutDrift'),
      timeline({ actor: 'cloudformation.amazonaws.com', errorCode: 'AccessDenied' }),
      config,
    );
    expect(n.facts).toContainEqual([
      'Triggered by',
      'SetQueueAttributes by cloudformation.amazonaws.com (failed: AccessDenied, nothing changed)',
    ]);
  });
});

describe('next steps carry the real values', () => {
  const drift: Finding = {
    ...bare('VisibilityTimeoutDrift', 'app-celery.fifo'),
    severity: 'critical',
    message:
      'VisibilityTimeout is 30 s but the app expects 900 s (CELERY_VT in app-worker:42, container worker)',
    queueUrl: URL_BASE + 'app-celery.fifo',
    expected: 900,
    actual: 30,
    expectedFrom: 'CELERY_VT in app-worker:42, container worker',
    expectedSetting: 'CELERY_VT in the task definition of service worker',
  };

  it('VisibilityTimeoutDrift: the exact CLI call with the queue URL and expected value, and the setting to change instead', () => {
    const n = openedNotice(drift, { kind: 'schedule' }, config);

    expectReadable(n);
    expect(n.nextSteps).toEqual([
      'Set the queue back (Celery/kombu never updates an existing queue): ' +
        `\`aws sqs set-queue-attributes --queue-url ${URL_BASE}app-celery.fifo --attributes VisibilityTimeout=900\`, ` +
        'or in the stack that owns the queue.',
      'Or, if 30 s is the right value, change CELERY_VT in the task definition of service worker to 30.',
    ]);
  });

  it('without a queue URL, the CLI call looks the URL up by name', () => {
    const n = openedNotice({ ...drift, queueUrl: undefined }, { kind: 'schedule' }, config);

    expectReadable(n);
    expect(n.nextSteps![0]).toContain(
      'aws sqs set-queue-attributes --queue-url "$(aws sqs get-queue-url --queue-name app-celery.fifo --query QueueUrl --output text)" --attributes VisibilityTimeout=900',
    );
  });

  it('a missing dead-letter queue names the queue it serves', () => {
    const n = openedNotice(
      { ...bare('QueueMissing', 'celery-dlq'), deadLetterOf: 'celery' },
      { kind: 'schedule' },
      config,
    );

    expectReadable(n);
    expect(n.nextSteps![0]).toMatch(
      /^Create the dead-letter queue celery-dlq, or change deadLetterQueue of celery/,
    );
  });

  it('remediated: the summary says the value set', () => {
    const n = openedNotice(
      {
        ...drift,
        remediation: {
          outcome: 'applied',
          to: 900,
          call: `sqs:SetQueueAttributes QueueUrl=${drift.queueUrl} ...`,
        },
      },
      { kind: 'schedule' },
      config,
    );
    expect(n.summary).toBe(`${drift.message}. Remediated: VisibilityTimeout set back to 900 s.`);
  });

  it('a value from a fresh CloudTrail call says reads may lag', () => {
    const n = openedNotice(
      { ...drift, actualFrom: 'SetQueueAttributes at 2026-11-24T03:02:09Z' },
      { kind: 'schedule' },
      config,
    );
    expectReadable(n);
    expect(n.facts).toContainEqual([
      'Actual from',
      'SetQueueAttributes at 2026-11-24T03:02:09Z (a read may show the old value for up to 60 s)',
    ]);
  });
});

describe('resolved notices', () => {
  const episode: Episode = {
    key: 'celery#VisibilityTimeoutDrift',
    queue: 'celery',
    kind: 'VisibilityTimeoutDrift',
    openedAt: '2026-11-24T02:00:00Z',
    summary: 'VisibilityTimeout is 30 s but the app expects 360 s (configured)',
  };
  const now = new Date('2026-11-24T03:00:00Z');

  it('say how long the episode lasted and what it was', () => {
    expect(resolvedNotice(episode, now, config).summary).toBe(
      'No longer observed after 60 min. It was: VisibilityTimeout is 30 s but the app expects 360 s (configured).',
    );
  });

  it.each([
    ['an unreadable opening time', { openedAt: 'yesterday' }, 'No longer observed. It was: '],
    ['an empty summary', { summary: '' }, 'No longer observed after 60 min.'],
    [
      'a summary ending with a full stop',
      { summary: 'gone.' },
      'No longer observed after 60 min. It was: gone.',
    ],
  ])('read well with %s (an item written by an older version)', (_label, odd, start) => {
    const n = resolvedNotice({ ...episode, ...odd }, now, config);
    expectReadable(n);
    expect(n.summary.startsWith(start)).toBe(true);
  });
});
