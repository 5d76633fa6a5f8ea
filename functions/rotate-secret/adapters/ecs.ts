import { UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { toOpsError } from '../../../shared/errors';
import type { EcsPort } from '../ports';

export function ecsAdapter(client: ECSClient): EcsPort {
  return {
    async forceNewDeployment(cluster, service) {
      try {
        const out = await client.send(
          new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }),
        );
        const primary = out.service?.deployments?.find((d) => d.status === 'PRIMARY');
        return primary?.id ? { deploymentId: primary.id } : {};
      } catch (error) {
        throw toOpsError(`ecs:UpdateService ${cluster}/${service}`, error);
      }
    },
  };
}
