/**
 * The ECS calls the functions make, once: an injected client (`new ECSClient(clientConfig())`),
 * SDK shapes out, every SDK error translated by `toOpsError` (retryable or permanent, original kept
 * as `cause`). Each function maps these shapes onto its own port types in its `adapters/`.
 */
import type {
  DesiredStatus,
  ECSClient,
  Failure,
  Service,
  ServiceDeployment,
  ServiceDeploymentBrief,
  ServiceDeploymentStatus,
  StopServiceDeploymentStopType,
  Task,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import { toOpsError } from '../errors';
import { ecs } from './commands/ecs';

/** DescribeServices accepts at most 10 services per call. */
const DESCRIBE_SERVICES_BATCH = 10;

export interface CallOptions {
  /** Aborts the request (e.g. middy's timeout signal, or a per-call deadline). */
  signal?: AbortSignal;
}

export interface EcsCalls {
  /** DescribeServices in batches of 10: every service found, and ECS's failures (e.g. MISSING). */
  describeServices(
    cluster: string,
    services: string[],
    options?: CallOptions,
  ): Promise<{ services: Service[]; failures: Failure[] }>;
  /** ListTasks (one page, at most `maxResults` ≤ 100) of one service, then DescribeTasks on them. */
  listServiceTasks(
    cluster: string,
    service: string,
    desiredStatus: DesiredStatus,
    options?: CallOptions & { maxResults?: number },
  ): Promise<Task[]>;
  listServiceDeployments(
    cluster: string,
    service: string,
    status: ServiceDeploymentStatus[],
    options?: CallOptions & { maxResults?: number },
  ): Promise<ServiceDeploymentBrief[]>;
  describeServiceDeployment(arn: string, options?: CallOptions): Promise<ServiceDeployment | undefined>;
  stopServiceDeployment(
    arn: string,
    stopType: StopServiceDeploymentStopType,
    options?: CallOptions,
  ): Promise<void>;
  /**
   * UpdateService with forceNewDeployment, optionally onto another task definition: the service as
   * UpdateService returns it ("the full description of your service following the update call";
   * its `deployments` hold the new one as PRIMARY):
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html
   */
  forceNewDeployment(
    cluster: string,
    service: string,
    taskDefinition?: string,
    options?: CallOptions,
  ): Promise<Service | undefined>;
  listTags(resourceArn: string, options?: CallOptions): Promise<Record<string, string>>;
  tagResource(resourceArn: string, tags: Record<string, string>, options?: CallOptions): Promise<void>;
  describeTaskDefinition(taskDefinition: string, options?: CallOptions): Promise<TaskDefinition | undefined>;
}

export function ecsCalls(client: ECSClient): EcsCalls {
  const call = async <T>(action: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toOpsError(action, error);
    }
  };
  return {
    async describeServices(cluster, services, { signal } = {}) {
      const found: Service[] = [];
      const failures: Failure[] = [];
      for (let i = 0; i < services.length; i += DESCRIBE_SERVICES_BATCH) {
        const batch = services.slice(i, i + DESCRIBE_SERVICES_BATCH);
        const res = await call(`ecs:DescribeServices ${cluster}/${batch.join(',')}`, () =>
          client.send(new ecs.DescribeServicesCommand({ cluster, services: batch }), { abortSignal: signal }),
        );
        found.push(...(res.services ?? []));
        failures.push(...(res.failures ?? []));
      }
      return { services: found, failures };
    },

    listServiceTasks(cluster, service, desiredStatus, { signal, maxResults = 100 } = {}) {
      return call(`ecs:ListTasks/DescribeTasks ${cluster}/${service} ${desiredStatus}`, async () => {
        const listed = await client.send(
          new ecs.ListTasksCommand({ cluster, serviceName: service, desiredStatus, maxResults }),
          { abortSignal: signal },
        );
        const arns = listed.taskArns ?? [];
        if (arns.length === 0) return [];
        const described = await client.send(new ecs.DescribeTasksCommand({ cluster, tasks: arns }), {
          abortSignal: signal,
        });
        return described.tasks ?? [];
      });
    },

    listServiceDeployments(cluster, service, status, { signal, maxResults = 20 } = {}) {
      return call(`ecs:ListServiceDeployments ${cluster}/${service}`, async () => {
        const res = await client.send(
          new ecs.ListServiceDeploymentsCommand({ cluster, service, status, maxResults }),
          { abortSignal: signal },
        );
        return res.serviceDeployments ?? [];
      });
    },

    describeServiceDeployment(arn, { signal } = {}) {
      return call(`ecs:DescribeServiceDeployments ${arn}`, async () => {
        const res = await client.send(
          new ecs.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }),
          { abortSignal: signal },
        );
        return res.serviceDeployments?.find((sd) => sd.serviceDeploymentArn === arn);
      });
    },

    async stopServiceDeployment(arn, stopType, { signal } = {}) {
      await call(`ecs:StopServiceDeployment ${arn}`, () =>
        client.send(new ecs.StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType }), {
          abortSignal: signal,
        }),
      );
    },

    async forceNewDeployment(cluster, service, taskDefinition, { signal } = {}) {
      const res = await call(
        `ecs:UpdateService ${cluster}/${service}${taskDefinition ? ` -> ${taskDefinition}` : ''}`,
        () =>
          client.send(
            new ecs.UpdateServiceCommand({
              cluster,
              service,
              ...(taskDefinition ? { taskDefinition } : {}),
              forceNewDeployment: true,
            }),
            { abortSignal: signal },
          ),
      );
      return res.service;
    },

    listTags(resourceArn, { signal } = {}) {
      return call(`ecs:ListTagsForResource ${resourceArn}`, async () => {
        const res = await client.send(new ecs.ListTagsForResourceCommand({ resourceArn }), {
          abortSignal: signal,
        });
        return Object.fromEntries(
          (res.tags ?? []).filter((t) => t.key).map((t) => [t.key as string, t.value ?? '']),
        );
      });
    },

    async tagResource(resourceArn, tags, { signal } = {}) {
      await call(`ecs:TagResource ${resourceArn}`, () =>
        client.send(
          new ecs.TagResourceCommand({
            resourceArn,
            tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
          }),
          { abortSignal: signal },
        ),
      );
    },

    describeTaskDefinition(taskDefinition, { signal } = {}) {
      return call(`ecs:DescribeTaskDefinition ${taskDefinition}`, async () => {
        const res = await client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition }), {
          abortSignal: signal,
        });
        return res.taskDefinition;
      });
    },
  };
}
