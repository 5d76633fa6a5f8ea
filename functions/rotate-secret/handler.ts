import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { clientConfig } from '../../shared/aws/client-config';
import { ecsClient, secretsManagerClient } from '../../shared/aws/lazy';
import { loadConfig } from '../../shared/config';
import { connect } from '../../shared/db/driver';
import { Dimension, Metric } from '../../shared/metric-names';
import { notifierFromEnv } from '../../shared/notify';
import { logger, metrics, singleMetric } from '../../shared/powertools';
import { ecsAdapter } from './adapters/ecs';
import { localStateSecrets } from './adapters/local-state';
import { secretsManagerAdapter } from './adapters/secrets-manager';
import { rotateSecret } from './core';
import type { RotationDeps } from './ports';
import { parseRotationEvent, RotateSecretConfig, secretNameOf } from './schema';

const config = loadConfig(RotateSecretConfig);
const deps: RotationDeps = {
  secrets: config.LOCAL_SECRETS_STATE
    ? localStateSecrets(config.LOCAL_SECRETS_STATE)
    : secretsManagerAdapter(secretsManagerClient(clientConfig())),
  ecs: ecsAdapter(ecsClient(clientConfig())),
  db: { connect },
  notifier: notifierFromEnv(),
};

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (input: unknown) => {
    const event = parseRotationEvent(input);
    // Key names without "secret"/"token": the logger redacts values under such keys.
    logger.appendKeys({
      rotating: secretNameOf(event.SecretId),
      step: event.Step,
      versionId: event.ClientRequestToken,
    });
    const result = await rotateSecret(event, deps, config);
    const metric = singleMetric();
    metric.addDimensions({ [Dimension.Strategy]: result.strategy ?? 'none', [Dimension.Step]: event.Step });
    metric.addMetric(Metric.RotationSteps, MetricUnit.Count, 1);
    logger.info(config.DRY_RUN ? 'rotation step (dry run: nothing changed)' : 'rotation step', { result });
    return result;
  });
