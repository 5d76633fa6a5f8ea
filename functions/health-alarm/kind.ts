import { parseArn } from '../../shared/aws/arn';
import { Dimension, Metric } from '../../shared/metric-names';
import type { AlarmChange, AlarmMetric, ServiceConfig } from './schema';

export const ALARM_KINDS = [
  'alb-unhealthy',
  'alb-no-healthy',
  'deep-health',
  'deep-health-degraded',
  'certificate',
  'thrash',
  'other',
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/** What an alarm is about, as far as its metric and name tell. */
export interface AlarmSubject {
  kind: AlarmKind;
  /** ECS service (ALB and thrash alarms). */
  service?: string;
  /** `targetgroup/NAME/ID` (the CloudWatch dimension value). */
  targetGroup?: string;
  /** Full ARN, from the `services` param or rebuilt from the alarm's region and account. */
  targetGroupArn?: string;
  /** `app/NAME/ID`. */
  loadBalancer?: string;
  /** Deep-healthcheck target name. */
  target?: string;
}

const ELB_NAMESPACE = 'AWS/ApplicationELB';
const OWN_NAMESPACE = 'OpsSentinel';
/** deepHealthcheck's metrics → what an alarm on them is about. */
const DEEP_HEALTH_METRICS = new Map<string, AlarmKind>([
  [Metric.TargetHealthy, 'deep-health'],
  [Metric.ComponentHealthy, 'deep-health'],
  [Metric.TargetLatency, 'deep-health'],
  [Metric.ProbeFailures, 'deep-health'],
  [Metric.TargetDegraded, 'deep-health-degraded'],
  [Metric.CertificateDaysLeft, 'certificate'],
]);

/** Alarm name prefixes of the alarms ops-sentinel declares for a stage. */
export function alarmNames(stage: string) {
  const base = `ops-sentinel-${stage}-`;
  return {
    prefix: base,
    albUnhealthy: `${base}alb-unhealthy-`,
    albNoHealthy: `${base}alb-no-healthy-`,
    health: `${base}health-`,
    degraded: `${base}degraded-`,
    certificate: `${base}certificate-`,
    thrash: `${base}thrash-`,
  };
}

function kindFromMetric(m: AlarmMetric): AlarmSubject | undefined {
  if (m.namespace === ELB_NAMESPACE && m.metricName === 'UnHealthyHostCount') {
    return withElbDims({ kind: 'alb-unhealthy' }, m);
  }
  if (m.namespace === ELB_NAMESPACE && m.metricName === 'HealthyHostCount') {
    return withElbDims({ kind: 'alb-no-healthy' }, m);
  }
  const deepHealthKind = m.namespace === OWN_NAMESPACE ? DEEP_HEALTH_METRICS.get(m.metricName) : undefined;
  if (deepHealthKind) {
    const target = m.dimensions[Dimension.Target];
    return { kind: deepHealthKind, ...(target ? { target } : {}) };
  }
  if (m.namespace === OWN_NAMESPACE && m.metricName === Metric.TasksStopped) {
    const service = m.dimensions[Dimension.Service];
    return { kind: 'thrash', ...(service ? { service } : {}) };
  }
  return undefined;
}

function withElbDims(subject: AlarmSubject, m: AlarmMetric): AlarmSubject {
  const targetGroup = m.dimensions.TargetGroup;
  const loadBalancer = m.dimensions.LoadBalancer;
  return { ...subject, ...(targetGroup ? { targetGroup } : {}), ...(loadBalancer ? { loadBalancer } : {}) };
}

function kindFromName(alarmName: string, stage: string): AlarmSubject | undefined {
  const n = alarmNames(stage);
  const rest = (prefix: string) =>
    alarmName.startsWith(prefix) ? alarmName.slice(prefix.length) : undefined;
  const unhealthy = rest(n.albUnhealthy);
  if (unhealthy) return { kind: 'alb-unhealthy', service: unhealthy };
  const noHealthy = rest(n.albNoHealthy);
  if (noHealthy) return { kind: 'alb-no-healthy', service: noHealthy };
  const target = rest(n.health);
  if (target) return { kind: 'deep-health', target };
  const degraded = rest(n.degraded);
  if (degraded) return { kind: 'deep-health-degraded', target: degraded };
  const certificate = rest(n.certificate);
  if (certificate) return { kind: 'certificate', target: certificate };
  const thrash = rest(n.thrash);
  if (thrash) return { kind: 'thrash', service: thrash };
  return undefined;
}

/** `targetgroup/NAME/ID` from a target group ARN. */
export function targetGroupSuffix(arn: string | undefined): string | undefined {
  const resource = parseArn(arn)?.resource;
  return resource?.startsWith('targetgroup/') ? resource : undefined;
}

/**
 * Recognises the alarm from its metric (namespace, metric name, dimensions) first and its
 * name (`ops-sentinel-<stage>-alb-unhealthy-<service>`...) second, then resolves the service
 * and target group from the `services` param.
 */
export function recogniseAlarm(change: AlarmChange, stage: string, services: ServiceConfig[]): AlarmSubject {
  const byMetric = change.metrics.map(kindFromMetric).find((s) => s !== undefined);
  const byName = kindFromName(change.alarmName, stage);
  const subject: AlarmSubject = byMetric ?? byName ?? { kind: 'other' };
  // The name fills what the metric leaves out (e.g. which service a target group belongs to).
  if (byName && byName.kind === subject.kind) {
    if (!subject.service && byName.service) subject.service = byName.service;
    if (!subject.target && byName.target) subject.target = byName.target;
  }
  if (subject.kind === 'alb-unhealthy' || subject.kind === 'alb-no-healthy') {
    const byTargetGroup = subject.targetGroup
      ? services.find((s) => targetGroupSuffix(s.targetGroupArn) === subject.targetGroup)
      : undefined;
    const configured = byTargetGroup ?? services.find((s) => s.name === subject.service);
    if (byTargetGroup) subject.service = byTargetGroup.name;
    if (byTargetGroup?.targetGroupArn) {
      subject.targetGroupArn = byTargetGroup.targetGroupArn;
    } else if (subject.targetGroup && change.region && change.account) {
      const partition = parseArn(change.alarmArn)?.partition || 'aws';
      subject.targetGroupArn = `arn:${partition}:elasticloadbalancing:${change.region}:${change.account}:${subject.targetGroup}`;
    } else if (!subject.targetGroup && configured?.targetGroupArn) {
      subject.targetGroupArn = configured.targetGroupArn;
      subject.targetGroup = targetGroupSuffix(configured.targetGroupArn);
    }
  }
  return subject;
}
