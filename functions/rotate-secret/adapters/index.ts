import { clientConfig } from '../../../shared/aws/client-config';
import { ecsClient, rdsClient, secretsManagerClient } from '../../../shared/aws/lazy';
import { connect } from '../../../shared/db/driver';
import { notifierFor } from '../../../shared/notify';
import { logger, logPort } from '../../../shared/powertools';
import type { RotateSecretDeps } from '../ports';
import type { RotateSecretConfig } from '../schema';
import { ecsAdapter } from './ecs';
import { localStateSecrets } from './local-state';
import { rotationMetrics } from './metrics';
import { rdsAdapter } from './rds';
import { secretsManagerAdapter } from './secrets-manager';

/**
 * Builds the adapters once per container; the only place rotateSecret builds SDK clients. With
 * LOCAL_SECRETS_STATE (the local stage) secrets come from a file. `dryRun: false`: in dry run a
 * failed step is still notified, as before (dry run changes no secret, user or service).
 * In private subnets each API needs an endpoint or NAT: a call that cannot connect fails at once,
 * naming the missing endpoint (shared/aws/reachability), instead of retrying into the timeout.
 */
export function buildDeps(
  config: RotateSecretConfig,
  env: NodeJS.ProcessEnv = process.env,
): RotateSecretDeps {
  return {
    secrets: config.LOCAL_SECRETS_STATE
      ? localStateSecrets(config.LOCAL_SECRETS_STATE)
      : secretsManagerAdapter(secretsManagerClient(clientConfig(), 'secretsmanager')),
    ecs: ecsAdapter(ecsClient(clientConfig(), 'ecs')),
    rds: rdsAdapter(rdsClient(clientConfig(), 'rds')),
    db: { connect },
    notifier: notifierFor({ dryRun: false }, env),
    log: { ...logPort, appendKeys: (keys) => logger.appendKeys(keys) },
    metrics: rotationMetrics,
  };
}
