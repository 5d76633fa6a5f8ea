import type { Notifier } from '../../shared/notify';
import type { Log } from '../../shared/ports';
import type { DriftReport } from './core';

/** What the check reads from one queue. */
export interface QueueAttributes {
  visibilityTimeout: number;
  /** ApproximateNumberOfMessages: visible, waiting to be received. */
  approximateMessages: number;
  /** ApproximateNumberOfMessagesNotVisible: in flight (received, not yet deleted). */
  approximateMessagesNotVisible: number;
  /** ApproximateNumberOfMessagesDelayed: sent with a delay, not yet visible. */
  approximateMessagesDelayed: number;
  arn?: string;
}

/** SQS, in the terms the check needs. `undefined` means the queue does not exist. */
export interface QueuePort {
  queueUrl(name: string): Promise<string | undefined>;
  attributes(queueUrl: string): Promise<QueueAttributes | undefined>;
  /** URLs of every queue whose name starts with `prefix`. */
  listQueueUrls(prefix: string): Promise<string[]>;
  setVisibilityTimeout(queueUrl: string, seconds: number): Promise<void>;
}

export interface ContainerEnvironment {
  name: string;
  environment: Record<string, string>;
}

/** The containers of an ECS service's current (PRIMARY deployment) task definition. */
export interface ServiceTaskDefinition {
  taskDefinitionArn: string;
  containers: ContainerEnvironment[];
}

export interface TaskDefinitionPort {
  /** Throws a PermanentError when the service does not exist. */
  currentTaskDefinition(cluster: string, service: string): Promise<ServiceTaskDefinition>;
}

export type FindingKind =
  | 'VisibilityTimeoutDrift'
  | 'QueueMissing'
  | 'UnexpectedQueue'
  | 'TimeoutBelowLongestTask'
  | 'DeadLetterMessages'
  | 'CheckFailed';

/** An open drift episode: notified when opened, removed (and notified) when resolved. */
export interface Episode {
  /** `<queue>#<FindingKind>` */
  key: string;
  queue: string;
  kind: FindingKind;
  openedAt: string;
  /** The finding's message when the episode opened, repeated in the resolution notice. */
  summary: string;
}

/**
 * Open episodes. `open` and `resolve` are conditional: they return false when another
 * invocation already did it, so concurrent runs (schedule + CloudTrail) notify once.
 */
export interface EpisodeStore {
  readonly kind: 'dynamodb' | 'memory';
  list(): Promise<Episode[]>;
  open(episode: Episode): Promise<boolean>;
  resolve(key: string): Promise<boolean>;
}

export interface QueueDriftDeps {
  sqs: QueuePort;
  ecs: TaskDefinitionPort;
  episodes: EpisodeStore;
  notifier: Notifier;
  /** The run's EMF metrics (adapters/metrics.ts). */
  metrics: DriftMetrics;
  log: Log;
  now?: () => Date;
}

export interface DriftMetrics {
  run(report: DriftReport): void;
}

export function episodeKey(queue: string, kind: FindingKind): string {
  return `${queue}#${kind}`;
}
