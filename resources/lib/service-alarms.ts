/**
 * CloudFormation generator for the healthAlarm side of each monitored service: the ALB
 * target-group alarms and the task-stopped thrash alarm, plus the EventBridge name filter and
 * the SNS subscriptions that feed alarms to healthAlarm. Loaded at package time by
 * `service-alarms.js` (through `load-ts.js`); unit-tested in test/unit/health-alarm.
 */
import { elbDimensionFromArn } from '../../shared/aws/arn';
import { Dimension, Metric } from '../../shared/metric-names';

/** A CloudFormation value: a literal or an intrinsic such as `{ Ref: ... }` / `{ 'Fn::ImportValue': ... }`. */
export type CfnValue = string | Record<string, unknown>;

export interface ServiceParam {
  name: string;
  targetGroupArn?: CfnValue;
  loadBalancerArn?: CfnValue;
  /** Thrash alarm: `threshold` ELB-health-check stops within `periodMinutes` (default 3 in 10). */
  thrash?: { threshold?: number; periodMinutes?: number };
  [key: string]: unknown;
}

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  Condition?: string;
}

const NAMESPACE = 'OpsSentinel';
const THRASH_CATEGORY = 'elb-health-check';

/** The alarm names healthAlarm recognises (see functions/health-alarm/kind.ts). */
export function serviceAlarmNames(stage: string, service: string) {
  return {
    albUnhealthy: `ops-sentinel-${stage}-alb-unhealthy-${service}`,
    albNoHealthy: `ops-sentinel-${stage}-alb-no-healthy-${service}`,
    thrash: `ops-sentinel-${stage}-thrash-${service}`,
  };
}

/** `Web-API_2` → `WebAPI2`: a fragment fit for a CloudFormation logical id. */
export function logicalIdPart(name: string): string {
  const cleaned = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return cleaned || 'Service';
}

function isPresent(value: CfnValue | undefined): value is CfnValue {
  return typeof value === 'string' ? value.trim() !== '' : value !== undefined && value !== null;
}

/**
 * The `TargetGroup` dimension (`targetgroup/NAME/ID`): the part of the ARN after its fifth
 * colon. Literal ARNs are cut here; intrinsics (`{ Ref: TargetGroup }`) with Fn::Select/Split.
 */
export function targetGroupDimension(arn: CfnValue): CfnValue {
  if (typeof arn === 'string') {
    const value = elbDimensionFromArn(arn);
    if (!value?.startsWith('targetgroup/'))
      throw new Error(`targetGroupArn is not a target group ARN: ${arn}`);
    return value;
  }
  return { 'Fn::Select': [5, { 'Fn::Split': [':', arn] }] };
}

/**
 * The `LoadBalancer` dimension (`app/NAME/ID`): the ARN's resource without `loadbalancer/`.
 * For intrinsics: split the resource on "/" and join parts 1-3 again.
 */
export function loadBalancerDimension(arn: CfnValue): CfnValue {
  if (typeof arn === 'string') {
    const value = elbDimensionFromArn(arn);
    if (!value?.startsWith('app/'))
      throw new Error(`loadBalancerArn is not an application load balancer ARN: ${arn}`);
    return value;
  }
  const parts = { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', arn] }] }] };
  return { 'Fn::Join': ['/', [1, 2, 3].map((i) => ({ 'Fn::Select': [i, parts] }))] };
}

function albAlarms(stage: string, service: ServiceParam): Record<string, Resource> {
  const id = logicalIdPart(service.name);
  const names = serviceAlarmNames(stage, service.name);
  const dimensions = [
    { Name: 'TargetGroup', Value: targetGroupDimension(service.targetGroupArn!) },
    { Name: 'LoadBalancer', Value: loadBalancerDimension(service.loadBalancerArn!) },
  ];
  return {
    [`HealthAlarmAlbUnhealthy${id}`]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: names.albUnhealthy,
        AlarmDescription: `${service.name}: the load balancer reports unhealthy targets (healthAlarm explains which and why).`,
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'UnHealthyHostCount',
        Dimensions: dimensions,
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        // No data means no targets at all: the no-healthy alarm covers that case.
        TreatMissingData: 'notBreaching',
      },
    },
    [`HealthAlarmAlbNoHealthy${id}`]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: names.albNoHealthy,
        AlarmDescription: `${service.name}: the load balancer has no healthy target — the service is down for users.`,
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HealthyHostCount',
        Dimensions: dimensions,
        Statistic: 'Minimum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        // With zero registered targets the metric vanishes: that is the outage, not "no data".
        TreatMissingData: 'breaching',
      },
    },
  };
}

