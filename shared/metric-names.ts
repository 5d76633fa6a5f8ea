/**
 * Every metric ops-sentinel emits, with its dimensions. Functions emit through these names and
 * the dashboard and alarms are generated from them, so renaming one breaks a test instead of a
 * graph. Namespace: `OpsSentinel`.
 */
export const METRICS_NAMESPACE = 'OpsSentinel';

export const Metric = {
  /** taskStopped: count, dims Service + Category. */
  TasksStopped: 'TasksStopped',
  /** taskStopped: notifications sent / suppressed, dims Service. */
  StopNotificationsSent: 'StopNotificationsSent',
  StopNotificationsSuppressed: 'StopNotificationsSuppressed',
  /** deepHealthcheck: 1 healthy / 0 not, dims Target. */
  TargetHealthy: 'TargetHealthy',
  /** deepHealthcheck: 1 up but with components not working / 0 not degraded, dims Target. */
  TargetDegraded: 'TargetDegraded',
  /** deepHealthcheck: milliseconds, dims Target. */
  TargetLatency: 'TargetLatency',
  /** deepHealthcheck: 1/0 per component, dims Target + Component. */
  ComponentHealthy: 'ComponentHealthy',
  /** deepHealthcheck: days, dims Target. */
  CertificateDaysLeft: 'CertificateDaysLeft',
  /** deepHealthcheck: count of failed probes, dims Target + Reason (low cardinality). */
  ProbeFailures: 'ProbeFailures',
  /** healthAlarm: notifications sent, dims AlarmKind + State. */
  AlarmNotifications: 'AlarmNotifications',
  /** deploymentGuard: dims Service. */
  DeploymentsStuck: 'DeploymentsStuck',
  RollbacksIssued: 'RollbacksIssued',
  /** deploymentGuard: seconds from deployment start to action, dims Service. */
  TimeToAction: 'TimeToAction',
  /** queueDrift: seconds (actual - expected), dims Queue. */
  VisibilityTimeoutDrift: 'VisibilityTimeoutDrift',
  /** queueDrift: seconds, dims Queue. */
  VisibilityTimeoutActual: 'VisibilityTimeoutActual',
  VisibilityTimeoutExpected: 'VisibilityTimeoutExpected',
  /** queueDrift: count of findings, dims Queue + Finding. */
  QueueFindings: 'QueueFindings',
  /** rotateSecret: dims Strategy + Step. */
  RotationSteps: 'RotationSteps',
  /** dbIamUser: dims RequestType + Status. */
  CustomResourceResponses: 'CustomResourceResponses',
} as const;

export type MetricName = (typeof Metric)[keyof typeof Metric];

/** Dimension names, shared by emitters and the dashboard. */
export const Dimension = {
  Service: 'Service',
  Category: 'Category',
  Target: 'Target',
  Component: 'Component',
  Reason: 'Reason',
  Queue: 'Queue',
  Finding: 'Finding',
  AlarmKind: 'AlarmKind',
  State: 'State',
  Strategy: 'Strategy',
  Step: 'Step',
  RequestType: 'RequestType',
  Status: 'Status',
} as const;
