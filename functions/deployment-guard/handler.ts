// deploymentGuard — wiring only; decisions in core.ts, adapters built in adapters/index.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadConfig } from '../../shared/config';
import { logger } from '../../shared/powertools';
import { buildDeps } from './adapters';
import { handleGuardEvent } from './core';
import { DeploymentGuardConfig, parseEvent, settingsFrom } from './schema';

const env = loadConfig(DeploymentGuardConfig); // fails at init, naming the bad variable
const config = settingsFrom(env);
const deps = buildDeps(env);

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event: unknown) => handleGuardEvent(parseEvent(event, config.cluster, deps.now()), deps, config));
