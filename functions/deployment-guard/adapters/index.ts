import { clientConfig } from '../../../shared/aws/client-config';
import { cloudFormationClient, dynamoDbClient, ecsClient } from '../../../shared/aws/lazy';
import { ecsCalls } from '../../../shared/aws/ecs';
import { notifierFor } from '../../../shared/notify';
import { logPort } from '../../../shared/powertools';
import { noClaims, type GuardDeps } from '../ports';
import type { DeploymentGuardConfig } from '../schema';
import { dynamoClaims } from './claims';
import { stackAdapter } from './cloudformation';
import { ecsAdapter } from './ecs';
import { guardMetrics } from './metrics';
import { loadOfflineState, offlineAdapters } from './offline';

/**
 * The guard's ports. `invoke local` without an AWS account reads a recorded cluster state instead
 * (local stage only). Dry run is the guard's own decision (core): its notification says what it
 * would have done, so the notifier publishes in dry run too.
 */
export function buildDeps(config: DeploymentGuardConfig, env: NodeJS.ProcessEnv = process.env): GuardDeps {
  const offline = config.DEPLOYMENT_GUARD_OFFLINE_STATE
    ? loadOfflineState(config.DEPLOYMENT_GUARD_OFFLINE_STATE)
    : undefined;
  const aws = offline
    ? offlineAdapters(offline)
    : {
        ecs: ecsAdapter(ecsCalls(ecsClient(clientConfig()))),
        stacks: stackAdapter(cloudFormationClient(clientConfig())),
      };
  const now = offline ? () => offline.clock : () => new Date();
  return {
    ...aws,
    // No table ('' for invoke local): no claims — one process, one invocation at a time.
    claims: config.CLAIMS_TABLE
      ? dynamoClaims(dynamoDbClient(clientConfig()), config.CLAIMS_TABLE, now)
      : noClaims,
    notifier: notifierFor({ dryRun: false }, env),
    metrics: guardMetrics,
    log: logPort,
    now,
    dryRunReported: new Set(),
  };
}
