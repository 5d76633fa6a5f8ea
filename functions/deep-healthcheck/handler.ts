// deepHealthcheck — wiring only; decisions in core.ts, probing in shared/health/probe.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../../shared/config';
import { logger } from '../../shared/powertools';
import { buildDeps } from './adapters';
import { deepHealthcheck } from './core';
import { DeepHealthcheckConfigSchema, parseEvent, settingsFrom } from './schema';

const config = loadConfig(DeepHealthcheckConfigSchema); // fails at init, naming the bad variable
const settings = settingsFrom(config);
const deps = buildDeps(config);

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event: unknown, context: Context) =>
    deepHealthcheck(parseEvent(event), context.getRemainingTimeInMillis(), deps, settings),
  );
