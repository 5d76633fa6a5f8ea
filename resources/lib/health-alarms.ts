/**
 * CloudFormation generated from the stage's `healthTargets` at package time (loaded by
 * `health-alarms.js` through `load-ts.js`; unit-tested in test/unit/deep-healthcheck):
 * - one alarm per target, `ops-sentinel-<stage>-health-<target>`, on `TargetHealthy` (failing in
 *   N of the last M probe periods, missing data = failing). healthAlarm picks these up by name
 *   prefix and adds the failing components;
 * - one per target on `TargetDegraded` (`-degraded-<target>`, a warning) and, for https:// targets,
 *   one on `CertificateDaysLeft` (`-certificate-<target>`, under `alarm.certificateDays`);
 * - read access to exactly the token secrets of the targets, for the deepHealthcheck role and the
 *   healthAlarm role (which probes a target once when its alarm fires).
 */
import { createHash } from 'node:crypto';
import { HealthTargetListSchema, type HealthTarget } from '../../shared/health/target';
import { Dimension, Metric } from '../../shared/metric-names';
import { METRICS_NAMESPACE } from '../../shared/powertools';

/** The name healthAlarm routes on (`functions/health-alarm/kind.ts`: prefix `ops-sentinel-<stage>-health-`). */
export function healthAlarmName(stage: string, target: string): string {
  return `ops-sentinel-${stage}-health-${target}`;
}

/** Up but degraded (`TargetDegraded`): prefix `ops-sentinel-<stage>-degraded-`. */
export function degradedAlarmName(stage: string, target: string): string {
  return `ops-sentinel-${stage}-degraded-${target}`;
}

/** Certificate about to expire (`CertificateDaysLeft`): prefix `ops-sentinel-<stage>-certificate-`. */
export function certificateAlarmName(stage: string, target: string): string {
  return `ops-sentinel-${stage}-certificate-${target}`;
}

/** Seconds between probes for `rate(N minute|minutes|hour|hours)`; one minute for cron expressions. */
export function schedulePeriodSeconds(schedule: unknown): number {
  const match = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(
    String(schedule ?? '').trim(),
  );
  if (!match) return 60;
  const n = Number(match[1]);
  const unit = match[2]!.startsWith('minute') ? 60 : match[2]!.startsWith('hour') ? 3600 : 86_400;
  return Math.min(n * unit, 86_400);
}

/** `web-api` → `WebApi3f2a1c`: readable, and distinct for names that clean up alike (`web-1`/`web1`). */
export function logicalIdFor(name: string): string {
  const readable = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return `${readable}${createHash('sha256').update(name).digest('hex').slice(0, 6)}`;
}

/**
 * IAM resources for one token secret: a full ARN as given plus its `-??????` suffix form (a partial
 * ARN or a name matches the real ARN only with the 6-character suffix Secrets Manager adds).
 */
export function secretResources(secretArn: string): Array<string | Record<string, string>> {
  if (secretArn.startsWith('arn:')) return [secretArn, `${secretArn}-??????`];
  return [
    {
      'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretArn}-??????`,
    },
  ];
}

function alarmFor(target: HealthTarget, stage: string, periodSeconds: number) {
  const { failing, outOf } = target.alarm;
  const every = periodSeconds === 60 ? 'minute' : `${periodSeconds / 60} minutes`;
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: healthAlarmName(stage, target.name),
      AlarmDescription:
        `deepHealthcheck: ${target.name} (${new URL(target.url).origin}${new URL(target.url).pathname}) ` +
        `failed its deep health check in ${failing} of the last ${outOf} probes (one every ${every}); no probe counts as a failure.`,
      Namespace: METRICS_NAMESPACE,
      MetricName: Metric.TargetHealthy,
      Dimensions: [{ Name: Dimension.Target, Value: target.name }],
      // One failed probe in a period makes the period's minimum 0.
      Statistic: 'Minimum',
      Period: periodSeconds,
      EvaluationPeriods: outOf,
      DatapointsToAlarm: failing,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    },
  };
}

/**
 * Degraded (HTTP 200 with checks not `working`) in `failing` of the last `outOf` periods. Missing
 * data is not breaching: a probe that did not run is the TargetHealthy alarm's business.
 */
function degradedAlarmFor(target: HealthTarget, stage: string, periodSeconds: number) {
  const { failing, outOf } = target.alarm;
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: degradedAlarmName(stage, target.name),
      AlarmDescription:
        `deepHealthcheck: ${target.name} answered healthy but with checks not working (degraded) ` +
        `in ${failing} of the last ${outOf} probes.`,
      Namespace: METRICS_NAMESPACE,
      MetricName: Metric.TargetDegraded,
      Dimensions: [{ Name: Dimension.Target, Value: target.name }],
      Statistic: 'Maximum',
      Period: periodSeconds,
      EvaluationPeriods: outOf,
      DatapointsToAlarm: failing,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    },
  };
}

/**
 * https:// targets: the lowest CertificateDaysLeft of the last hour (or probe period) under
 * `alarm.certificateDays`. Missing data keeps the state (an unreachable target is the TargetHealthy
 * alarm's business, and must not make an expiring certificate look "resolved").
 */
function certificateAlarmFor(target: HealthTarget, stage: string, periodSeconds: number) {
  const days = target.alarm.certificateDays;
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: certificateAlarmName(stage, target.name),
      AlarmDescription: `deepHealthcheck: the TLS certificate of ${target.name} (${new URL(target.url).host}) has fewer than ${days} days left.`,
      Namespace: METRICS_NAMESPACE,
      MetricName: Metric.CertificateDaysLeft,
      Dimensions: [{ Name: Dimension.Target, Value: target.name }],
      Statistic: 'Minimum',
      Period: Math.max(3600, periodSeconds),
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: days,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'ignore',
    },
  };
}

/** Resources for `healthTargets` (the raw stage param) on `stage` with the `healthSchedule` param. */
export function healthTargetResources(targetsParam: unknown, stage: string, schedule: unknown) {
  const parsed = HealthTargetListSchema.safeParse(targetsParam ?? []);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `params.healthTargets is invalid at ${issue?.path.join('.') || '(list)'}: ${issue?.message}`,
    );
  }
  const targets = parsed.data;
  const periodSeconds = schedulePeriodSeconds(schedule);
  const resources: Record<string, unknown> = {};
  for (const target of targets) {
    const id = logicalIdFor(target.name);
    resources[`DeepHealthAlarm${id}`] = alarmFor(target, stage, periodSeconds);
    // Only django-health-check reports components, so only it can be degraded.
    if (target.format === 'django-health-check') {
      resources[`DeepHealthDegradedAlarm${id}`] = degradedAlarmFor(target, stage, periodSeconds);
    }
    if (target.url.startsWith('https://') && target.alarm.certificateDays > 0) {
      resources[`DeepHealthCertificateAlarm${id}`] = certificateAlarmFor(target, stage, periodSeconds);
    }
  }
  const secrets = [...new Set(targets.flatMap((t) => (t.token ? [t.token.secretArn] : [])))];
  if (secrets.length > 0) {
    resources.DeepHealthcheckTokenPolicy = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'deep-healthcheck-tokens',
        // healthAlarm probes a target once when its alarm fires (shared/health/probe.ts), with the same token.
        Roles: [{ Ref: 'DeepHealthcheckRole' }, { Ref: 'HealthAlarmRole' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'ReadTargetTokens',
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              Resource: secrets.flatMap(secretResources),
            },
          ],
        },
      },
    };
  }
  return { Resources: resources };
}
