/**
 * deploymentGuard's ports (what the core needs from AWS, SNS, metrics, logs), its config and
 * result types, and the acted-on marker tag.
 */
import type { MetricName } from '../../shared/metric-names';
import type { Notifier } from '../../shared/notify';
import type {
  DeploymentPolicy,
  ServiceDeploymentView,
  ServiceSnapshot,
  StoppedTaskView,
  Trigger,
} from './types';
import type { Decision } from './decide';
import type { Log } from '../../shared/ports';

/** Service tag the guard writes after it has handled a deployment (value: `<deploymentId> <outcome>`). */
export const MARKER_TAG = 'ops-sentinel:deployment-guard';
/** Tag CloudFormation puts on every resource it manages. */
export const STACK_TAG = 'aws:cloudformation:stack-name';

/** Result of asking ECS to roll a service deployment back. */
export type StopOutcome =
  | { outcome: 'requested' }
  /** ECS refused (not supported for this service, unknown deployment...): use the fallback. */
  | { outcome: 'rejected'; reason: string }
  /** The deployment is already stopping or rolling back: nothing more to do. */
  | { outcome: 'conflict'; reason: string };

/** ECS as the guard needs it. Adapters throw RetryableError/PermanentError. */
export interface EcsPort {
  /** DescribeServices (with the service event log); services that do not exist are left out. */
  describeServices(cluster: string, services: string[]): Promise<ServiceSnapshot[]>;
  /** ListServiceDeployments that are still open (pending, in progress, stopping, rolling back). */
  listOpenServiceDeployments(cluster: string, service: string): Promise<ServiceDeploymentView[]>;
  listTags(serviceArn: string): Promise<Record<string, string>>;
  /** Recently stopped tasks of `service` launched by `deploymentId` (evidence only). */
  listStoppedTasks(cluster: string, service: string, deploymentId: string): Promise<StoppedTaskView[]>;
  /** DescribeServiceDeployments for one service deployment: its current status, or undefined if unknown. */
  serviceDeploymentStatus(serviceDeploymentArn: string): Promise<string | undefined>;
  /** StopServiceDeployment with stopType ROLLBACK. */
  stopWithRollback(serviceDeploymentArn: string): Promise<StopOutcome>;
  /** UpdateService back to `taskDefinition` with a new deployment (the fallback). */
  rollbackService(cluster: string, service: string, taskDefinition: string): Promise<void>;
  /** Writes the acted-on marker tag on the service. */
  markHandled(serviceArn: string, value: string): Promise<void>;
}

/** What DescribeStacks says of one stack. */
export interface StackView {
  name: string;
  /** The stack ID (ARN). */
  stackId?: string;
  status: string;
  /** For a nested stack: the stack ID (ARN) of the top-level stack it belongs to. */
  rootId?: string;
  /** The stack's service role, when it has one. */
  roleArn?: string;
}

export interface StackPort {
  /** DescribeStacks by name or stack ID; undefined when the stack does not exist. */
  describe(stackNameOrId: string): Promise<StackView | undefined>;
  cancelUpdate(stackName: string): Promise<void>;
}

/**
 * Claims on a deployment, so that of several invocations running at once (a burst of
 * task-stopped events, a sweep) exactly one acts. A claim expires by itself after `ttlSeconds`.
 */
export interface ClaimPort {
  /** True when this invocation now holds `key`; false when another one holds it. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
}

/**
 * No claims (every claim granted): `invoke local` and tests of the handler. In Lambda a container
 * runs one invocation at a time, so claims held in its memory would protect nothing.
 */
export const noClaims: ClaimPort = { claim: async () => true };

/** Claims held in memory, for invocations sharing one process (unit tests, timeline replays). */
export function memoryClaims(now: () => Date): ClaimPort {
  const held = new Map<string, number>();
  return {
    async claim(key, ttlSeconds) {
      const at = now().getTime();
      if ((held.get(key) ?? 0) > at) return false;
      held.set(key, at + ttlSeconds * 1000);
      return true;
    },
  };
}

export interface MetricsPort {
  add(name: MetricName, service: string, value: number, unit: 'Count' | 'Seconds'): void;
}

/** The shared Log port (shared/ports.ts). */
export type LogPort = Log;

export interface GuardDeps {
  ecs: EcsPort;
  stacks: StackPort;
  claims: ClaimPort;
  notifier: Notifier;
  metrics: MetricsPort;
  log: LogPort;
  now: () => Date;
  /**
   * Deployments already reported in dry-run (no marker tag may be written then). Held by the
   * warm Lambda container: a cold start may report a stuck deployment once more.
   */
  dryRunReported?: Set<string>;
}

export interface GuardConfig {
  cluster: string;
  region: string;
  stage?: string;
  /** DRY_RUN=true: no mutating call for any service, whatever its mode. */
  dryRun: boolean;
  policies: Record<string, DeploymentPolicy>;
  /** Stack names the guard may cancel (prefix match); empty = never cancel. */
  stackPrefixes: string[];
}

export type ActionKind = 'none' | 'rollback' | 'notify' | 'dry-run';

export interface ServiceOutcome {
  service: string;
  verdict: Decision['verdict'];
  reason: string;
  summary: string;
  action: ActionKind;
  /** requested: ECS accepted the rollback; failed: it did not; reported: notification only. */
  result?: 'requested' | 'failed' | 'reported' | 'skipped';
  /** Calls made, or in dry-run the calls that would have been made, as `api {input}`. */
  calls: string[];
  notes: string[];
}

export interface GuardResult {
  trigger: Trigger['kind'];
  dryRun: boolean;
  services: ServiceOutcome[];
}

/** The acted-on marker: `<deploymentId> <outcome> [<family:revision rolled back to>]`. */
export interface Marker {
  deploymentId: string;
  outcome?: string;
  rolledBackTo?: string;
}

export function readMarker(tags: Record<string, string> | undefined): Marker | undefined {
  const [deploymentId, outcome, rolledBackTo] = (tags?.[MARKER_TAG] ?? '').split(' ');
  return deploymentId ? { deploymentId, outcome, rolledBackTo } : undefined;
}
