import { detectDrift } from '../../../functions/queue-drift/core';
import type { Trigger } from '../../../functions/queue-drift/schema';
import { PermanentError, RetryableError } from '../../../shared/errors';
import { fakeDeps, settings, URL_BASE } from '../../helpers/queue-drift/fakes';

const schedule: Trigger = { kind: 'schedule' };
const kinds = (r: { findings: Array<{ queue: string; kind: string }> }) =>
  r.findings.map((f) => `${f.queue}:${f.kind}`);

describe('detectDrift findings', () => {
  it('reports VisibilityTimeout drift with the expected and actual values', async () => {
    const { deps, sqs } = fakeDeps();
    sqs.add('celery', 30);

    const report = await detectDrift(
      schedule,
      deps,
      settings([{ name: 'celery', expectedVisibilityTimeout: 360 }]),
    );

    expect(report.findings).toEqual([
      expect.objectContaining({
        kind: 'VisibilityTimeoutDrift',
        queue: 'celery',
        expected: 360,
        actual: 30,
        expectedFrom: 'configured',
        message: 'VisibilityTimeout is 30 s but the app expects 360 s (configured)',
      }),
    ]);
    expect(report.observations).toEqual([
      {
        queue: 'celery',
        queueUrl: URL_BASE + 'celery',
        expected: 360,
        expectedFrom: 'configured',
        actual: 30,
      },
    ]);
  });

  it('expects the app default of 360 s when neither a value nor a source is configured', async () => {
    const { deps, sqs } = fakeDeps();
    sqs.add('celery', 1800);

    const report = await detectDrift(schedule, deps, settings([{ name: 'celery' }]));

    expect(report.findings[0]).toMatchObject({ kind: 'VisibilityTimeoutDrift', expected: 360, actual: 1800 });
  });

  it('finds nothing for a queue that matches', async () => {
    const { deps, sqs, notifier } = fakeDeps();
    sqs.add('celery', 360);

    const report = await detectDrift(
      schedule,
      deps,
      settings([{ name: 'celery', expectedVisibilityTimeout: 360 }]),
    );

    expect(report.findings).toEqual([]);
    expect(notifier.sent).toEqual([]);
  });

  it('reports a missing queue, by name and by URL', async () => {
    const { deps } = fakeDeps();

    const report = await detectDrift(
      schedule,
      deps,
      settings([{ name: 'celery' }, { url: URL_BASE + 'celery-priority', expectedVisibilityTimeout: 60 }]),
    );

    expect(kinds(report)).toEqual(['celery:QueueMissing', 'celery-priority:QueueMissing']);
  });

  it('reports queues with the app prefix that nobody configured, not the configured ones or their DLQs', async () => {
    const { deps, sqs } = fakeDeps();
    sqs.add('app-celery', 360).add('app-celery-dlq', 360).add('app-default', 1800).add('other-x', 30);

    const report = await detectDrift(
      schedule,
      deps,
      settings([{ name: 'app-celery', deadLetterQueue: 'app-celery-dlq' }], { queuePrefix: 'app-' }),
    );

    expect(kinds(report)).toEqual(['app-default:UnexpectedQueue']);
    expect(report.findings[0]!.message).toContain("has the app's prefix app-");
  });

  it('reports a timeout that does not exceed the longest task time limit', async () => {
    const { deps, sqs } = fakeDeps();
    sqs.add('celery', 360);

    const report = await detectDrift(
      schedule,
      deps,
      settings([{ name: 'celery', expectedVisibilityTimeout: 360, longestTaskSeconds: 600 }]),
    );

    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'TimeoutBelowLongestTask', actual: 360, longestTaskSeconds: 600 }),
    ]);
  });

  it('reports messages in the dead-letter queue above the threshold, and a missing DLQ', async () => {
    const { deps, sqs } = fakeDeps();
    sqs.add('a', 360).add('a-dlq', 360, 3).add('b', 360).add('b-dlq', 360, 3);

    const report = await detectDrift(
      schedule,
      deps,
      settings([
        { name: 'a', deadLetterQueue: 'a-dlq' },
        { name: 'b', deadLetterQueue: URL_BASE + 'b-dlq', deadLetterThreshold: 5 },
        { name: 'c', deadLetterQueue: 'c-dlq' },
      ]),
    );

    expect(kinds(report)).toEqual(['a:DeadLetterMessages', 'c:QueueMissing', 'c-dlq:QueueMissing']);
    expect(report.findings[0]).toMatchObject({ deadLetterQueue: 'a-dlq', deadLetterDepth: 3 });
  });
});