function thrashAlarm(stage: string, service: ServiceParam): Record<string, Resource> {
  const threshold = service.thrash?.threshold ?? 3;
  const periodMinutes = service.thrash?.periodMinutes ?? 10;
  if (!Number.isInteger(threshold) || threshold < 1)
    throw new Error(`${service.name}: thrash.threshold must be an integer >= 1`);
  if (!Number.isInteger(periodMinutes) || periodMinutes < 1 || periodMinutes > 1440) {
    throw new Error(`${service.name}: thrash.periodMinutes must be an integer between 1 and 1440`);
  }
  return {
    [`HealthAlarmThrash${logicalIdPart(service.name)}`]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: serviceAlarmNames(stage, service.name).thrash,
        AlarmDescription: `${service.name}: ${threshold} or more tasks killed by ELB health checks within ${periodMinutes} minutes (crash loop).`,
        Namespace: NAMESPACE,
        MetricName: Metric.TasksStopped,
        Dimensions: [
          { Name: Dimension.Service, Value: service.name },
          { Name: Dimension.Category, Value: THRASH_CATEGORY },
        ],
        Statistic: 'Sum',
        Period: periodMinutes * 60,
        EvaluationPeriods: 1,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      },
    },
  };
}

/**
 * The alarms of every service: ALB alarms for services with both `targetGroupArn` and
 * `loadBalancerArn`, a thrash alarm for every service. No alarm actions: state changes reach
 * healthAlarm through EventBridge, which sends one enriched message instead of the bare alarm.
 */
export function serviceAlarms(
  services: ServiceParam[] | undefined,
  stage: string,
): { Resources: Record<string, Resource> } {
  const list = services ?? [];
  const seen = new Set<string>();
  const resources: Record<string, Resource> = {};
  for (const service of list) {
    if (!service?.name) throw new Error('services: every entry needs a name');
    const id = logicalIdPart(service.name);
    if (seen.has(id)) throw new Error(`services: "${service.name}" collides with another service name`);
    seen.add(id);
    if (isPresent(service.targetGroupArn) && isPresent(service.loadBalancerArn))
      Object.assign(resources, albAlarms(stage, service));
    Object.assign(resources, thrashAlarm(stage, service));
  }
  return { Resources: resources };
}

/**
 * EventBridge `detail.alarmName` filter: this stage's own alarms, plus the app's alarms by
 * prefix or exact name. An empty prefix is refused — it would match every alarm in the account.
 */
export function alarmNameFilter(
  stage: string,
  prefixes: string[] = [],
  names: string[] = [],
): Array<string | { prefix: string }> {
  for (const p of prefixes)
    if (typeof p !== 'string' || p.trim() === '') throw new Error('healthAlarm.alarmPrefixes: empty prefix');
  const filter: Array<string | { prefix: string }> = [{ prefix: `ops-sentinel-${stage}-` }];
  for (const p of new Set(prefixes)) filter.push({ prefix: p });
  for (const n of new Set(names)) if (n) filter.push(n);
  return filter;
}

/**
 * Subscriptions of healthAlarm to existing SNS topics that alarms already notify (classic
 * `AlarmActions`), with the permission for each topic to invoke the function.
 */
export function alarmTopicSubscriptions(
  topicArns: CfnValue[] | undefined,
  functionLogicalId = 'HealthAlarmLambdaFunction',
) {
  const resources: Record<string, Resource> = {};
  (topicArns ?? []).filter(isPresent).forEach((topicArn, index) => {
    resources[`HealthAlarmTopicSubscription${index + 1}`] = {
      Type: 'AWS::SNS::Subscription',
      Properties: {
        TopicArn: topicArn,
        Protocol: 'lambda',
        Endpoint: { 'Fn::GetAtt': [functionLogicalId, 'Arn'] },
      },
    };
    resources[`HealthAlarmTopicPermission${index + 1}`] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [functionLogicalId, 'Arn'] },
        Principal: 'sns.amazonaws.com',
        SourceArn: topicArn,
      },
    };
  });
  return { Resources: resources };
}
