import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { loadConfig } from '../../shared/config';
import { logger, metrics } from '../../shared/powertools';
import type { DriftReport } from './core';
import { buildDeps, handleEvent } from './run';
import { QueueDriftConfig, settingsFromEnv } from './schema';

// Wiring only: configuration (fails at init, naming the bad variable), adapters, middleware.
const settings = settingsFromEnv(loadConfig(QueueDriftConfig));
const deps = buildDeps();

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler((event: unknown): Promise<DriftReport> => handleEvent(event, settings, deps));
