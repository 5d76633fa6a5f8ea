// deploymentGuard — wiring only: config, adapters, middy. Decisions live in core.ts.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { clientConfig } from '../../shared/aws/client-config';
import { cloudFormationClient, ecsClient } from '../../shared/aws/lazy';
import { loadConfig } from '../../shared/config';
import { Dimension } from '../../shared/metric-names';
import { notifierFromEnv } from '../../shared/notify';
import { logger, metrics, singleMetric } from '../../shared/powertools';
import { stackAdapter } from './adapters/cloudformation';
import { ecsAdapter } from './adapters/ecs';
import { loadOfflineState, offlineAdapters } from './adapters/offline';
import { runGuard, type GuardConfig, type GuardDeps, type GuardResult } from './core';
import { DeploymentGuardConfig, parseEvent, policiesFrom } from './schema';

const env = loadConfig(DeploymentGuardConfig);
const config: GuardConfig = {
  cluster: env.CLUSTER_NAME,
  region: env.AWS_REGION,
  stage: env.STAGE,
  dryRun: env.DRY_RUN,
  policies: policiesFrom(env.SERVICES),
  stackPrefixes: env.APP_STACK_PREFIX,
};

// `invoke local` without an AWS account reads a recorded cluster state instead (local stage only).
const offline = env.DEPLOYMENT_GUARD_OFFLINE_STATE
  ? loadOfflineState(env.DEPLOYMENT_GUARD_OFFLINE_STATE)
  : undefined;
const aws = offline
  ? offlineAdapters(offline)
  : {
      ecs: ecsAdapter(ecsClient(clientConfig())),
      stacks: stackAdapter(cloudFormationClient(clientConfig())),
    };

const deps: GuardDeps = {
  ...aws,
  notifier: notifierFromEnv(),
  metrics: {
    add(name, service, value, unit) {
      const single = singleMetric();
      single.addDimension(Dimension.Service, service);
      single.addMetric(name, unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count, value);
    },
  },
  log: {
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
  },
  now: offline ? () => offline.clock : () => new Date(),
  dryRunReported: new Set(),
};

export async function guard(event: unknown): Promise<GuardResult | { skipped: string }> {
  const parsed = parseEvent(event, config.cluster, deps.now());
  if ('skip' in parsed) {
    logger.info('event skipped', { reason: parsed.skip });
    return { skipped: parsed.skip };
  }
  const result = await runGuard(parsed.trigger, deps, config);
  logger.info('deploymentGuard done', { result });
  return result;
}

export const handler = middy(guard)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
