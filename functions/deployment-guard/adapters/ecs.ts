import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  ListServiceDeploymentsCommand,
  ListTagsForResourceCommand,
  StopServiceDeploymentCommand,
  TagResourceCommand,
  UpdateServiceCommand,
  type Deployment,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import { toOpsError, isRetryable, describeError } from '../../../shared/errors';
import { MARKER_TAG, type EcsPort, type StopOutcome } from '../ports';
import type { DeploymentView, ServiceDeploymentView, ServiceSnapshot, StoppedTaskView } from '../types';

/** DescribeServices accepts at most 10 services per call. */
const DESCRIBE_BATCH = 10;
/** Service deployments that may still be stopped or are stopping. */
const OPEN_STATUSES = [
  'PENDING',
  'IN_PROGRESS',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'STOP_REQUESTED',
] as const;
/** Stopped tasks read for evidence (the newest few explain a failure). */
const STOPPED_TASKS = 10;
/** Stopped tasks of the service listed to find those of one deployment (ListTasks/DescribeTasks maximum). */
const STOPPED_LISTED = 100;
/** Errors of StopServiceDeployment after which the UpdateService fallback is the way. */
const STOP_CONFLICT = new Set(['ConflictException']);

function toDeployment(d: Deployment, fallbackTime: Date): DeploymentView {
  const createdAt = d.createdAt ?? fallbackTime;
  return {
    id: d.id ?? 'unknown',
    status: d.status ?? 'UNKNOWN',
    taskDefinition: d.taskDefinition ?? 'unknown',
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
    desiredCount: d.desiredCount ?? 0,
    runningCount: d.runningCount ?? 0,
    pendingCount: d.pendingCount ?? 0,
    failedTasks: d.failedTasks ?? 0,
    createdAt,
    updatedAt: d.updatedAt ?? createdAt,
  };
}

export function toSnapshot(cluster: string, s: Service, now = new Date()): ServiceSnapshot {
  return {
    cluster,
    service: s.serviceName ?? 'unknown',
    serviceArn: s.serviceArn,
    deployments: (s.deployments ?? []).map((d) => toDeployment(d, now)),
    events: (s.events ?? [])
      .filter((e) => e.createdAt && e.message)
      .map((e) => ({ at: e.createdAt as Date, message: e.message as string })),
  };
}