describe('expected value from the ECS task definition', () => {
  const td = (env: Record<string, string>, name = 'worker') => ({
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app-worker:42',
    containers: [
      { name: 'log-router', environment: {} },
      { name, environment: env },
    ],
  });

  it("uses SQS_QUEUE_VISIBILITY_TIMEOUT of the first container that sets it, in the stage's cluster", async () => {
    const { deps, sqs, ecs } = fakeDeps();
    sqs.add('celery', 360);
    ecs.set('django-app', 'worker', td({ SQS_QUEUE_VISIBILITY_TIMEOUT: '900' }));

    const report = await detectDrift(
      schedule,
      deps,
      settings([{ name: 'celery', source: { service: 'worker' } }]),
    );

    expect(ecs.calls).toEqual([['django-app', 'worker']]);
    expect(report.findings[0]).toMatchObject({
      kind: 'VisibilityTimeoutDrift',
      expected: 900,
      actual: 360,
      expectedFrom: 'SQS_QUEUE_VISIBILITY_TIMEOUT in app-worker:42, container worker',
    });
  });

  it('falls back to 360 s when no container sets the variable', async () => {
    const { deps, sqs, ecs } = fakeDeps();
    sqs.add('celery', 360);
    ecs.set('other', 'worker', td({ DJANGO_SETTINGS_MODULE: 'app.settings' }));

    const report = await detectDrift(
      schedule,
      deps,
      settings([{ name: 'celery', source: { service: 'worker', cluster: 'other' } }]),
    );

    expect(report.findings).toEqual([]);
    expect(report.observations[0]).toMatchObject({
      expected: 360,
      expectedFrom: 'SQS_QUEUE_VISIBILITY_TIMEOUT unset in app-worker:42, app default',
    });
  });

  it('reads a custom variable of a named container', async () => {
    const { deps, sqs, ecs } = fakeDeps();
    sqs.add('celery', 120);
    ecs.set('django-app', 'worker', td({ CELERY_VT: '120', SQS_QUEUE_VISIBILITY_TIMEOUT: '5' }, 'celery'));

    const report = await detectDrift(
      schedule,
      deps,
      settings([{ name: 'celery', source: { service: 'worker', container: 'celery', envVar: 'CELERY_VT' } }]),
    );

    expect(report.findings).toEqual([]);
    expect(report.observations[0]!.expected).toBe(120);
  });

  it.each([
    [{ service: 'worker', container: 'nope' }, 'container nope is not in task definition app-worker:42'],
    [
      { service: 'worker' },
      'SQS_QUEUE_VISIBILITY_TIMEOUT="6 minutes" in app-worker:42 (container worker) is not',
    ],
  ])(
    'reports a CheckFailed finding for an unusable source %j, and still checks the queue',
    async (source, message) => {
      const { deps, sqs, ecs } = fakeDeps();
      sqs.add('celery', 30);
      ecs.set('django-app', 'worker', td({ SQS_QUEUE_VISIBILITY_TIMEOUT: '6 minutes' }));

      const report = await detectDrift(
        schedule,
        deps,
        settings([{ name: 'celery', source, longestTaskSeconds: 60 }]),
      );

      expect(kinds(report)).toEqual(['celery:TimeoutBelowLongestTask', 'celery:CheckFailed']);
      expect(report.findings[1]!.message).toContain(message);
    },
  );
});

