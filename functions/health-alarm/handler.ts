// healthAlarm — wiring only; decisions in core.ts, adapters built in adapters/index.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadConfig } from '../../shared/config';
import { logger } from '../../shared/powertools';
import { buildDeps } from './adapters';
import { handleAlarmChanges, type AlarmOutcome } from './core';
import { HealthAlarmConfigSchema, parseEvent, settingsFrom } from './schema';

const config = loadConfig(HealthAlarmConfigSchema); // fails at init, naming the bad variable
const settings = settingsFrom(config);
const deps = buildDeps(config);

export const handler = middy<unknown, { outcomes: AlarmOutcome[] }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event: unknown) => handleAlarmChanges(parseEvent(event), deps, settings));
