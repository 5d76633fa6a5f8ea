import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../../shared/aws/client-config';
import { ecsClient, rdsClient, secretsManagerClient } from '../../shared/aws/lazy';
import { loadConfig } from '../../shared/config';
import { connect } from '../../shared/db/driver';
import { Dimension, Metric } from '../../shared/metric-names';
import { notifierFromEnv } from '../../shared/notify';
import { logger, metrics, singleMetric } from '../../shared/powertools';
import { ecsAdapter } from './adapters/ecs';
import { localStateSecrets } from './adapters/local-state';
import { rdsAdapter } from './adapters/rds';
import { secretsManagerAdapter } from './adapters/secrets-manager';
import { rotateSecret } from './core';
import { rotationFailedNotification } from './messages';
import type { RotationDeps } from './ports';
import {
  isEventBridgeEvent,
  parseRotationEvent,
  parseRotationFailedEvent,
  RotateSecretConfig,
  secretNameOf,
} from './schema';

const config = loadConfig(RotateSecretConfig);
// In private subnets each API needs an endpoint or NAT: a call that cannot connect fails at once,
// naming the missing endpoint (shared/aws/reachability), instead of retrying into the timeout.
const deps: RotationDeps = {
  secrets: config.LOCAL_SECRETS_STATE
    ? localStateSecrets(config.LOCAL_SECRETS_STATE)
    : secretsManagerAdapter(secretsManagerClient(clientConfig(), 'secretsmanager')),
  ecs: ecsAdapter(ecsClient(clientConfig(), 'ecs')),
  rds: rdsAdapter(rdsClient(clientConfig(), 'rds')),
  db: { connect },
  notifier: notifierFromEnv(),
};

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (input: unknown, context: Context) => {
    if (isEventBridgeEvent(input)) {
      // Secrets Manager's RotationFailed event (EventBridge rule in resources/rotate-secret.yml).
      const notification = rotationFailedNotification(parseRotationFailedEvent(input), config.AWS_REGION);
      await deps.notifier.notify(notification);
      logger.info('rotation failure reported by Secrets Manager', { title: notification.title });
      return { notified: notification.title };
    }
    const event = parseRotationEvent(input);
    // Key names without "secret"/"token": the logger redacts values under such keys.
    logger.appendKeys({
      rotating: secretNameOf(event.SecretId),
      step: event.Step,
      versionId: event.ClientRequestToken,
    });
    const clock = { remainingMs: () => context.getRemainingTimeInMillis() };
    const result = await rotateSecret(event, { ...deps, clock }, config);
    const metric = singleMetric();
    metric.addDimensions({ [Dimension.Strategy]: result.strategy ?? 'none', [Dimension.Step]: event.Step });
    metric.addMetric(Metric.RotationSteps, MetricUnit.Count, 1);
    if (result.redeployFailed?.length || result.notifyFailed) {
      logger.warn('rotation complete, but not every consumer was redeployed or told', { result });
    } else {
      logger.info(config.DRY_RUN ? 'rotation step (dry run: nothing changed)' : 'rotation step', { result });
    }
    return result;
  });
