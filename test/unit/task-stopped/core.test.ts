import { handleTaskRunning, handleTaskStopped, sweepIncidents } from '../../../functions/task-stopped/core';
import { parseEvent, type TaskStateChange } from '../../../functions/task-stopped/schema';
import { runningTask, sampleEvent, withTask, type SampleEvent } from '../../helpers/task-stopped/events';
import { fakeDeps, settings, T0 } from '../../helpers/task-stopped/fakes';

function stateChange(event: SampleEvent): TaskStateChange {
  const parsed = parseEvent(event);
  if (parsed.kind !== 'task-stopped') throw new Error('not a task event');
  return parsed.event;
}

const task = (name: string, id: string) => stateChange(withTask(sampleEvent(name), id));
/** A task of `web` reported RUNNING, started at `startedAt`. */
const running = (id: string, startedAt: number) =>
  stateChange(runningTask(sampleEvent('elb-health-check'), id, startedAt));

describe('handleTaskStopped', () => {
  it('notifies the first failed stop of a service and opens an incident', async () => {
    const f = fakeDeps();

    const outcome = await handleTaskStopped(task('out-of-memory', 'task-1'), f.deps, settings());

    expect(outcome).toMatchObject({
      action: 'notified-first',
      category: 'out-of-memory',
      service: 'web',
      incidentCount: 1,
    });
    expect(f.notifications).toHaveLength(1);
    expect(f.notifications[0]).toMatchObject({
      title: 'web: task killed for running out of memory (django)',
      severity: 'critical',
      threadId: 'ops-sentinel/prod/django-app/web',
    });
    expect(f.store.items.get('django-app/web')).toMatchObject({ count: 1, escalated: false, version: 1 });
    expect(f.metrics).toEqual([
      { metric: 'Sent', service: 'web' },
      { metric: 'TasksStopped', service: 'web', category: 'out-of-memory' },
    ]);
  });

  it('turns a crash loop of 50 tasks in 10 minutes into exactly 3 messages in one thread', async () => {
    const f = fakeDeps();
    const kinds = ['elb-health-check', 'elb-health-check', 'out-of-memory'];

    for (let i = 0; i < 50; i++) {
      await handleTaskStopped(task(kinds[i % 3]!, `loop-${i}`), f.deps, settings());
      f.clock.now += 12_000; // 50 stops over 10 minutes
    }
    await handleTaskRunning(running('fixed', f.clock.now), f.deps, settings());
    f.advance(15);
    await sweepIncidents(f.deps, settings());

    expect(f.notifications.map((n) => [n.eventType, n.severity])).toEqual([
      ['TaskStopped', 'critical'],
      ['TaskStoppedCrashLoop', 'critical'],
      ['TaskStoppedRecovered', 'resolved'],
    ]);
    expect(new Set(f.notifications.map((n) => n.threadId))).toEqual(
      new Set(['ops-sentinel/prod/django-app/web']),
    );
    expect(f.notifications[1]!.title).toBe('web: crash loop, 3 tasks stopped in less than a minute');
    expect(f.notifications[1]!.summary).toContain('(elb-health-check ×2, out-of-memory ×1)');
    expect(f.notifications[2]!.summary).toContain(
      'The incident counted 50 failed tasks over 10 min: elb-health-check ×34, out-of-memory ×16.',
    );
    expect(f.store.items.size).toBe(0);
    expect(f.metrics.filter((m) => m.metric === 'TasksStopped')).toHaveLength(50);
    expect(f.metrics.filter((m) => m.metric === 'Suppressed')).toHaveLength(48);
  });

  it('escalates with the count, the pattern and the single deployment all failures come from', async () => {
    const f = fakeDeps();

    for (let i = 0; i < 4; i++) {
      await handleTaskStopped(task('image-pull', `pull-${i}`), f.deps, settings({ escalateAfter: 4 }));
      f.advance(1);
    }

    const escalation = f.notifications[1]!;
    expect(f.notifications).toHaveLength(2);
    expect(escalation.facts).toEqual([
      ['Service', 'web'],
      ['Cluster', 'django-app'],
      ['Failed tasks', 4],
      ['Pattern', 'image-pull ×4'],
      ['Task definitions', 'django-web:43'],
      ['Deployments', 'ecs-svc/5938203948576123456'],
      ['First failure', '2026-11-20T10:00:00.000Z'],
      ['Last failure', '2026-11-20T10:03:00.000Z'],
    ]);
    expect(escalation.nextSteps![0]).toBe(
      'Every failure comes from deployment ecs-svc/5938203948576123456 (django-web:43): roll back to the previous task definition if the deployment is the cause.',
    );
  });

  it('keeps one incident per service: a worker failure does not join the web thread', async () => {
    const f = fakeDeps();

    await handleTaskStopped(task('elb-health-check', 'web-1'), f.deps, settings());
    await handleTaskStopped(task('essential-exit', 'worker-1'), f.deps, settings());

    expect(f.notifications.map((n) => n.threadId)).toEqual([
      'ops-sentinel/prod/django-app/web',
      'ops-sentinel/prod/django-app/worker',
    ]);
  });

  it('does not announce recovery while failures keep coming, however long the loop lasts', async () => {
    const f = fakeDeps();

    for (let i = 0; i < 10; i++) {
      await handleTaskStopped(task('essential-exit', `slow-${i}`), f.deps, settings());
      f.advance(14);
      await sweepIncidents(f.deps, settings());
    }

    expect(f.notifications.map((n) => n.eventType)).toEqual(['TaskStopped', 'TaskStoppedCrashLoop']);
  });

  it('closes a recovered incident on the next event when no sweep ran, then opens a new one', async () => {
    const f = fakeDeps();
    await handleTaskStopped(task('elb-health-check', 'a'), f.deps, settings());
    f.advance(5);
    await handleTaskRunning(running('up', f.clock.now), f.deps, settings());
    f.advance(55);

    const outcome = await handleTaskStopped(task('out-of-memory', 'b'), f.deps, settings());

    expect(outcome.action).toBe('notified-first');
    expect(outcome.sent.map((s) => s.kind)).toEqual(['recovery', 'first']);
    expect(f.notifications.map((n) => n.eventType)).toEqual([
      'TaskStopped',
      'TaskStoppedRecovered',
      'TaskStopped',
    ]);
    expect(f.notifications[1]!.title).toBe('web: recovered, a task stayed up 55 min');
  });

  it('sends the recovery on a routine stop once a running task has stayed up for the quiet period', async () => {
    const f = fakeDeps();
    await handleTaskStopped(task('elb-health-check', 'a'), f.deps, settings());
    f.advance(2);
    await handleTaskRunning(running('up', f.clock.now), f.deps, settings());
    f.advance(20);

    const outcome = await handleTaskStopped(task('deployment-replacement', 'b'), f.deps, settings());

    expect(outcome).toMatchObject({
      action: 'suppressed-routine',
      sent: [{ kind: 'recovery', service: 'web' }],
    });
  });

  it('the sweep leaves incidents alone until the running task has stayed up for the quiet period', async () => {
    const f = fakeDeps();
    await handleTaskStopped(task('elb-health-check', 'a'), f.deps, settings());
    f.advance(1);
    await handleTaskRunning(running('up', f.clock.now), f.deps, settings());
    f.advance(14);

    const early = await sweepIncidents(f.deps, settings());
    f.advance(1);
    const due = await sweepIncidents(f.deps, settings());

    expect(early).toEqual({ openIncidents: 1, sent: [] });
    expect(due).toMatchObject({ openIncidents: 0, sent: [{ kind: 'recovery', service: 'web' }] });
  });

  it.each(['deployment-replacement', 'scale-in', 'user-stop'])(
    'suppresses the routine %s by default',
    async (name) => {
      const f = fakeDeps();

      const outcome = await handleTaskStopped(task(name, 'r'), f.deps, settings());

      expect(outcome).toMatchObject({ action: 'suppressed-routine', routine: true, sent: [] });
      expect(f.notifications).toEqual([]);
      expect(f.store.items.size).toBe(0);
      expect(f.metrics.map((m) => m.metric)).toEqual(['Suppressed', 'TasksStopped']);
    },
  );

  it('notifies routine stops as info when NOTIFY_ROUTINE is on, without opening an incident', async () => {
    const f = fakeDeps();

    const outcome = await handleTaskStopped(
      task('deployment-replacement', 'r'),
      f.deps,
      settings({ notifyRoutine: true }),
    );

    expect(outcome.action).toBe('notified-routine');
    expect(f.notifications[0]).toMatchObject({
      severity: 'info',
      title: 'web: task replaced by a deployment',
    });
    expect(f.store.items.size).toBe(0);
  });

  it('counts but does not notify a service that is not monitored', async () => {
    const f = fakeDeps();

    const outcome = await handleTaskStopped(
      task('essential-exit', 'w'),
      f.deps,
      settings({ services: ['web'] }),
    );

    expect(outcome).toMatchObject({ action: 'unmonitored', service: 'worker', category: 'essential-exit' });
    expect(f.notifications).toEqual([]);
    expect(f.metrics).toEqual([{ metric: 'TasksStopped', service: 'worker', category: 'essential-exit' }]);
  });

  it('monitors every service of the cluster when SERVICES is empty', async () => {
    const f = fakeDeps();

    const outcome = await handleTaskStopped(task('essential-exit', 'w'), f.deps, settings({ services: [] }));

    expect(outcome.action).toBe('notified-first');
  });

  it('counts standalone tasks under "standalone" without notifying', async () => {
    const f = fakeDeps();

    const outcome = await handleTaskStopped(task('standalone-migration', 'm'), f.deps, settings());

    expect(outcome).toMatchObject({ action: 'standalone', service: undefined, category: 'essential-exit' });
    expect(outcome.reason).toBe('standalone task (group family:django-migrate): counted, not notified');
    expect(f.metrics).toEqual([
      { metric: 'TasksStopped', service: 'standalone', category: 'essential-exit' },
    ]);
  });

  it('counts a redelivered event once', async () => {
    const f = fakeDeps();
    await handleTaskStopped(task('elb-health-check', 'same'), f.deps, settings());
    await handleTaskStopped(task('elb-health-check', 'other'), f.deps, settings());

    const again = await handleTaskStopped(task('elb-health-check', 'same'), f.deps, settings());

    expect(again).toMatchObject({ action: 'duplicate', incidentCount: 2 });
    expect(f.store.items.get('django-app/web')!.count).toBe(2);
  });

  it('ignores a task that is not stopped', async () => {
    const f = fakeDeps();
    const running = task('elb-health-check', 'x');
    running.detail.lastStatus = 'RUNNING';

    const outcome = await handleTaskStopped(running, f.deps, settings());

    expect(outcome.action).toBe('not-stopped');
    expect(f.metrics).toEqual([]);
  });

  it('lets exactly one of two concurrent invocations send the first message', async () => {
    const f = fakeDeps();
    const save = f.store.save.bind(f.store);
    let raced = false;
    // Another invocation opens the incident between our read and our write.
    f.store.save = async (incident, expected) => {
      if (!raced) {
        raced = true;
        await save({ ...incident, recentTaskIds: ['rival'] }, undefined);
      }
      return save(incident, expected);
    };

    const outcome = await handleTaskStopped(task('elb-health-check', 'mine'), f.deps, settings());

    expect(outcome).toMatchObject({ action: 'grouped', incidentCount: 2 });
    expect(f.notifications).toEqual([]);
  });

  it('gives up with a retryable error when the incident keeps changing under it, after jittered backoff', async () => {
    const f = fakeDeps();
    f.store.save = async () => false;

    await expect(handleTaskStopped(task('elb-health-check', 'x'), f.deps, settings())).rejects.toMatchObject({
      name: 'RetryableError',
      message: 'incident django-app/web changed concurrently 12 times; retrying the event',
    });
    // random() = 0.5: half of min(1000, 20 × 2^attempt) ms before each re-read.
    expect(f.waits).toEqual([20, 40, 80, 160, 320, 500, 500, 500, 500, 500, 500]);
    expect(f.metrics.filter((m) => m.metric === 'TasksStopped')).toEqual([]);
  });

  it('gives the claim back when publishing fails, so the retried event sends the first message', async () => {
    const f = fakeDeps();
    const notify = f.deps.notifier.notify;
    f.deps.notifier.notify = async () => {
      throw new Error('SNS down');
    };

    await expect(handleTaskStopped(task('elb-health-check', 'x'), f.deps, settings())).rejects.toThrow(
      'SNS down',
    );
    expect(f.store.items.size).toBe(0);

    f.deps.notifier.notify = notify;
    const retry = await handleTaskStopped(task('elb-health-check', 'x'), f.deps, settings());
    expect(retry.action).toBe('notified-first');
  });

  it('gives the escalation back when publishing it fails', async () => {
    const f = fakeDeps();
    await handleTaskStopped(task('elb-health-check', 'a'), f.deps, settings());
    await handleTaskStopped(task('elb-health-check', 'b'), f.deps, settings());
    const notify = f.deps.notifier.notify;
    f.deps.notifier.notify = async () => {
      throw new Error('SNS down');
    };

    await expect(handleTaskStopped(task('elb-health-check', 'c'), f.deps, settings())).rejects.toThrow(
      'SNS down',
    );
    expect(f.store.items.get('django-app/web')).toMatchObject({ count: 2, escalated: false });

    f.deps.notifier.notify = notify;
    const retry = await handleTaskStopped(task('elb-health-check', 'c'), f.deps, settings());
    expect(retry).toMatchObject({ action: 'notified-escalation', incidentCount: 3 });
  });

  it('keeps the incident when the recovery cannot be published, and the sweep rethrows', async () => {
    const f = fakeDeps();
    await handleTaskStopped(task('elb-health-check', 'a'), f.deps, settings());
    await handleTaskRunning(running('up', f.clock.now + 1), f.deps, settings());
    f.advance(30);
    f.deps.notifier.notify = async () => {
      throw new Error('SNS down');
    };

    await expect(sweepIncidents(f.deps, settings())).rejects.toThrow('SNS down');
    expect(f.store.items.get('django-app/web')).toMatchObject({ count: 1, openedAt: T0 });
  });
});
