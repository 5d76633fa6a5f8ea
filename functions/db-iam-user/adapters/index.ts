/**
 * Builds dbIamUser's dependencies once per container: the master secret (Secrets Manager, or the
 * local stage's variable), the RDS-managed secret's endpoint (Secrets Manager + RDS), the
 * database driver, and the request options. The only place this function builds SDK clients.
 */
import { existsSync } from 'node:fs';
import { clientConfig } from '../../../shared/aws/client-config';
import { rdsClient, secretsManagerClient } from '../../../shared/aws/lazy';
import { loadConfig } from '../../../shared/config';
import { connect } from '../../../shared/db/driver';
import { ConfigError } from '../../../shared/errors';
import { logger } from '../../../shared/powertools';
import type { CoreDeps } from '../core';
import { type LifecycleOptions, misconfigured } from '../custom-resource';
import { authMethod } from '../dialects/mysql';
import { DbIamUserConfig } from '../schema';
import { localCredentials, secretsManagerCredentials } from './credentials';
import { rdsEndpointResolver } from './endpoints';

export { localCredentials, secretsManagerCredentials } from './credentials';
export { rdsEndpointResolver } from './endpoints';

export interface DbIamUserDeps {
  deps: CoreDeps;
  options: LifecycleOptions;
}

export function buildDeps(config: DbIamUserConfig, env: NodeJS.ProcessEnv = process.env): DbIamUserDeps {
  let mysqlAuth;
  try {
    mysqlAuth = authMethod(config.MYSQL_IAM_AUTH_CLAUSE);
  } catch (error) {
    throw new ConfigError(`MYSQL_IAM_AUTH_CLAUSE is invalid: ${(error as Error).message}`);
  }
  const useLocal = config.STAGE === 'local' && config.LOCAL_MASTER_CREDENTIALS_JSON !== undefined;
  if (useLocal)
    logger.warn(
      'STAGE=local: master credentials come from LOCAL_MASTER_CREDENTIALS_JSON, not Secrets Manager',
    );
  // In private subnets: a missing endpoint fails at once, naming it (README: Network).
  const secrets = secretsManagerClient(clientConfig({ maxAttempts: 3 }), 'secretsmanager');
  return {
    deps: {
      credentials: useLocal
        ? localCredentials(config.LOCAL_MASTER_CREDENTIALS_JSON ?? '')
        : secretsManagerCredentials(secrets),
      endpoints: rdsEndpointResolver(secrets, rdsClient(clientConfig({ maxAttempts: 3 }), 'rds')),
      connect,
      mysqlAuth,
    },
    options: {
      dryRun: config.DRY_RUN,
      caBundlePath: existsSync(config.DB_CA_BUNDLE_PATH) ? config.DB_CA_BUNDLE_PATH : undefined,
      marginMs: config.RESPONSE_MARGIN_MS,
      send: { region: env.AWS_REGION },
    },
  };
}

/**
 * The configuration and `buildDeps`, never throwing. A configuration error must not escape at
 * module load: CloudFormation would then get no response at all (the stack waits for its
 * timeout), so it becomes the FAILED reason of every request instead (`misconfigured`).
 */
export function depsFromEnv(env: NodeJS.ProcessEnv = process.env): DbIamUserDeps {
  try {
    return buildDeps(loadConfig(DbIamUserConfig, env), env);
  } catch (error) {
    logger.error('dbIamUser is misconfigured', { error: String(error) });
    return {
      deps: misconfigured(error instanceof Error ? error : new Error(String(error))),
      options: { dryRun: false, marginMs: 5_000 },
    };
  }
}
