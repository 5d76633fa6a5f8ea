import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { loadConfig } from '../../shared/config';
import { logger, metrics } from '../../shared/powertools';
import { handleDeploymentEvent, handleTaskRunning, handleTaskStopped, sweepIncidents } from './core';
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
        : input.kind === 'deployment'
          ? await handleDeploymentEvent(input.event, deps, settings)
          : input.event.detail.lastStatus === 'RUNNING'
            ? await handleTaskRunning(input.event, deps, settings)
            : await handleTaskStopped(input.event, deps, settings);
    const what = { sweep: 'incident sweep done', deployment: 'deployment event handled' } as const;
    logger.info(
      input.kind === 'task-stopped'
        ? `${input.event.detail.lastStatus === 'RUNNING' ? 'running' : 'stopped'} task handled`
        : what[input.kind],
      { result },
    );
    return result;
  });
