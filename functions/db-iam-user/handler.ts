// Custom::DbIamUser — wiring only: configuration, adapters, Powertools. See README.md.
import { existsSync } from 'node:fs';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../../shared/aws/client-config';
import { rdsClient, secretsManagerClient } from '../../shared/aws/lazy';
import { loadConfig } from '../../shared/config';
import { connect } from '../../shared/db/driver';
import { ConfigError } from '../../shared/errors';
import { logger, metrics } from '../../shared/powertools';
import { localCredentials, rdsEndpointResolver, secretsManagerCredentials } from './adapters';
import type { CoreDeps } from './core';
import { handleEvent, type LifecycleOptions, misconfigured } from './custom-resource';
import { authMethod } from './dialects/mysql';
import { DbIamUserConfig } from './schema';

interface Setup {
  deps: CoreDeps;
  options: LifecycleOptions;
}

/**
 * Built once per container. A configuration error must not escape at module load: CloudFormation
 * would then get no response at all, so it becomes the FAILED reason of every request instead.
 */
function setup(): Setup | Error {
  try {
    const config = loadConfig(DbIamUserConfig);
    let auth;
    try {
      auth = authMethod(config.MYSQL_IAM_AUTH_CLAUSE);
    } catch (error) {
      throw new ConfigError(`MYSQL_IAM_AUTH_CLAUSE is invalid: ${(error as Error).message}`);
    }
    const useLocal = config.STAGE === 'local' && config.LOCAL_MASTER_CREDENTIALS_JSON !== undefined;
    if (useLocal)
      logger.warn(
        'STAGE=local: master credentials come from LOCAL_MASTER_CREDENTIALS_JSON, not Secrets Manager',
      );
    return {
      deps: {
        credentials: useLocal
          ? localCredentials(config.LOCAL_MASTER_CREDENTIALS_JSON ?? '')
          : secretsManagerCredentials(
              secretsManagerClient(clientConfig({ maxAttempts: 3 }), 'secretsmanager'),
            ),
        // In private subnets: a missing endpoint fails at once, naming it (README: Network).
        endpoints: rdsEndpointResolver(rdsClient(clientConfig({ maxAttempts: 3 }), 'rds')),
        connect,
        mysqlAuth: auth,
      },
      options: {
        dryRun: config.DRY_RUN,
        caBundlePath: existsSync(config.DB_CA_BUNDLE_PATH) ? config.DB_CA_BUNDLE_PATH : undefined,
        marginMs: config.RESPONSE_MARGIN_MS,
        send: { region: process.env.AWS_REGION },
      },
    };
  } catch (error) {
    logger.error('dbIamUser is misconfigured', { error: String(error) });
    return error instanceof Error ? error : new Error(String(error));
  }
}

const ready = setup();

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler((event: unknown, context: Context) =>
    ready instanceof Error
      ? handleEvent(event, context, misconfigured(ready), { dryRun: false, marginMs: 5_000 })
      : handleEvent(event, context, ready.deps, ready.options),
  );