describe('errors', () => {
  it('throws errors a retry can fix, so Lambda retries the invocation', async () => {
    const { deps, sqs } = fakeDeps();
    sqs.failWith = {
      on: 'attributes',
      error: new RetryableError('sqs:GetQueueAttributes failed: Throttling'),
    };
    sqs.add('celery', 30);

    await expect(detectDrift(schedule, deps, settings([{ name: 'celery' }]))).rejects.toThrow('Throttling');
  });

  it('turns a permanent error into a CheckFailed finding and keeps checking the other queues', async () => {
    const { deps, sqs, ecs } = fakeDeps();
    sqs.add('a', 30).add('b', 30);
    ecs.failWith = new PermanentError(
      'ecs:DescribeServices django-app/worker failed: AccessDeniedException: no',
    );

    const report = await detectDrift(
      schedule,
      deps,
      settings([
        { name: 'a', source: { service: 'worker' } },
        { name: 'b', expectedVisibilityTimeout: 360 },
      ]),
    );

    expect(kinds(report)).toEqual(['a:CheckFailed', 'b:VisibilityTimeoutDrift']);
    expect(report.findings[0]!.message).toBe(
      'could not check queue a: PermanentError: ecs:DescribeServices django-app/worker failed: AccessDeniedException: no',
    );
  });

  it('reports a failed ListQueues as CheckFailed for the prefix', async () => {
    const { deps, sqs } = fakeDeps();
    sqs.failWith = {
      on: 'list',
      error: new PermanentError('sqs:ListQueues prefix app- failed: AccessDenied'),
    };

    const report = await detectDrift(schedule, deps, settings([], { queuePrefix: 'app-' }));

    expect(kinds(report)).toEqual(['app-*:CheckFailed']);
  });
});

describe('remediation', () => {
  const q = { name: 'celery', expectedVisibilityTimeout: 360 };

  it('is off by default: no SetQueueAttributes', async () => {
    const { deps, sqs } = fakeDeps();
    sqs.add('celery', 30);

    const report = await detectDrift(schedule, deps, settings([q]));

    expect(sqs.setCalls).toEqual([]);
    expect(report.findings[0]!.remediation).toBeUndefined();
  });

  it('sets the queue back to the expected value and says so in the notification', async () => {
    const { deps, sqs, notifier } = fakeDeps();
    sqs.add('celery', 30);

    const report = await detectDrift(schedule, deps, settings([{ ...q, remediate: true }]));

    expect(sqs.setCalls).toEqual([{ queueUrl: URL_BASE + 'celery', seconds: 360 }]);
    expect(report.findings[0]!.remediation).toEqual({
      outcome: 'applied',
      to: 360,
      call: `sqs:SetQueueAttributes QueueUrl=${URL_BASE}celery Attributes.VisibilityTimeout=360`,
    });
    expect(notifier.sent[0]).toMatchObject({
      title: 'celery: VisibilityTimeout drifted from the app setting (remediated)',
    });
    expect(notifier.sent[0]!.facts).toContainEqual([
      'Remediation',
      `applied: sqs:SetQueueAttributes QueueUrl=${URL_BASE}celery Attributes.VisibilityTimeout=360`,
    ]);
  });

  it('makes no call in dry run and names the call it would make', async () => {
    const { deps, sqs, notifier } = fakeDeps();
    sqs.add('celery', 30);

    const report = await detectDrift(schedule, deps, settings([{ ...q, remediate: true }], { dryRun: true }));

    expect(sqs.setCalls).toEqual([]);
    expect(report.findings[0]!.remediation).toMatchObject({ outcome: 'dry-run' });
    expect(notifier.sent[0]!.facts).toContainEqual([
      'Remediation',
      `DRY RUN, not applied: sqs:SetQueueAttributes QueueUrl=${URL_BASE}celery Attributes.VisibilityTimeout=360`,
    ]);
  });

  it('reports a refused remediation instead of failing the run', async () => {
    const { deps, sqs } = fakeDeps();
    sqs.add('celery', 30);
    sqs.failWith = { on: 'set', error: new PermanentError('sqs:SetQueueAttributes failed: AccessDenied') };

    const report = await detectDrift(schedule, deps, settings([{ ...q, remediate: true }]));

    expect(report.findings[0]!.remediation).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('AccessDenied'),
    });
  });
});

