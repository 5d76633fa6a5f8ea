// queueDrift — wiring only; decisions in core.ts, adapters built in adapters/index.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadConfig } from '../../shared/config';
import { logger } from '../../shared/powertools';
import { buildDeps } from './adapters';
import { runQueueDrift, type DriftReport } from './core';
import { parseEvent, QueueDriftConfig, settingsFrom } from './schema';

const config = loadConfig(QueueDriftConfig); // fails at init, naming the bad variable
const settings = settingsFrom(config);
const deps = buildDeps(config);

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event: unknown): Promise<DriftReport> => runQueueDrift(parseEvent(event), deps, settings));
