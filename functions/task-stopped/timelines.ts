/**
 * Replayed ECS timelines for taskStopped: the events ECS sends in situations every team meets,
 * run through the real core (in-memory store, the 5-minute sweep as deployed) to count what a
 * person receives. Used by the tests and by `npm run bench`; not part of the Lambda bundle.
 */
import type { Notification } from '../../shared/notify';
import { memoryIncidentStore } from './adapters/memory-incident-store';
import { handleDeploymentEvent, handleTaskRunning, handleTaskStopped, sweepIncidents } from './core';
import type { TaskStoppedSettings } from './ports';
import { parseEvent } from './schema';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const CLUSTER = 'django-app';
const SERVICE = 'web';
const SWEEP_EVERY_MIN = 5;

/** Stopped reasons as ECS reports them (see shared/ecs/classify-stop.ts for the sources). */
const STOPS = {
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
  'image-pull': {
    stopCode: 'TaskFailedToStart',
    stoppedReason: `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/django-app:2026.11.20-4: not found`,
  },
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
  spot: { stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' },
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-maintenance.html
  retirement: {
    stopCode: 'ServiceSchedulerInitiated',
    stoppedReason: 'ECS is performing maintenance on the underlying infrastructure hosting the task',
  },
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing-event-messages-list.html
  'az-rebalancing': {
    stopCode: 'ServiceSchedulerInitiated',
    stoppedReason: 'Task stopped due to AZ rebalancing',
  },
} as const;

export type Step =
  | { at: number; stop: keyof typeof STOPS; task: string }
  | { at: number; running: string }
  | { at: number; deploymentCompleted: string };

export interface Timeline {
  name: string;
  /** What the timeline shows, in a few words. */
  story: string;
  /** Minutes from the first event; several events at one minute are delivered in order. */
  steps: Step[];
  /** Deliver every task event twice, as EventBridge may (at-least-once delivery). */
  redeliver?: boolean;
  /** The expectation the bench and the tests check. */
  expect: { maxMessages: number; crashLoopMessages: number };
}

/**
 * ECS retries tasks that never reach RUNNING with growing gaps, up to about 27 minutes
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html).
 */
const THROTTLED_ATTEMPTS = [0, 1, 2, 4, 7, 12, 19, 30, 45, 66, 93, 120];

export const TIMELINES: Timeline[] = [
  {
    name: 'throttled startup crash loop, 2 h',
    story: 'image tag missing; ECS retries with gaps up to 27 min; fixed by a deployment at 121 min',
    steps: [
      ...THROTTLED_ATTEMPTS.map((at, i) => ({ at, stop: 'image-pull' as const, task: `pull-${i}` })),
      { at: 123, running: 'fixed-1' },
      { at: 128, deploymentCompleted: 'ecs-svc/2222222222222222222' },
    ],
    expect: { maxMessages: 3, crashLoopMessages: 2 },
  },
  {
    name: 'Spot reclaim of 3 tasks',
    story: 'FARGATE_SPOT reclaims 3 tasks at once (events delivered twice); replacements run',
    redeliver: true,
    steps: [
      { at: 0, stop: 'spot', task: 'spot-1' },
      { at: 0, stop: 'spot', task: 'spot-2' },
      { at: 0, stop: 'spot', task: 'spot-3' },
      { at: 2, running: 'spot-r1' },
      { at: 2, running: 'spot-r2' },
      { at: 2, running: 'spot-r3' },
    ],
    expect: { maxMessages: 1, crashLoopMessages: 0 },
  },
  {
    name: 'Fargate task retirement of 4 tasks',
    story: 'platform revision retired: 4 tasks stopped over 20 minutes, each replaced',
    steps: [0, 5, 10, 20].flatMap((at, i) => [
      { at, stop: 'retirement' as const, task: `retire-${i}` },
      { at: at + 1, running: `retire-r${i}` },
    ]),
    expect: { maxMessages: 1, crashLoopMessages: 0 },
  },
  {
    name: 'AZ rebalancing moves 2 tasks',
    story: 'rebalancing stops the surplus tasks of one zone (routine, like a scale-in)',
    steps: [
      { at: 0, running: 'az-new-1' },
      { at: 0, running: 'az-new-2' },
      { at: 1, stop: 'az-rebalancing', task: 'az-old-1' },
      { at: 1, stop: 'az-rebalancing', task: 'az-old-2' },
    ],
    expect: { maxMessages: 0, crashLoopMessages: 0 },
  },
];

export interface Replay {
  messages: Array<{ minute: number; eventType: string; severity: string; title: string }>;
  /** `TasksStopped` data points emitted, and the distinct stopped tasks they should count. */
  tasksStoppedMetric: number;
  distinctStoppedTasks: number;
}

const T0 = Date.parse('2026-11-20T10:00:00Z');

function taskEvent(taskId: string, at: number, fields: Record<string, string>): unknown {
  const time = new Date(at).toISOString();
  return {
    version: '0',
    id: `replay-${taskId}-${fields.lastStatus}`,
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [`arn:aws:ecs:${REGION}:${ACCOUNT}:task/${CLUSTER}/${taskId}`],
    detail: {
      taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${CLUSTER}/${taskId}`,
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`,
      group: `service:${SERVICE}`,
      startedBy: 'ecs-svc/5938203948576123456',
      taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/django-web:43`,
      containers: [{ name: 'django', lastStatus: fields.lastStatus }],
      ...fields,
    },
  };
}

function deploymentEvent(deploymentId: string, at: number): unknown {
  return {
    version: '0',
    id: `replay-${deploymentId}`,
    'detail-type': 'ECS Deployment State Change',
    source: 'aws.ecs',
    account: ACCOUNT,
    time: new Date(at).toISOString(),
    region: REGION,
    resources: [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${SERVICE}`],
    detail: {
      eventType: 'INFO',
      eventName: 'SERVICE_DEPLOYMENT_COMPLETED',
      deploymentId,
      updatedAt: new Date(at).toISOString(),
      reason: `ECS deployment ${deploymentId} completed.`,
    },
  };
}

/** Runs a timeline through the production core, with the sweep every 5 minutes as deployed. */
export async function replay(
  timeline: Timeline,
  overrides: Partial<TaskStoppedSettings> = {},
): Promise<Replay> {
  const clock = { now: T0 };
  const notifications: Array<{ minute: number; n: Notification }> = [];
  let tasksStoppedMetric = 0;
  const deps = {
    store: memoryIncidentStore(),
    now: () => clock.now,
    sleep: async () => undefined,
    notifier: {
      async notify(n: Notification) {
        notifications.push({ minute: Math.round((clock.now - T0) / 60_000), n });
        return { channel: 'console' as const, subject: n.title };
      },
    },
    metrics: {
      taskStopped: () => {
        tasksStoppedMetric++;
      },
      notification: () => undefined,
    },
  };
  const settings: TaskStoppedSettings = {
    stage: 'bench',
    region: REGION,
    services: [SERVICE],
    notifyRoutine: false,
    escalateAfter: 3,
    quietMs: 15 * 60_000,
    ...overrides,
  };
  const deliver = async (raw: unknown) => {
    const input = parseEvent(raw);
    if (input.kind === 'deployment') await handleDeploymentEvent(input.event, deps, settings);
    else if (input.kind === 'task-stopped' && input.event.detail.lastStatus === 'RUNNING')
      await handleTaskRunning(input.event, deps, settings);
    else if (input.kind === 'task-stopped') await handleTaskStopped(input.event, deps, settings);
  };

  const stopped = new Set<string>();
  const last = Math.max(...timeline.steps.map((s) => s.at)) + 60;
  let next = 0;
  const steps = [...timeline.steps].sort((a, b) => a.at - b.at);
  for (let minute = 0; minute <= last; minute++) {
    clock.now = T0 + minute * 60_000;
    while (next < steps.length && steps[next]!.at === minute) {
      const step = steps[next++]!;
      const events =
        'stop' in step
          ? [
              taskEvent(step.task, clock.now, {
                lastStatus: 'STOPPED',
                desiredStatus: 'STOPPED',
                ...STOPS[step.stop],
              }),
            ]
          : 'running' in step
            ? [
                taskEvent(step.running, clock.now, {
                  lastStatus: 'RUNNING',
                  desiredStatus: 'RUNNING',
                  startedAt: new Date(clock.now).toISOString(),
                }),
              ]
            : [deploymentEvent(step.deploymentCompleted, clock.now)];
      if ('stop' in step) stopped.add(step.task);
      for (const event of timeline.redeliver ? [...events, ...events] : events) await deliver(event);
    }
    if (minute % SWEEP_EVERY_MIN === 0) await sweepIncidents(deps, settings);
  }
  return {
    messages: notifications.map(({ minute, n }) => ({
      minute,
      eventType: n.eventType ?? '',
      severity: n.severity,
      title: n.title,
    })),
    tasksStoppedMetric,
    distinctStoppedTasks: stopped.size,
  };
}

/** Crash-loop messages: the critical ones (first failure or escalation of a crash loop). */
export const crashLoopMessages = (r: Replay) => r.messages.filter((m) => m.severity === 'critical').length;
