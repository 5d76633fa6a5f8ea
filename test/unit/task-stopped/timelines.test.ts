import * as ddbSdk from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { dynamoDbIncidentStore } from '../../../functions/task-stopped/adapters/dynamodb-incident-store';
import {
  handleDeploymentEvent,
  handleTaskRunning,
  handleTaskStopped,
  sweepIncidents,
} from '../../../functions/task-stopped/core';
import {
  parseEvent,
  type DeploymentStateChange,
  type TaskStateChange,
} from '../../../functions/task-stopped/schema';
import { crashLoopMessages, replay, TIMELINES } from '../../../fixtures/task-stopped/timelines';
import { CAPACITY_CATEGORIES, classifyStop } from '../../../shared/ecs/classify-stop';
import {
  deploymentEvent,
  runningTask,
  sampleEvent,
  withTask,
  type SampleEvent,
} from '../../helpers/task-stopped/events';
import { statefulTable } from '../../helpers/task-stopped/fake-dynamodb';
import { fakeDeps, settings } from '../../helpers/task-stopped/fakes';

function stateChange(event: SampleEvent): TaskStateChange {
  const parsed = parseEvent(event);
  if (parsed.kind !== 'task-stopped') throw new Error('not a task event');
  return parsed.event;
}
function deployment(event: Record<string, unknown>): DeploymentStateChange {
  const parsed = parseEvent(event);
  if (parsed.kind !== 'deployment') throw new Error('not a deployment event');
  return parsed.event;
}
const task = (name: string, id: string) => stateChange(withTask(sampleEvent(name), id));
const running = (id: string, startedAt: number) =>
  stateChange(runningTask(sampleEvent('image-pull'), id, startedAt));
const sweepEvery5 = async (f: ReturnType<typeof fakeDeps>, minutes: number) => {
  for (let m = 0; m < minutes; m += 5) {
    f.advance(5);
    await sweepIncidents(f.deps, settings());
  }
};

