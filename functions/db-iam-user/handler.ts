// Custom::DbIamUser — wiring only; the request lifecycle in custom-resource.ts, decisions in
// core.ts (both pure), dependencies and ports built in adapters/index.ts. See README.md.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../../shared/powertools';
import { depsFromEnv } from './adapters';
import { handleEvent } from './custom-resource';

// Never throws at init: a configuration error becomes the FAILED reason of every request.
const { deps, options } = depsFromEnv();

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event: unknown, context: Context) => handleEvent(event, context, deps, options));
