/**
 * Builds dbIamUser's dependencies once per container: the master secret (Secrets Manager, or the
 * local stage's variable), the RDS-managed secret's endpoint (Secrets Manager + RDS) and the
 * database driver. The only place this function builds SDK clients.
 */
import { clientConfig } from '../../../shared/aws/client-config';
import { rdsClient, secretsManagerClient } from '../../../shared/aws/lazy';
import { loadConfig } from '../../../shared/config';
import { connect } from '../../../shared/db/driver';
import { ConfigError } from '../../../shared/errors';
import { logger } from '../../../shared/powertools';
import type { CoreDeps } from '../core';
import { type LifecycleOptions, misconfigured } from '../custom-resource';
import { authMethod } from '../dialects/mysql';
import { DbIamUserConfig, settingsFrom } from '../schema';
import { localCredentials, secretsManagerCredentials } from './credentials';
import { rdsEndpointResolver } from './endpoints';

export { localCredentials, secretsManagerCredentials } from './credentials';
export { rdsEndpointResolver } from './endpoints';

export interface DbIamUserDeps {
  deps: CoreDeps;
  options: LifecycleOptions;
}

export function buildDeps(config: DbIamUserConfig): CoreDeps {
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
    credentials: useLocal
      ? localCredentials(config.LOCAL_MASTER_CREDENTIALS_JSON ?? '')
      : secretsManagerCredentials(secrets),
    endpoints: rdsEndpointResolver(secrets, rdsClient(clientConfig({ maxAttempts: 3 }), 'rds')),
    connect,
    mysqlAuth,
  };
}

/**
 * The configuration, `buildDeps` and `settingsFrom` (schema.ts), never throwing. A configuration
 * error must not escape at module load: CloudFormation would then get no response at all (the
 * stack waits for its timeout), so it becomes the FAILED reason of every request instead
 * (`misconfigured`).
 */
export function depsFromEnv(env: NodeJS.ProcessEnv = process.env): DbIamUserDeps {
  try {
    const config = loadConfig(DbIamUserConfig, env);
    return { deps: buildDeps(config), options: settingsFrom(config, env) };
  } catch (error) {
    logger.error('dbIamUser is misconfigured', { error: String(error) });
    return {
      deps: misconfigured(error instanceof Error ? error : new Error(String(error))),
      options: { dryRun: false, marginMs: 5_000 },
    };
  }
}
