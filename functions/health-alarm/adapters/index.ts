import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { clientConfig } from '../../../shared/aws/client-config';
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
    targetHealth: elbTargetHealth(new ElasticLoadBalancingV2Client(enrichmentClient)),
    tasks: ecsTasks(ecsCalls(new ECSClient(enrichmentClient))),
    history: cloudWatchAlarmHistory(new CloudWatchClient(enrichmentClient)),
    probe: healthProbe(env.HEALTH_TARGETS),
    notifier: notifierFor({ dryRun: config.DRY_RUN }, env),
    metrics: alarmMetrics,
    log: logPort,
    now: () => new Date(),
  };
}
