import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { loadConfig } from '../../shared/config';
import { logger, metrics } from '../../shared/powertools';
import { handleTaskStopped, sweepIncidents } from './core';
import { buildDeps, settingsFrom } from './deps';
import { parseEvent, TaskStoppedConfig } from './schema';

const config = loadConfig(TaskStoppedConfig);
const settings = settingsFrom(config);
const deps = buildDeps(config);

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (event: unknown) => {
    const input = parseEvent(event);
    const result =
      input.kind === 'sweep'
        ? await sweepIncidents(deps, settings)
        : await handleTaskStopped(input.event, deps, settings);
    logger.info(input.kind === 'sweep' ? 'incident sweep done' : 'stopped task handled', { result });
    return result;
  });
