/**
 * Builds dbIamUser's dependencies once per container: the master secret (Secrets Manager, or the
 * local stage's variable), the RDS-managed secret's endpoint (Secrets Manager + RDS), the
 * database driver, and the request lifecycle's log, metric and response PUT (cfn-response.ts).
 * The only place this function builds SDK clients.
 */
import { clientConfig } from '../../../shared/aws/client-config';
import { rdsClient, secretsManagerClient } from '../../../shared/aws/lazy';
import { loadConfig } from '../../../shared/config';
import { connect } from '../../../shared/db/driver';
import { ConfigError } from '../../../shared/errors';
import { logger, logPort } from '../../../shared/powertools';
import type { CoreDeps } from '../core';
import { type InvocationDeps, type LifecycleOptions, misconfigured } from '../custom-resource';
import { authMethod } from '../dialects/mysql';
import type { InvocationPorts } from '../ports';
import { DbIamUserConfig, settingsFrom } from '../schema';
import { cfnResponder } from './cfn-response';
import { localCredentials, secretsManagerCredentials } from './credentials';
import { rdsEndpointResolver } from './endpoints';
import { invocationMetrics } from './metrics';

export { localCredentials, secretsManagerCredentials } from './credentials';
export { rdsEndpointResolver } from './endpoints';

export interface DbIamUserDeps {
  deps: InvocationDeps;
  options: LifecycleOptions;
}

/**
 * The request lifecycle's ports: the shared logger, EMF metrics, the ResponseURL PUT (`send`: the
 * region its unreachable-S3 message names; tests: put, sleep).
 */
export function invocationPorts(send: Parameters<typeof cfnResponder>[0] = {}): InvocationPorts {
  return {
    log: {
      ...logPort,
      error: (message, extra) => logger.error(message, extra ?? {}),
      appendKeys: (keys) => logger.appendKeys(keys),
    },
    metrics: invocationMetrics,
    respond: cfnResponder(send),
  };
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
    return {
      deps: { ...buildDeps(config), ...invocationPorts({ region: env.AWS_REGION }) },
      options: settingsFrom(config),
    };
  } catch (error) {
    logger.error('dbIamUser is misconfigured', { error: String(error) });
    return {
      deps: {
        ...misconfigured(error instanceof Error ? error : new Error(String(error))),
        ...invocationPorts(),
      },
      options: { dryRun: false, marginMs: 5_000 },
    };
  }
}
