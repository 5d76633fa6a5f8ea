// rotateSecret — wiring only; decisions in core.ts, adapters built in adapters/index.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../../shared/config';
import { logger } from '../../shared/powertools';
import { buildDeps } from './adapters';
import { handleInvocation } from './core';
import { parseEvent, RotateSecretConfig } from './schema';

const config = loadConfig(RotateSecretConfig); // fails at init, naming the bad variable
const deps = buildDeps(config);

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((input: unknown, context: Context) =>
    handleInvocation(parseEvent(input), deps, config, () => context.getRemainingTimeInMillis()),
  );
