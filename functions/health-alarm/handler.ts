import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { clientConfig } from '../../shared/aws/client-config';
import { cloudWatchClient, ecsClient, elbv2Client } from '../../shared/aws/lazy';
import { loadConfig } from '../../shared/config';
import { Dimension, Metric } from '../../shared/metric-names';
import { notifierFromEnv, type Notifier } from '../../shared/notify';
import { logger, metrics } from '../../shared/powertools';
import { cloudWatchAlarmHistory } from './adapters/alarm-history';
import { ecsTasks } from './adapters/ecs';
import { elbTargetHealth } from './adapters/elb';
import { healthProbe } from './adapters/probe';
import { handleAlarmChange, type AlarmOutcome } from './core';
import { HealthAlarmConfigSchema, parseAlarmEvent } from './schema';

const config = loadConfig(HealthAlarmConfigSchema);

// Enrichment calls are few and bounded: fail fast (one retry, short connect timeout) rather than
// spend the budget on back-off, so a missing permission or no network shows up as a reason.
const enrichmentClient = clientConfig({
  maxAttempts: 2,
  connectionTimeoutMs: Math.min(1_000, config.ENRICHMENT_TIMEOUT_MS),
  requestTimeoutMs: config.ENRICHMENT_TIMEOUT_MS,
});

/** Dry run: the message is printed, and the log says which SNS call would have been made. */
function notifier(): Notifier {
  const topic = config.NOTIFY_TOPIC_ARN;
  if (!config.DRY_RUN || !topic) return notifierFromEnv();
  const printer = notifierFromEnv({ ...process.env, NOTIFY_TOPIC_ARN: '' });
  return {
    async notify(n) {
      logger.info('dry run: would have called sns:Publish', { topicArn: topic, title: n.title });
      return printer.notify(n);
    },
  };
}

const deps = {
  targetHealth: elbTargetHealth(elbv2Client(enrichmentClient)),
  tasks: ecsTasks(ecsClient(enrichmentClient)),
  history: cloudWatchAlarmHistory(cloudWatchClient(enrichmentClient)),
  probe: healthProbe(process.env.HEALTH_TARGETS),
  notifier: notifier(),
  now: () => new Date(),
};

const settings = {
  stage: config.STAGE,
  cluster: config.CLUSTER_NAME,
  services: config.SERVICES,
  insufficientData: config.INSUFFICIENT_DATA,
  enrichmentTimeoutMs: config.ENRICHMENT_TIMEOUT_MS,
  stoppedTaskWindowMinutes: config.STOPPED_TASK_WINDOW_MINUTES,
};

async function handle(event: unknown): Promise<{ outcomes: AlarmOutcome[] }> {
  const changes = parseAlarmEvent(event);
  const outcomes: AlarmOutcome[] = [];
  for (const change of changes) {
    const outcome = await handleAlarmChange(change, deps, settings);
    if (outcome.action === 'skipped') {
      logger.info('alarm change skipped', {
        alarmName: change.alarmName,
        state: change.state,
        reason: outcome.reason,
      });
    } else {
      logger.info('alarm notification sent', { ...outcome, dryRun: config.DRY_RUN });
      // One EMF line per alarm: an SNS event may carry alarms of different kinds.
      metrics.addDimensions({ [Dimension.AlarmKind]: outcome.kind, [Dimension.State]: outcome.state });
      metrics.addMetric(Metric.AlarmNotifications, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    }
    outcomes.push(outcome);
  }
  return { outcomes };
}

export const handler = middy<unknown, { outcomes: AlarmOutcome[] }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(handle);