describe('episodes: one notification when drift starts, one when it ends', () => {
  const config = settings([{ name: 'celery', expectedVisibilityTimeout: 360 }]);

  it('notifies once across repeated runs, then once on resolution', async () => {
    const { deps, sqs, notifier, clock } = fakeDeps();
    sqs.add('celery', 30);

    const first = await detectDrift(schedule, deps, config);
    clock.advance(300); // runs five minutes apart, as scheduled
    const second = await detectDrift(schedule, deps, config);
    sqs.queues.get('celery')!.visibilityTimeout = 360;
    clock.advance(300);
    const third = await detectDrift(schedule, deps, config);
    clock.advance(300);
    const fourth = await detectDrift(schedule, deps, config);

    expect(first.episodes.opened).toEqual(['celery#VisibilityTimeoutDrift']);
    expect(second.episodes).toMatchObject({ opened: [], ongoing: ['celery#VisibilityTimeoutDrift'] });
    expect(third.episodes.resolved).toEqual(['celery#VisibilityTimeoutDrift']);
    expect(fourth.episodes.notified).toEqual([]);
    expect(notifier.sent.map((n) => [n.severity, n.title])).toEqual([
      ['critical', 'celery: VisibilityTimeout drifted from the app setting'],
      ['resolved', 'celery: resolved, VisibilityTimeout drifted from the app setting'],
    ]);
    expect(notifier.sent[1]!.summary).toContain(
      'It was: VisibilityTimeout is 30 s but the app expects 360 s',
    );
  });

  it('does not notify when another run already opened the episode', async () => {
    const { deps, sqs, notifier } = fakeDeps();
    sqs.add('celery', 30);
    deps.episodes.open = async () => false;

    const report = await detectDrift(schedule, deps, config);

    expect(notifier.sent).toEqual([]);
    expect(report.episodes.ongoing).toEqual(['celery#VisibilityTimeoutDrift']);
  });

  it('undoes the episode when the notification fails, so the retried run notifies', async () => {
    const { deps, sqs, notifier } = fakeDeps();
    sqs.add('celery', 30);
    notifier.failNext = true;

    await expect(detectDrift(schedule, deps, config)).rejects.toThrow('sns down');
    const retry = await detectDrift(schedule, deps, config);

    expect(retry.episodes.opened).toEqual(['celery#VisibilityTimeoutDrift']);
    expect(notifier.sent).toHaveLength(1);
  });

  it('keeps a drift episode open while the check cannot run', async () => {
    const { deps, sqs, ecs, notifier } = fakeDeps([
      {
        key: 'celery#VisibilityTimeoutDrift',
        queue: 'celery',
        kind: 'VisibilityTimeoutDrift',
        openedAt: '2026-11-24T02:00:00Z',
        summary: 'was drifted',
      },
    ]);
    sqs.add('celery', 360);
    ecs.failWith = new PermanentError('ECS service worker not found in cluster django-app (MISSING)');

    const report = await detectDrift(
      schedule,
      deps,
      settings([{ name: 'celery', source: { service: 'worker' } }]),
    );

    expect(report.episodes.resolved).toEqual([]);
    expect(report.episodes.opened).toEqual(['celery#CheckFailed']);
    expect(notifier.sent.map((n) => n.title)).toEqual(['celery: drift check failed']);
  });

  it('resolves episodes of a queue removed from the configuration', async () => {
    const { deps, notifier } = fakeDeps([
      {
        key: 'old#QueueMissing',
        queue: 'old',
        kind: 'QueueMissing',
        openedAt: '2026-11-24T02:00:00Z',
        summary: 'gone',
      },
    ]);

    const report = await detectDrift(schedule, deps, settings([]));

    expect(report.episodes.resolved).toEqual(['old#QueueMissing']);
    expect(notifier.sent[0]).toMatchObject({
      severity: 'resolved',
      title: 'old: resolved, queue does not exist',
    });
    expect(notifier.sent[0]!.summary).toContain('No longer observed after 60 min');
  });

  it('names the CloudTrail caller that triggered the run in the notification', async () => {
    const { deps, sqs, notifier } = fakeDeps();
    sqs.add('celery', 30);
    const trigger: Trigger = {
      kind: 'cloudtrail',
      eventName: 'SetQueueAttributes',
      queue: 'celery',
      actor: 'arn:aws:sts::123456789012:assumed-role/Admin/jane',
      time: '2026-11-24T03:02:09Z',
    };

    await detectDrift(trigger, deps, config);

    expect(notifier.sent[0]!.facts).toContainEqual([
      'Triggered by',
      'SetQueueAttributes by arn:aws:sts::123456789012:assumed-role/Admin/jane',
    ]);
  });
});

