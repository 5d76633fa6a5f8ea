import { clientConfig } from '../../../shared/aws/client-config';
import { dynamoDbClient } from '../../../shared/aws/lazy';
import { notifierFor } from '../../../shared/notify';
import { logger, logPort } from '../../../shared/powertools';
import type { IncidentStore, TaskStoppedRunDeps } from '../ports';
import type { TaskStoppedConfig } from '../schema';
import { dynamoDbIncidentStore } from './dynamodb-incident-store';
import { memoryIncidentStore } from './memory-incident-store';
import { stopMetrics } from './metrics';

/**
 * Builds the adapters once per container. Without `STATE_TABLE_NAME` (the `local` stage) or in
 * dry-run, incidents are kept in memory; in dry-run, notifications are printed, not published.
 */
export function buildDeps(
  config: TaskStoppedConfig,
  env: NodeJS.ProcessEnv = process.env,
): TaskStoppedRunDeps {
  return {
    store: buildStore(config),
    notifier: notifierFor({ dryRun: config.DRY_RUN }, env),
    metrics: stopMetrics,
    log: logPort,
    now: () => Date.now(),
  };
}

function buildStore(config: TaskStoppedConfig): IncidentStore {
  const table = config.STATE_TABLE_NAME;
  if (table && !config.DRY_RUN) return dynamoDbIncidentStore(dynamoDbClient(clientConfig()), table);
  logger.warn(
    table
      ? `DRY_RUN: incident state kept in memory; no dynamodb:PutItem/DeleteItem on table ${table}`
      : 'STATE_TABLE_NAME is not set: incident state kept in memory of this container only (local use)',
    { stateTable: table ?? null },
  );
  return memoryIncidentStore();
}
