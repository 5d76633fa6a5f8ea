import { clientConfig } from '../../../shared/aws/client-config';
import { cloudWatchClient, ecsClient, elbv2Client } from '../../../shared/aws/lazy';
import { ecsCalls } from '../../../shared/aws/ecs';
import { notifierFor } from '../../../shared/notify';
import { logPort } from '../../../shared/powertools';
import type { HealthAlarmDeps } from '../ports';
import type { HealthAlarmConfig } from '../schema';
import { cloudWatchAlarmHistory } from './alarm-history';
import { ecsTasks } from './ecs';
import { elbTargetHealth } from './elb';
import { alarmMetrics } from './metrics';
import { healthProbe } from './probe';

/** Dry run: the message is printed, and the log says which SNS call would have been made. */
export function buildDeps(config: HealthAlarmConfig, env: NodeJS.ProcessEnv = process.env): HealthAlarmDeps {
  // Enrichment calls are few and bounded: fail fast (one retry, short connect timeout) rather than
  // spend the budget on back-off, so a missing permission or no network shows up as a reason.
  const enrichmentClient = clientConfig({
    maxAttempts: 2,
    connectionTimeoutMs: Math.min(1_000, config.ENRICHMENT_TIMEOUT_MS),
    requestTimeoutMs: config.ENRICHMENT_TIMEOUT_MS,
  });
  return {
    targetHealth: elbTargetHealth(elbv2Client(enrichmentClient)),
    tasks: ecsTasks(ecsCalls(ecsClient(enrichmentClient))),
    history: cloudWatchAlarmHistory(cloudWatchClient(enrichmentClient)),
    probe: healthProbe(env.HEALTH_TARGETS),
    notifier: notifierFor({ dryRun: config.DRY_RUN }, env),
    metrics: alarmMetrics,
    log: logPort,
    now: () => new Date(),
  };
}
