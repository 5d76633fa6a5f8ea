import type { Deployment, Service } from '@aws-sdk/client-ecs';
import type { EcsCalls } from '../../../shared/aws/ecs';
import { describeError, type OpsError } from '../../../shared/errors';
import { MARKER_TAG, type EcsPort, type StopOutcome } from '../ports';
import type { DeploymentView, ServiceDeploymentView, ServiceSnapshot, StoppedTaskView } from '../types';

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

/** The ECS port over the shared ECS calls (pass `ecsCalls(new ECSClient(clientConfig()))`). */
export function ecsAdapter(ecs: EcsCalls): EcsPort {
  return {
    async describeServices(cluster, services) {
      const { services: found } = await ecs.describeServices(cluster, services);
      return found.filter((s) => s.status !== 'INACTIVE').map((s) => toSnapshot(cluster, s));
    },

    async listOpenServiceDeployments(cluster, service) {
      try {
        const deployments = await ecs.listServiceDeployments(cluster, service, [...OPEN_STATUSES], {
          maxResults: 20,
        });
        return deployments
          .filter((sd) => sd.serviceDeploymentArn && sd.status)
          .map((sd): ServiceDeploymentView => ({
            arn: sd.serviceDeploymentArn as string,
            status: sd.status as string,
            statusReason: sd.statusReason,
            startedAt: sd.startedAt,
            createdAt: sd.createdAt,
          }));
      } catch (error) {
        if ((error as OpsError).retryable || !isMissingApi((error as OpsError).cause)) throw error;
        // Older regions/partitions without the API: the UpdateService fallback still works. Any
        // other refusal (AccessDenied above all) fails the invocation so a person sees it.
        return [];
      }
    },

    listTags: (serviceArn) => ecs.listTags(serviceArn),

    async listStoppedTasks(cluster, service, deploymentId) {
      // ListTasks takes `startedBy` only as its sole filter, and without `desiredStatus` it lists
      // RUNNING tasks: list the service's STOPPED tasks, then keep the deployment's by startedBy.
      // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html
      const tasks = await ecs.listServiceTasks(cluster, service, 'STOPPED', { maxResults: STOPPED_LISTED });
      return tasks
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
    },

    async serviceDeploymentStatus(serviceDeploymentArn) {
      return (await ecs.describeServiceDeployment(serviceDeploymentArn))?.status;
    },

    async stopWithRollback(serviceDeploymentArn): Promise<StopOutcome> {
      try {
        await ecs.stopServiceDeployment(serviceDeploymentArn, 'ROLLBACK');
        return { outcome: 'requested' };
      } catch (error) {
        if ((error as OpsError).retryable) throw error;
        const cause = (error as OpsError).cause ?? error;
        const name = (cause as { name?: string }).name ?? '';
        if (STOP_CONFLICT.has(name)) return { outcome: 'conflict', reason: describeError(cause) };
        return { outcome: 'rejected', reason: describeError(cause) };
      }
    },

    async rollbackService(cluster, service, taskDefinition) {
      await ecs.forceNewDeployment(cluster, service, taskDefinition);
    },

    markHandled: (serviceArn, value) => ecs.tagResource(serviceArn, { [MARKER_TAG]: value }),
  };
}

/** True when the error says the API itself does not exist here (not a permission problem). */
function isMissingApi(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  return /UnknownOperation|InvalidAction|Unsupported(Operation|Feature)|NotImplemented/i.test(name);
}
