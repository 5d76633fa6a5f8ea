import { clientConfig } from '../../../shared/aws/client-config';
import { dynamoDbClient, ecsClient, sqsClient } from '../../../shared/aws/lazy';
import { ecsCalls } from '../../../shared/aws/ecs';
import { notifierFor } from '../../../shared/notify';
import { logger, logPort } from '../../../shared/powertools';
import type { QueueDriftDeps } from '../ports';
import type { QueueDriftEnv } from '../schema';
import { ecsTaskDefinitions } from './ecs';
import { dynamoEpisodeStore } from './episodes-dynamodb';
import { memoryEpisodeStore } from './episodes-memory';
import { driftMetrics } from './metrics';
import { sqsAdapter } from './sqs';

export { dynamoEpisodeStore, EPISODE_SCOPE } from './episodes-dynamodb';
export { memoryEpisodeStore } from './episodes-memory';
export { ecsTaskDefinitions } from './ecs';
export { sqsAdapter } from './sqs';

/**
 * Adapters from the configuration. Built after the environment is final (tests set
 * AWS_ENDPOINT_URL first): the SDK reads endpoint settings when a client is constructed.
 * Dry run stops the remediation (core), not the notification: the notice says "DRY RUN, not applied".
 */
export function buildDeps(config: QueueDriftEnv, env: NodeJS.ProcessEnv = process.env): QueueDriftDeps {
  const table = config.EPISODE_TABLE?.trim();
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
    ecs: ecsTaskDefinitions(ecsCalls(ecsClient(clientConfig()))),
    episodes: table ? dynamoEpisodeStore(dynamoDbClient(clientConfig()), table) : memoryEpisodeStore(),
    notifier: notifierFor({ dryRun: false }, env),
    metrics: driftMetrics,
    log: logPort,
  };
}
