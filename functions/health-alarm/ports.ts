import type { StoppedTaskFacts } from '../../shared/ecs/stop-types';
import type { ProbeResult } from '../../shared/health/types';
import type { Notifier } from '../../shared/notify';
import type { Log } from '../../shared/ports';
import type { AlarmKind } from './kind';
import type { AlarmState, ServiceConfig } from './schema';

/** One registered target of a target group, as DescribeTargetHealth reports it. */
export interface TargetHealthEntry {
  /** IP address (target type `ip`), instance id (`instance`) or Lambda ARN. */
  id: string;
  port?: number;
  availabilityZone?: string;
  /** healthy | unhealthy | initial | draining | unused | unavailable */
  state: string;
  /** `Target.ResponseCodeMismatch`, `Target.Timeout`, ... */
  reason?: string;
  description?: string;
}

/** An ECS task with what the enrichment needs: where it listens and, if stopped, why. */
export interface TaskInfo extends StoppedTaskFacts {
  taskArn: string;
  taskId: string;
  lastStatus?: string;
  desiredStatus?: string;
  /** Private IPv4 addresses of the task's ENI (awsvpc) — how ALB `ip` targets map to tasks. */
  privateIps: string[];
  startedAt?: string;
  stoppedAt?: string;
}

export interface TargetHealthPort {
  /** Every target of the group with its health. */
  describeTargetHealth(targetGroupArn: string, signal: AbortSignal): Promise<TargetHealthEntry[]>;
}

export interface TasksPort {
  /** Tasks of one service with the given desired status (STOPPED ones are kept ~1 hour by ECS). */
  listServiceTasks(
    cluster: string,
    service: string,
    desiredStatus: 'RUNNING' | 'STOPPED',
    signal: AbortSignal,
  ): Promise<TaskInfo[]>;
}

export interface ProbePort {
  /** Probes the named deep-healthcheck target once. Throws when the target is not configured. */
  probe(target: string, deadlineMs: number): Promise<ProbeResult>;
}

/** One state change of an alarm, as its history records it. */
export interface StateTransition {
  /** ISO time of the change. */
  at: string;
  from?: AlarmState;
  to: AlarmState;
}

export interface AlarmHistoryPort {
  /** The alarm's latest state changes at or before `before`, newest first. */
  recentTransitions(alarmName: string, before: Date, signal: AbortSignal): Promise<StateTransition[]>;
  /** When the alarm last entered `state` at or before `before`, as ISO time; undefined if not found. */
  lastEnteredState(
    alarmName: string,
    state: AlarmState,
    before: Date,
    signal: AbortSignal,
  ): Promise<string | undefined>;
}

export interface HealthAlarmDeps {
  targetHealth: TargetHealthPort;
  tasks: TasksPort;
  probe: ProbePort;
  history: AlarmHistoryPort;
  notifier: Notifier;
  metrics: AlarmMetrics;
  log: Log;
  now: () => Date;
}

export interface AlarmMetrics {
  /** One notification sent about an alarm of this kind entering this state. */
  notified(kind: AlarmKind, state: AlarmState): void;
}

export interface HealthAlarmSettings {
  stage: string;
  cluster: string;
  services: ServiceConfig[];
  insufficientData: 'skip' | 'notify';
  enrichmentTimeoutMs: number;
  stoppedTaskWindowMinutes: number;
  /** Only for the log: the notifier (adapters/index.ts) prints instead of publishing. */
  dryRun: boolean;
}
