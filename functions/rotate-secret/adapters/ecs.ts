import type { ECSClient } from '@aws-sdk/client-ecs';
import { ecsCalls } from '../../../shared/aws/ecs';
import type { EcsPort } from '../ports';

/**
 * UpdateService (forceNewDeployment) through the shared adapter (shared/aws/ecs.ts), which names
 * the call and the service in its errors; the new deployment is the service's PRIMARY one.
 */
export function ecsAdapter(client: ECSClient): EcsPort {
  const calls = ecsCalls(client);
  return {
    async forceNewDeployment(cluster, service) {
      const updated = await calls.forceNewDeployment(cluster, service);
      const primary = updated?.deployments?.find((d) => d.status === 'PRIMARY');
      return primary?.id ? { deploymentId: primary.id } : {};
    },
  };
}