// SetQueueAttributes "can take up to 60 seconds for most of the attributes to propagate", and a
// deleted queue can still answer for up to 60 s; the fakes return the old value for the full 60 s.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html
describe('a CloudTrail-triggered check inside the 60 s propagation window', () => {
  const q = { name: 'celery', expectedVisibilityTimeout: 360 };
  const SELF =
    'arn:aws:sts::123456789012:assumed-role/ops-sentinel-dev-QueueDriftRole-1A2B/ops-sentinel-dev-queueDrift';
  const call = (
    eventName: string,
    time: string,
    extra: Partial<Extract<Trigger, { kind: 'cloudtrail' }>> = {},
  ): Trigger => ({
    kind: 'cloudtrail',
    eventName,
    queue: 'celery',
    queueUrl: URL_BASE + 'celery',
    actor: 'arn:aws:sts::123456789012:assumed-role/Admin/jane',
    time,
    ...extra,
  });

  it('is not re-remediated by the event of its own SetQueueAttributes (no loop), and does not flap', async () => {
    const { deps, sqs, clock, notifier } = fakeDeps();
    sqs.add('celery', 30);
    const config = settings([{ ...q, remediate: true }]);

    const first = await detectDrift(schedule, deps, config);
    const remediatedAt = clock.iso();
    clock.advance(20); // CloudTrail → EventBridge delivered the call; reads still show 30 s
    const own = await detectDrift(
      call('SetQueueAttributes', remediatedAt, { actor: SELF, visibilityTimeout: 360 }),
      deps,
      config,
    );
    clock.advance(20); // a scheduled run inside the window still reads 30 s
    const staleRead = await detectDrift(schedule, deps, config);
    clock.advance(300);
    const settled = await detectDrift(schedule, deps, config);

    expect(first.findings[0]!.remediation?.outcome).toBe('applied');
    expect(own.findings).toEqual([]);
    expect(own.observations[0]).toMatchObject({
      actual: 360,
      actualFrom: `SetQueueAttributes at ${remediatedAt}`,
    });
    expect(own.episodes).toMatchObject({ resolved: [], notified: [] });
    expect(staleRead.episodes).toMatchObject({ ongoing: ['celery#VisibilityTimeoutDrift'], notified: [] });
    expect(settled.episodes.resolved).toEqual(['celery#VisibilityTimeoutDrift']);
    // The own event made no call; the stale scheduled read repeated the same one, not a loop.
    expect(sqs.setCalls.map((c) => c.seconds)).toEqual([360, 360]);
    expect(notifier.sent.map((n) => n.severity)).toEqual(['warning', 'resolved']);
  });

  it('is not resolved by a stale read right after the call that opened it', async () => {
    const { deps, sqs, clock, notifier } = fakeDeps();
    sqs.add('celery', 360);
    sqs.setBy('celery', 30);
    const at = clock.iso();
    clock.advance(15);
    await detectDrift(call('SetQueueAttributes', at, { visibilityTimeout: 30 }), deps, settings([q]));
    clock.advance(30); // the next scheduled run, reads still show 360 s

    const stale = await detectDrift(schedule, deps, settings([q]));
    clock.advance(300);
    const later = await detectDrift(schedule, deps, settings([q]));

    expect(stale.findings).toEqual([]);
    expect(stale.episodes.resolved).toEqual([]);
    expect(later.episodes.ongoing).toEqual(['celery#VisibilityTimeoutDrift']);
    expect(notifier.sent.map((n) => n.severity)).toEqual(['critical']);
  });

  it("sees someone's fresh change the read does not show yet, and names the caller", async () => {
    const { deps, sqs, clock, notifier } = fakeDeps();
    sqs.add('celery', 360);
    sqs.setBy('celery', 30);
    const at = clock.iso();
    clock.advance(15);

    const report = await detectDrift(
      call('SetQueueAttributes', at, { visibilityTimeout: 30 }),
      deps,
      settings([q]),
    );

    expect(await sqs.attributes(URL_BASE + 'celery')).toMatchObject({ visibilityTimeout: 360 }); // still stale
    expect(report.findings).toEqual([
      expect.objectContaining({
        kind: 'VisibilityTimeoutDrift',
        actual: 30,
        message: `VisibilityTimeout is 30 s (set by SetQueueAttributes at ${at}) but the app expects 360 s (configured)`,
      }),
    ]);
    expect(notifier.sent[0]!.facts).toContainEqual([
      'Triggered by',
      'SetQueueAttributes by arn:aws:sts::123456789012:assumed-role/Admin/jane',
    ]);
  });

  it('reads the queue once the window has passed: a late or retried event may be older than the last change', async () => {
    const { deps, sqs, clock } = fakeDeps();
    sqs.add('celery', 360);
    const at = clock.iso();
    clock.advance(120);

    const report = await detectDrift(
      call('SetQueueAttributes', at, { visibilityTimeout: 30 }),
      deps,
      settings([q]),
    );

    expect(report.findings).toEqual([]);
    expect(report.observations[0]).toMatchObject({ actual: 360 });
    expect(report.observations[0]!.actualFrom).toBeUndefined();
  });

  it('does not trust a call that failed (it changed nothing)', async () => {
    const { deps, sqs, clock } = fakeDeps();
    sqs.add('celery', 360);
    const at = clock.iso();
    clock.advance(5);

    const report = await detectDrift(
      call('SetQueueAttributes', at, { visibilityTimeout: 30, errorCode: 'AccessDenied' }),
      deps,
      settings([q]),
    );

    expect(report.findings).toEqual([]);
  });

  it('reads as usual when the call did not set VisibilityTimeout (a policy change)', async () => {
    const { deps, sqs, clock } = fakeDeps();
    sqs.add('celery', 30);
    const at = clock.iso();
    clock.advance(5);

    const report = await detectDrift(call('SetQueueAttributes', at), deps, settings([q]));

    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'VisibilityTimeoutDrift', actual: 30 }),
    ]);
  });

  it('reports a queue deleted moments ago as missing although a read still finds it', async () => {
    const { deps, sqs, clock } = fakeDeps();
    sqs.add('celery', 360).add('celery-dlq', 360);
    const at = clock.iso();
    clock.advance(10);

    const report = await detectDrift(
      call('DeleteQueue', at, { queue: 'celery-dlq', queueUrl: URL_BASE + 'celery-dlq' }),
      deps,
      settings([{ ...q, deadLetterQueue: 'celery-dlq' }]),
    );

    expect(kinds(report)).toEqual(['celery-dlq:QueueMissing']);
    expect(report.findings[0]!.message).toBe(
      `dead-letter queue celery-dlq of celery was deleted (DeleteQueue at ${at})`,
    );
  });

  it('does not report an unexpected queue deleted moments ago that ListQueues still lists', async () => {
    const { deps, sqs, clock } = fakeDeps();
    sqs.add('app-celery', 360).add('app-typo', 360);
    const at = clock.iso();
    clock.advance(5);

    const report = await detectDrift(
      call('DeleteQueue', at, { queue: 'app-typo', queueUrl: URL_BASE + 'app-typo' }),
      deps,
      settings([{ name: 'app-celery' }], { queuePrefix: 'app-' }),
    );

    expect(report.findings).toEqual([]);
  });

  it('gives no verdict on a queue created moments ago that reads do not find yet', async () => {
    const { deps, clock } = fakeDeps();
    const at = clock.iso();
    clock.advance(1);

    const report = await detectDrift(call('CreateQueue', at, { visibilityTimeout: 30 }), deps, settings([q]));

    expect(kinds(report)).toEqual(['celery:VisibilityTimeoutDrift']);
    expect(report.findings[0]).toMatchObject({ actual: 30, queueUrl: URL_BASE + 'celery' });
  });
});

describe('dead-letter depth', () => {
  // In flight (received, not deleted) and delayed messages are still in the queue:
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
  it('counts in-flight and delayed messages, not only visible ones', async () => {
    const { deps, sqs } = fakeDeps();
    sqs
      .add('a', 360)
      .add('a-dlq', 360, { inFlight: 2 })
      .add('b', 360)
      .add('b-dlq', 360, { visible: 1, delayed: 3 });

    const report = await detectDrift(
      schedule,
      deps,
      settings([
        { name: 'a', deadLetterQueue: 'a-dlq' },
        { name: 'b', deadLetterQueue: 'b-dlq', deadLetterThreshold: 3 },
      ]),
    );

    expect(report.findings.map((f) => [f.queue, f.deadLetterDepth, f.message])).toEqual([
      ['a', 2, 'dead-letter queue a-dlq holds 2 messages (2 in flight)'],
      [
        'b',
        4,
        'dead-letter queue b-dlq holds 4 messages (1 visible, 3 delayed), more than the threshold of 3',
      ],
    ]);
  });
});
