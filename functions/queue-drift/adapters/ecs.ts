import type { EcsCalls } from '../../../shared/aws/ecs';
import { PermanentError } from '../../../shared/errors';
import type { ServiceTaskDefinition, TaskDefinitionPort } from '../ports';

/** The PRIMARY deployment's task definition and its containers' environment (shared ECS calls). */
export function ecsTaskDefinitions(ecs: EcsCalls): TaskDefinitionPort {
  return {
    async currentTaskDefinition(cluster, service): Promise<ServiceTaskDefinition> {
      const out = await ecs.describeServices(cluster, [service]);
      const found = out.services.find(
        (s) => s.serviceName === service || s.serviceArn?.endsWith(`/${service}`),
      );
      if (!found || found.status === 'INACTIVE') {
        const reason = out.failures[0]?.reason ?? found?.status ?? 'MISSING';
        throw new PermanentError(`ECS service ${service} not found in cluster ${cluster} (${reason})`);
      }
      const arn =
        found.deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? found.taskDefinition;
      if (!arn)
        throw new PermanentError(`ECS service ${service} in cluster ${cluster} has no task definition`);
      const td = await ecs.describeTaskDefinition(arn);
      const containers = (td?.containerDefinitions ?? []).map((c) => ({
        name: c.name ?? '',
        environment: Object.fromEntries(
          (c.environment ?? []).filter((e) => e.name !== undefined).map((e) => [e.name, e.value ?? '']),
        ) as Record<string, string>,
      }));
      return { taskDefinitionArn: td?.taskDefinitionArn ?? arn, containers };
    },
  };
}