describe('replayed ECS timelines', () => {
  it.each(TIMELINES.map((t) => [t.name, t] as const))('%s', async (_name, timeline) => {
    const r = await replay(timeline);

    expect(r.messages.length).toBeLessThanOrEqual(timeline.expect.maxMessages);
    expect(crashLoopMessages(r)).toBe(timeline.expect.crashLoopMessages);
    expect(r.tasksStoppedMetric).toBe(r.distinctStoppedTasks);
  });

  // ECS throttles a service whose tasks never reach RUNNING: the gap between attempts grows to
  // about 27 minutes, well past the 15-minute quiet period.
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html
  it('keeps a throttled startup crash loop one incident for two hours, then recovers on the fix', async () => {
    const r = await replay(TIMELINES[0]!);

    expect(r.messages.map((m) => [m.minute, m.eventType])).toEqual([
      [0, 'TaskStopped'],
      [2, 'TaskStoppedCrashLoop'],
      [128, 'TaskStoppedRecovered'],
    ]);
  });

  it('never calls silence a recovery: a loop that keeps failing with 27-minute gaps stays open', async () => {
    const f = fakeDeps();
    for (let i = 0; i < 5; i++) {
      await handleTaskStopped(task('image-pull', `slow-${i}`), f.deps, settings());
      await sweepEvery5(f, 27);
    }

    expect(f.notifications.map((n) => n.eventType)).toEqual(['TaskStopped', 'TaskStoppedCrashLoop']);
    expect(f.store.items.get('django-app/web')).toMatchObject({ count: 5 });
  });

  // Spot: stop code SpotInterruption, "Your Spot Task was interrupted."
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html (stopCode values)
  it('reports a Spot reclaim once per episode as a warning, never as a crash loop', async () => {
    const f = fakeDeps();
    for (const id of ['s1', 's2', 's3', 's4'])
      await handleTaskStopped(task('spot-interruption', id), f.deps, settings());
    const again = await handleTaskStopped(task('spot-interruption', 's2'), f.deps, settings());
    f.advance(61);
    await handleTaskStopped(task('spot-interruption', 's5'), f.deps, settings());

    expect(again.action).toBe('duplicate');
    expect(f.notifications.map((n) => [n.eventType, n.severity])).toEqual([
      ['TaskStoppedCapacity', 'warning'],
      ['TaskStoppedCapacity', 'warning'],
    ]);
    expect(f.notifications[0]!.summary).toContain('This is a capacity event, not a crash loop');
    expect(f.store.items.has('django-app/worker')).toBe(false);
    expect(f.metrics.filter((m) => m.metric === 'TasksStopped')).toHaveLength(5);
  });

  it('keeps capacity stops out of a crash-loop incident that is already open', async () => {
    const f = fakeDeps();
    await handleTaskStopped(task('elb-health-check', 'e1'), f.deps, settings());
    await handleTaskStopped(task('infrastructure', 'i1'), f.deps, settings());
    await handleTaskStopped(task('infrastructure', 'i2'), f.deps, settings());

    expect(f.store.items.get('django-app/web')).toMatchObject({ count: 1, escalated: false });
    expect(f.notifications.map((n) => n.eventType)).toEqual(['TaskStopped', 'TaskStoppedCapacity']);
  });

  it('forgets an ended capacity episode in the sweep without a message', async () => {
    const f = fakeDeps();
    await handleTaskStopped(task('spot-interruption', 's1'), f.deps, settings());
    f.advance(59);
    expect(await sweepIncidents(f.deps, settings())).toEqual({ openIncidents: 1, sent: [] });
    f.advance(1);

    expect(await sweepIncidents(f.deps, settings())).toEqual({ openIncidents: 0, sent: [] });
    expect(f.store.items.size).toBe(0);
  });

  // Fargate task retirement: "ECS is performing maintenance on the underlying infrastructure
  // hosting the task". https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-maintenance.html
  it('treats a Fargate task retirement as a capacity event', () => {
    const c = classifyStop({
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: 'ECS is performing maintenance on the underlying infrastructure hosting the task',
    });
    expect(c).toMatchObject({ category: 'infrastructure', routine: false });
    expect(CAPACITY_CATEGORIES.has(c.category)).toBe(true);
  });

  // AZ rebalancing (default for services created since June 2025) stops tasks "due to AZ
  // rebalancing". https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html
  it('treats Availability Zone rebalancing like a scale-in: routine, no incident', async () => {
    const f = fakeDeps();
    const event = withTask(sampleEvent('elb-health-check'), 'az-1');
    event.detail.stoppedReason = 'Task stopped due to AZ rebalancing';

    const outcome = await handleTaskStopped(stateChange(event), f.deps, settings());

    expect(outcome).toMatchObject({ category: 'scale-in', routine: true, action: 'suppressed-routine' });
    expect(classifyStop({ stoppedReason: 'AZ Rebalancing in progress' }).headline).toBe(
      'stopped by Availability Zone rebalancing',
    );
    expect(f.notifications).toEqual([]);
  });
});

