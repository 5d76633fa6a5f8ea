import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Service } from '@aws-sdk/client-ecs';
import { ConfigError, PermanentError } from '../../../shared/errors';
import type { EcsPort, StackPort } from '../ports';
import type { ServiceDeploymentView, StoppedTaskView } from '../types';
import { toSnapshot } from './ecs';

/**
 * A recorded cluster state for `serverless invoke local --stage local` without an AWS account
 * (stage param `deploymentGuardOfflineState`). Read-only: a mutating call fails, which is fine
 * because the local stage runs with DRY_RUN=true.
 */
export interface OfflineState {
  /** The clock of the recording: the guard judges the state as of this instant. */
  now: string;
  /** DescribeServices `services[]`, timestamps as ISO strings. */
  services: Array<Record<string, unknown>>;
  serviceDeployments?: Record<string, Array<{ arn: string; status: string; startedAt?: string }>>;
  tags?: Record<string, Record<string, string>>;
  /** Stopped tasks by deployment id (`startedBy`), timestamps as ISO strings. */
  stoppedTasks?: Record<string, Array<Record<string, unknown>>>;
  /** DescribeStacks by stack name: status, and RootId / RoleARN when the stack has them. */
  stacks?: Record<string, { status: string; rootId?: string; roleArn?: string }>;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
const revive = (_key: string, value: unknown) =>
  typeof value === 'string' && ISO.test(value) ? new Date(value) : value;

/** `invoke local` runs the bundle from .esbuild/.build: look for the file up from there too. */
function locate(file: string): string {
  if (path.isAbsolute(file)) return file;
  let dir = process.cwd();
  for (let i = 0; i < 4; i += 1) {
    const candidate = path.join(dir, file);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve(file);
}

export function loadOfflineState(file: string): OfflineState & { clock: Date } {
  try {
    const state = JSON.parse(readFileSync(locate(file), 'utf8')) as OfflineState;
    return { ...state, clock: new Date(state.now) };
  } catch (error) {
    throw new ConfigError(
      `deploymentGuard offline state ${file} cannot be read: ${(error as Error).message}`,
    );
  }
}

export function offlineAdapters(state: OfflineState): { ecs: EcsPort; stacks: StackPort } {
  const readOnly = (call: string) =>
    Promise.reject(new PermanentError(`${call} is not available offline (set DRY_RUN=true)`));
  return {
    ecs: {
      async describeServices(cluster, names) {
        return state.services
          .map((s) => JSON.parse(JSON.stringify(s), revive) as Service)
          .filter((s) => names.includes(s.serviceName ?? ''))
          .map((s) => toSnapshot(cluster, s));
      },
      async listOpenServiceDeployments(_cluster, service) {
        return (state.serviceDeployments?.[service] ?? []).map((sd): ServiceDeploymentView => ({
          arn: sd.arn,
          status: sd.status,
          startedAt: sd.startedAt ? new Date(sd.startedAt) : undefined,
        }));
      },
      async listTags(serviceArn) {
        return state.tags?.[serviceArn] ?? {};
      },
      async serviceDeploymentStatus(arn) {
        return Object.values(state.serviceDeployments ?? {})
          .flat()
          .find((sd) => sd.arn === arn)?.status;
      },
      async listStoppedTasks(_cluster, _service, deploymentId) {
        return (state.stoppedTasks?.[deploymentId] ?? []).map(
          (t) => JSON.parse(JSON.stringify(t), revive) as StoppedTaskView,
        );
      },
      stopWithRollback: () => readOnly('ecs:StopServiceDeployment'),
      rollbackService: () => readOnly('ecs:UpdateService'),
      markHandled: () => readOnly('ecs:TagResource'),
    },
    stacks: {
      async describe(stackName) {
        const stack = state.stacks?.[stackName];
        return stack ? { name: stackName, ...stack } : undefined;
      },
      cancelUpdate: () => readOnly('cloudformation:CancelUpdateStack'),
    },
  };
}
