import { clientConfig } from '../../shared/aws/client-config';
import { dynamoDbClient } from '../../shared/aws/lazy';
import { consoleNotifier, notifierFromEnv, type Notifier } from '../../shared/notify';
import { logger, metrics } from '../../shared/powertools';
import { dynamoDbIncidentStore } from './adapters/dynamodb-incident-store';
import { memoryIncidentStore } from './adapters/memory-incident-store';
import { powertoolsStopMetrics } from './adapters/metrics';
import type { IncidentStore, TaskStoppedDeps, TaskStoppedSettings } from './ports';
import type { TaskStoppedConfig } from './schema';

/**
 * Builds the adapters once per container. Without `STATE_TABLE_NAME` (the `local` stage) or in
 * dry-run, incidents are kept in memory; in dry-run, notifications are printed, not published.
 */
export function buildDeps(config: TaskStoppedConfig, env: NodeJS.ProcessEnv = process.env): TaskStoppedDeps {
  return {
    store: buildStore(config),
    notifier: buildNotifier(config, env),
    metrics: powertoolsStopMetrics(metrics),
    now: () => Date.now(),
  };
}

export function settingsFrom(
  config: TaskStoppedConfig,
  env: NodeJS.ProcessEnv = process.env,
): TaskStoppedSettings {
  return {
    stage: config.STAGE,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    services: config.SERVICES.map((s) => s.name),
    notifyRoutine: config.NOTIFY_ROUTINE,
    escalateAfter: config.ESCALATE_AFTER,
    quietMs: config.RECOVERY_QUIET_MINUTES * 60_000,
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

function buildNotifier(config: TaskStoppedConfig, env: NodeJS.ProcessEnv): Notifier {
  const topic = config.NOTIFY_TOPIC_ARN;
  if (!config.DRY_RUN || !topic) return notifierFromEnv(env);
  const printer = consoleNotifier(config.STAGE);
  return {
    async notify(n) {
      logger.info(`DRY_RUN: would have called sns:Publish on ${topic}`, {
        topicArn: topic,
        subject: n.title,
      });
      return printer.notify(n);
    },
  };
}
