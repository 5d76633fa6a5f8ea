// deepHealthcheck — wiring only; decisions in core.ts, probing in shared/health/probe.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../../shared/aws/client-config';
import { secretsManagerClient } from '../../shared/aws/lazy';
import { loadConfig } from '../../shared/config';
import { InvalidEventError } from '../../shared/errors';
import { probeTarget } from '../../shared/health/probe';
import { secretsManagerTokenSource } from '../../shared/health/token';
import { logger } from '../../shared/powertools';
import { runDeepHealthcheck } from './core';
import { resultReporter } from './report';
import { DeepHealthcheckConfigSchema, DeepHealthcheckEventSchema } from './schema';

const config = loadConfig(DeepHealthcheckConfigSchema);
const deps = {
  probe: probeTarget,
  // Module scope: the token cache survives between invocations of a warm environment.
  tokens: secretsManagerTokenSource(secretsManagerClient(clientConfig({ maxAttempts: 2 })), {
    ttlMs: config.TOKEN_CACHE_SECONDS * 1000,
  }),
  report: resultReporter(logger),
  now: Date.now,
};

function parseEvent(event: unknown) {
  const parsed = DeepHealthcheckEventSchema.safeParse(event ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidEventError(
      `deepHealthcheck expects an EventBridge "Scheduled Event" (optionally with "targets": [names]); ${issue?.path.join('.') || 'event'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

// No logMetrics middleware: every metric is published per target with its own dimensions by
// resultReporter, so the shared instance would only print "No application metrics" each minute.
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown, context: Context) => {
    const { targets: only } = parseEvent(event);
    const deadlineMs = Date.now() + context.getRemainingTimeInMillis() - config.DEADLINE_MARGIN_MS;
    const result = await runDeepHealthcheck(
      { deadlineMs, only, concurrency: config.PROBE_CONCURRENCY },
      deps,
      config.HEALTH_TARGETS,
    );
    logger.info('deep healthcheck run', {
      probed: result.probed,
      healthy: result.healthy,
      unhealthy: result.unhealthy,
      degraded: result.degraded,
    });
    return result;
  });