describe('recovery evidence', () => {
  it('records the earliest task RUNNING after the last failure and recovers once it stays up', async () => {
    const f = fakeDeps();
    await handleTaskStopped(task('image-pull', 'a'), f.deps, settings());
    f.advance(1);
    const first = await handleTaskRunning(running('up-1', f.clock.now), f.deps, settings());
    f.advance(1);
    const later = await handleTaskRunning(running('up-2', f.clock.now), f.deps, settings());
    await sweepEvery5(f, 15);

    expect(first.action).toBe('recorded-running');
    expect(later.reason).toBe('an earlier running task is already recorded');
    expect(f.notifications.map((n) => n.eventType)).toEqual(['TaskStopped', 'TaskStoppedRecovered']);
    expect(f.notifications[1]!.summary).toMatch(/^web has recovered: a task has been RUNNING since /);
  });

  it('voids the evidence when a task fails after the running one started', async () => {
    const f = fakeDeps();
    await handleTaskStopped(task('image-pull', 'a'), f.deps, settings());
    f.advance(1);
    await handleTaskRunning(running('up', f.clock.now), f.deps, settings());
    f.advance(5);
    await handleTaskStopped(task('image-pull', 'b'), f.deps, settings());
    await sweepEvery5(f, 60);

    expect(f.notifications.map((n) => n.eventType)).toEqual(['TaskStopped']);
  });

  it('does not take a task started before the last failure, or one being stopped, as evidence', async () => {
    const f = fakeDeps();
    const old = f.clock.now - 60_000;
    await handleTaskStopped(task('image-pull', 'a'), f.deps, settings());
    const stopping = running('going', f.clock.now + 1);
    stopping.detail.desiredStatus = 'STOPPED';

    expect(await handleTaskRunning(running('old', old), f.deps, settings())).toMatchObject({
      action: 'not-evidence',
    });
    expect(await handleTaskRunning(stopping, f.deps, settings())).toMatchObject({ action: 'not-evidence' });
    expect(f.store.items.get('django-app/web')!.runningAt).toBeUndefined();
  });

  // SERVICE_DEPLOYMENT_COMPLETED: the deployment reached steady state.
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html
  it('recovers at once on a deployment that completed after the last failure, not on one before', async () => {
    const f = fakeDeps();
    await handleTaskStopped(task('image-pull', 'a'), f.deps, settings());
    const before = await handleDeploymentEvent(
      deployment(deploymentEvent('web', f.clock.now - 1)),
      f.deps,
      settings(),
    );
    const failed = await handleDeploymentEvent(
      deployment(deploymentEvent('web', f.clock.now + 1, 'SERVICE_DEPLOYMENT_FAILED')),
      f.deps,
      settings(),
    );
    f.advance(3);
    const after = await handleDeploymentEvent(
      deployment(deploymentEvent('web', f.clock.now)),
      f.deps,
      settings(),
    );

    expect(before.action).toBe('not-evidence');
    expect(failed.action).toBe('not-evidence');
    expect(after).toMatchObject({ action: 'recovered', sent: [{ kind: 'recovery' }] });
    expect(f.notifications[1]!.title).toBe('web: recovered, deployment completed');
    expect(f.notifications[1]!.summary).toContain('deployment ecs-svc/1111111111111111111 completed at');
  });

  it('ignores RUNNING and deployment events of services it does not monitor or without an incident', async () => {
    const f = fakeDeps();
    expect(await handleTaskRunning(running('x', f.clock.now), f.deps, settings())).toMatchObject({
      action: 'no-incident',
    });
    expect(
      await handleDeploymentEvent(deployment(deploymentEvent('billing', f.clock.now)), f.deps, settings()),
    ).toMatchObject({ action: 'unmonitored' });
  });

  it('closes an incident with no failure and no evidence for 6 hours, saying it cannot tell', async () => {
    const f = fakeDeps();
    await handleTaskStopped(task('image-pull', 'a'), f.deps, settings());
    await sweepEvery5(f, 355);
    expect(f.notifications).toHaveLength(1);
    await sweepEvery5(f, 5);

    expect(f.notifications.map((n) => [n.eventType, n.severity])).toEqual([
      ['TaskStopped', 'critical'],
      ['TaskStoppedIncidentClosed', 'warning'],
    ]);
    expect(f.notifications[1]!.summary).toContain('cannot say the service recovered');
    expect(f.store.items.size).toBe(0);
  });
});

describe('concurrent stops of one service', () => {
  // A deployment that replaces 30 tasks stops them within a second: 30 invocations race for the
  // service's item, and every DynamoDB conditional-write conflict must resolve in the invocation
  // (a RetryableError is retried twice by Lambda, then lands in the dead-letter queue).
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
  it('resolves every conflict of 30 concurrent stops with jittered backoff, counting all 30', async () => {
    const ddb = mockClient(ddbSdk.DynamoDBClient);
    const table = statefulTable(ddb, ddbSdk, () => 1 + Math.random() * 4);
    const f = fakeDeps();
    const deps = {
      ...f.deps,
      store: dynamoDbIncidentStore(new ddbSdk.DynamoDBClient({ region: 'us-east-1' }), 'incidents'),
      sleep: undefined, // real timers and jitter, as in Lambda
      random: undefined,
    };

    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        handleTaskStopped(task('essential-exit', `deploy-${i}`), deps, settings({ escalateAfter: 3 })),
      ),
    );

    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(Number(table.get('django-app/worker')!.count!.N)).toBe(30);
    expect(f.notifications.map((n) => n.eventType)).toEqual(['TaskStopped', 'TaskStoppedCrashLoop']);
    expect(f.metrics.filter((m) => m.metric === 'TasksStopped')).toHaveLength(30);
    expect(ddb.commandCalls(ddbSdk.PutItemCommand).length).toBeGreaterThan(30); // there were conflicts
    ddb.restore();
  }, 20_000);
});
