// taskStopped — wiring only; decisions in core.ts, adapters built in adapters/index.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadConfig } from '../../shared/config';
import { logger } from '../../shared/powertools';
import { buildDeps } from './adapters';
import { handleEvent } from './core';
import { parseEvent, settingsFrom, TaskStoppedConfig } from './schema';

const config = loadConfig(TaskStoppedConfig); // fails at init, naming the bad variable
const settings = settingsFrom(config);
const deps = buildDeps(config);

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event: unknown) => handleEvent(parseEvent(event), deps, settings));
