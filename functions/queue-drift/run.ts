import { clientConfig } from '../../shared/aws/client-config';
import { dynamoDbClient, ecsClient, sqsClient } from '../../shared/aws/lazy';
import { notifierFromEnv } from '../../shared/notify';
import { logger, singleMetric } from '../../shared/powertools';
import { dynamoEpisodeStore, ecsAdapter, memoryEpisodeStore, sqsAdapter } from './adapters';
import { detectDrift, type DriftReport } from './core';
import { emitMetrics } from './metrics';
import type { QueueDriftDeps } from './ports';
import { parseTrigger, type QueueDriftSettings } from './schema';

/**
 * Adapters from the environment. Built after the environment is final (tests set
 * AWS_ENDPOINT_URL first): the SDK reads endpoint settings when a client is constructed.
 * Kept apart from handler.ts (middy is ESM-only, so jest cannot load the handler module).
 */
export function buildDeps(env: NodeJS.ProcessEnv = process.env): QueueDriftDeps {
  const table = env.EPISODE_TABLE?.trim();
  if (!table) {
    logger.warn(
      'EPISODE_TABLE is not set: drift episodes are kept in memory for this process only, ' +
        'so every new process notifies each finding again (fine for invoke local)',
    );
  }
  return {
    // useQueueUrlAsEndpoint=false: requests go to the SDK-resolved endpoint (AWS_ENDPOINT_URL
    // or the regional one) with the queue URL in the body. Emulator queue URLs carry hosts
    // such as sqs.us-east-1.localhost that do not resolve everywhere; on AWS every queue of the
    // region is served by the regional endpoint, so nothing changes there.
    sqs: sqsAdapter(sqsClient({ ...clientConfig(), useQueueUrlAsEndpoint: false })),
    ecs: ecsAdapter(ecsClient(clientConfig())),
    episodes: table ? dynamoEpisodeStore(dynamoDbClient(clientConfig()), table) : memoryEpisodeStore(),
    notifier: notifierFromEnv(env),
  };
}

/** One invocation: parse the trigger, check, emit metrics, log what was decided and done. */
export async function handleEvent(
  event: unknown,
  settings: QueueDriftSettings,
  deps: QueueDriftDeps,
  metrics: Parameters<typeof emitMetrics>[1] = { singleMetric },
): Promise<DriftReport> {
  const trigger = parseTrigger(event);
  const report = await detectDrift(trigger, deps, settings);
  emitMetrics(report, metrics);
  for (const f of report.findings) {
    if (f.remediation?.outcome === 'dry-run') {
      logger.warn(`DRY_RUN: would call ${f.remediation.call}`, { queue: f.queue });
    }
  }
  logger.info('queue drift check', {
    trigger,
    findings: report.findings.map((f) => ({ queue: f.queue, kind: f.kind, message: f.message })),
    opened: report.episodes.opened,
    resolved: report.episodes.resolved,
    ongoing: report.episodes.ongoing,
    episodeStore: report.episodeStore,
  });
  return report;
}