/** The ECS port over an SDK client (pass `new ECSClient(clientConfig())`). */
export function ecsAdapter(client: ECSClient): EcsPort {
  return {
    async describeServices(cluster, services) {
      const out: ServiceSnapshot[] = [];
      for (let i = 0; i < services.length; i += DESCRIBE_BATCH) {
        const batch = services.slice(i, i + DESCRIBE_BATCH);
        try {
          const res = await client.send(new DescribeServicesCommand({ cluster, services: batch }));
          for (const s of res.services ?? []) {
            if (s.status === 'INACTIVE') continue;
            out.push(toSnapshot(cluster, s));
          }
        } catch (error) {
          throw toOpsError(`ecs:DescribeServices ${cluster}/${batch.join(',')}`, error);
        }
      }
      return out;
    },

    async listOpenServiceDeployments(cluster, service) {
      try {
        const res = await client.send(
          new ListServiceDeploymentsCommand({ cluster, service, status: [...OPEN_STATUSES], maxResults: 20 }),
        );
        return (res.serviceDeployments ?? [])
          .filter((sd) => sd.serviceDeploymentArn && sd.status)
          .map((sd): ServiceDeploymentView => ({
            arn: sd.serviceDeploymentArn as string,
            status: sd.status as string,
            statusReason: sd.statusReason,
            startedAt: sd.startedAt,
            createdAt: sd.createdAt,
          }));
      } catch (error) {
        const wrapped = toOpsError(`ecs:ListServiceDeployments ${cluster}/${service}`, error);
        if (wrapped.retryable || !isMissingApi(error)) throw wrapped;
        // Older regions/partitions without the API: the UpdateService fallback still works. Any
        // other refusal (AccessDenied above all) fails the invocation so a person sees it.
        return [];
      }
    },

    async listTags(serviceArn) {
      try {
        const res = await client.send(new ListTagsForResourceCommand({ resourceArn: serviceArn }));
        return Object.fromEntries(
          (res.tags ?? []).filter((t) => t.key).map((t) => [t.key as string, t.value ?? '']),
        );
      } catch (error) {
        throw toOpsError(`ecs:ListTagsForResource ${serviceArn}`, error);
      }
    },

    async listStoppedTasks(cluster, service, deploymentId) {
      // ListTasks takes `startedBy` only as its sole filter, and without `desiredStatus` it lists
      // RUNNING tasks: list the service's STOPPED tasks, then keep the deployment's by startedBy.
      // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html
      try {
        const listed = await client.send(
          new ListTasksCommand({
            cluster,
            serviceName: service,
            desiredStatus: 'STOPPED',
            maxResults: STOPPED_LISTED,
          }),
        );
        const arns = listed.taskArns ?? [];
        if (arns.length === 0) return [];
        const described = await client.send(new DescribeTasksCommand({ cluster, tasks: arns }));
        return (described.tasks ?? [])
          .filter((t) => t.taskArn && t.stoppedAt && t.startedBy === deploymentId)
          .sort((a, b) => (b.stoppedAt as Date).getTime() - (a.stoppedAt as Date).getTime())
          .slice(0, STOPPED_TASKS)
          .map((t): StoppedTaskView => {
            const container = t.containers?.find(
              (c) => c.reason || (c.exitCode !== undefined && c.exitCode !== 0),
            );
            return {
              taskArn: t.taskArn as string,
              stoppedAt: t.stoppedAt as Date,
              stopCode: t.stopCode,
              stoppedReason: t.stoppedReason,
              containers: t.containers?.map((c) => ({
                name: c.name,
                exitCode: c.exitCode,
                reason: c.reason,
              })),
              containerReason: container
                ? `${container.name ?? 'container'}: ${container.reason ?? `exit code ${container.exitCode}`}`
                : undefined,
            };
          });
      } catch (error) {
        throw toOpsError(
          `ecs:ListTasks/DescribeTasks ${cluster}/${service} (stopped tasks of ${deploymentId})`,
          error,
        );
      }
    },

    async serviceDeploymentStatus(serviceDeploymentArn) {
      try {
        const res = await client.send(
          new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [serviceDeploymentArn] }),
        );
        return res.serviceDeployments?.find((sd) => sd.serviceDeploymentArn === serviceDeploymentArn)?.status;
      } catch (error) {
        throw toOpsError(`ecs:DescribeServiceDeployments ${serviceDeploymentArn}`, error);
      }
    },

    async stopWithRollback(serviceDeploymentArn): Promise<StopOutcome> {
      try {
        await client.send(new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: 'ROLLBACK' }));
        return { outcome: 'requested' };
      } catch (error) {
        if (isRetryable(error)) throw toOpsError(`ecs:StopServiceDeployment ${serviceDeploymentArn}`, error);
        const name = (error as { name?: string }).name ?? '';
        if (STOP_CONFLICT.has(name)) return { outcome: 'conflict', reason: describeError(error) };
        return { outcome: 'rejected', reason: describeError(error) };
      }
    },

    async rollbackService(cluster, service, taskDefinition) {
      try {
        await client.send(
          new UpdateServiceCommand({ cluster, service, taskDefinition, forceNewDeployment: true }),
        );
      } catch (error) {
        throw toOpsError(`ecs:UpdateService ${cluster}/${service} -> ${taskDefinition}`, error);
      }
    },

    async markHandled(serviceArn, value) {
      try {
        await client.send(
          new TagResourceCommand({ resourceArn: serviceArn, tags: [{ key: MARKER_TAG, value }] }),
        );
      } catch (error) {
        throw toOpsError(`ecs:TagResource ${serviceArn}`, error);
      }
    },
  };
}

/** True when the error says the API itself does not exist here (not a permission problem). */
function isMissingApi(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  return /UnknownOperation|InvalidAction|Unsupported(Operation|Feature)|NotImplemented/i.test(name);
}
