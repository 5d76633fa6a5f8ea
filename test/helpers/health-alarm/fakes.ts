import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProbeResult } from '../../../shared/health/types';
import type { Notification, Notifier, NotifyResult } from '../../../shared/notify';
import type { HealthAlarmSettings } from '../../../functions/health-alarm/core';
import type {
  HealthAlarmDeps,
  StateTransition,
  TargetHealthEntry,
  TaskInfo,
} from '../../../functions/health-alarm/ports';

const EVENTS = path.resolve(__dirname, '../../../events/health-alarm');

/** A sample event from events/health-alarm (the same files `serverless invoke local` uses). */
export function sampleEvent(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(EVENTS, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

export const TG_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/django-web/6d0ecf831eec9f09';
export const LB_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/django-alb/50dc6c495c0c9188';

export const settings: HealthAlarmSettings = {
  stage: 'local',
  cluster: 'django-app',
  services: [{ name: 'web', targetGroupArn: TG_ARN, loadBalancerArn: LB_ARN }, { name: 'worker' }],
  insufficientData: 'skip',
  enrichmentTimeoutMs: 200,
  stoppedTaskWindowMinutes: 60,
  dryRun: false,
};

/** "now" in the samples: a few minutes after the ALARM transition at 02:50:12Z. */
export const NOW = new Date('2026-11-24T02:55:00.000Z');

export function task(id: string, overrides: Partial<TaskInfo> = {}): TaskInfo {
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/django-app/${id}`,
    taskId: id,
    privateIps: [],
    group: 'service:web',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:42',
    containers: [],
    ...overrides,
  };
}

export function elbKilled(id: string, ip: string, stoppedAt: string): TaskInfo {
  return task(id, {
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    privateIps: [ip],
    stopCode: 'ServiceSchedulerInitiated',
    stoppedReason: `Task failed ELB health checks in (target-group ${TG_ARN})`,
    startedBy: 'ecs-svc/1234567890123456789',
    stoppedAt,
    containers: [{ name: 'web', exitCode: 137, lastStatus: 'STOPPED', reason: null }],
  });
}

export function oomKilled(id: string, stoppedAt: string): TaskInfo {
  return task(id, {
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    stoppedAt,
    containers: [
      {
        name: 'web',
        exitCode: 137,
        lastStatus: 'STOPPED',
        reason: 'OutOfMemoryError: Container killed due to memory usage',
      },
    ],
  });
}

export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  failWith?: Error;
  async notify(n: Notification): Promise<NotifyResult> {
    if (this.failWith) throw this.failWith;
    this.sent.push(n);
    return { channel: 'console', subject: n.title };
  }
}

/** An AWS-SDK-shaped error (name + message), as the adapters' `cause`. */
export function awsError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

export interface FakeState {
  targets?: TargetHealthEntry[] | Error | 'hang';
  running?: TaskInfo[] | Error | 'hang';
  stopped?: TaskInfo[] | Error | 'hang';
  probe?: ProbeResult | Error | 'hang';
  alarmSince?: string | Error | 'hang';
  /** The alarm history, newest first. */
  transitions?: StateTransition[] | Error | 'hang';
}

/** Never settles, unless the step is aborted (then rejects like the SDK does). */
function hang<T>(signal?: AbortSignal): Promise<T> {
  return new Promise<T>((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(awsError('AbortError', 'Request aborted')));
  });
}

function answer<T>(value: T | Error | 'hang' | undefined, fallback: T, signal?: AbortSignal): Promise<T> {
  if (value === 'hang') return hang<T>(signal);
  if (value instanceof Error) return Promise.reject(value);
  return Promise.resolve(value ?? fallback);
}

export function fakeDeps(state: FakeState = {}) {
  const notifier = new RecordingNotifier();
  const calls = {
    targetHealth: [] as string[],
    tasks: [] as string[],
    probe: [] as Array<[string, number]>,
    history: [] as string[],
  };
  const aborted: string[] = [];
  const metrics: Array<{ kind: string; state: string }> = [];
  const log: Array<{ level: 'info' | 'warn'; message: string; extra?: Record<string, unknown> }> = [];
  const deps: HealthAlarmDeps = {
    targetHealth: {
      describeTargetHealth(arn, signal) {
        calls.targetHealth.push(arn);
        signal.addEventListener('abort', () => aborted.push('targetHealth'));
        return answer(state.targets, [], signal);
      },
    },
    tasks: {
      listServiceTasks(cluster, service, status, signal) {
        calls.tasks.push(`${cluster}/${service}/${status}`);
        return answer(status === 'RUNNING' ? state.running : state.stopped, [], signal);
      },
    },
    probe: {
      probe(target, budget) {
        calls.probe.push([target, budget]);
        return answer(state.probe, undefined as unknown as ProbeResult);
      },
    },
    history: {
      recentTransitions(name, _before, signal) {
        calls.history.push(name);
        return answer(state.transitions, [], signal);
      },
      lastEnteredState(name, wanted, before, signal) {
        calls.history.push(name);
        // Without a fixed answer, the same history recentTransitions serves.
        const fromHistory = Array.isArray(state.transitions)
          ? state.transitions.find((t) => t.to === wanted && Date.parse(t.at) <= before.getTime())?.at
          : undefined;
        return answer(state.alarmSince, fromHistory as string, signal);
      },
    },
    notifier,
    metrics: {
      notified: (kind, state) => void metrics.push({ kind, state }),
    },
    log: {
      info: (message, extra) => void log.push({ level: 'info', message, extra }),
      warn: (message, extra) => void log.push({ level: 'warn', message, extra }),
    },
    now: () => NOW,
  };
  return { deps, notifier, calls, aborted, metrics, log };
}
