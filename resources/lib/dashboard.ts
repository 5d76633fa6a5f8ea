/**
 * Generates the stage's CloudWatch dashboard from its configuration: one section per monitored
 * service, health target and queue, plus ops-sentinel's own functions and every alarm the stack
 * declares. Metric names come from shared/metric-names.ts, so a renamed metric breaks a test.
 */
import { elbDimensionFromArn } from '../../shared/aws/arn';
import { Dimension, Metric, METRICS_NAMESPACE } from '../../shared/metric-names';

export const FUNCTION_KEYS = [
  'taskStopped',
  'dbIamUser',
  'rotateSecret',
  'deepHealthcheck',
  'healthAlarm',
  'deploymentGuard',
  'queueDrift',
] as const;

export interface DashboardConfig {
  stage: string;
  clusterName: string;
  services: Array<{ name: string; targetGroupArn?: string; loadBalancerArn?: string }>;
  healthTargets: Array<{ name: string; latencyBudgetMs?: number; alarm?: { certificateDays?: number } }>;
  queues: Array<{ name?: string; url?: string; deadLetterQueue?: string }>;
}

type MetricRow = Array<string | Record<string, unknown>>;
interface Widget {
  type: 'metric' | 'text' | 'alarm';
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const REGION = '${AWS::Region}';
const WIDTH = 24;

/** Queue name from a name or a queue URL. */
export function queueName(q: { name?: string; url?: string }): string {
  if (q.name) return q.name;
  const last = (q.url ?? '').split('/').filter(Boolean).pop();
  return last ?? 'unknown-queue';
}

export function dashboardName(stage: string): string {
  return `ops-sentinel-${stage}`;
}

class Layout {
  readonly widgets: Widget[] = [];
  private x = 0;
  private y = 0;
  private rowHeight = 0;

  heading(markdown: string) {
    this.newRow();
    this.place({ type: 'text', width: WIDTH, height: 1, properties: { markdown } });
    this.newRow();
  }

  place(w: Omit<Widget, 'x' | 'y'>) {
    if (this.x + w.width > WIDTH) this.newRow();
    this.widgets.push({ ...w, x: this.x, y: this.y });
    this.x += w.width;
    this.rowHeight = Math.max(this.rowHeight, w.height);
  }

  graph(title: string, metrics: MetricRow[], extra: Record<string, unknown> = {}, width = 8) {
    this.place({
      type: 'metric',
      width,
      height: 6,
      properties: {
        title,
        region: REGION,
        view: 'timeSeries',
        stat: 'Average',
        period: 60,
        metrics,
        ...extra,
      },
    });
  }

  private newRow() {
    if (this.x === 0) return;
    this.x = 0;
    this.y += this.rowHeight;
    this.rowHeight = 0;
  }
}

const ns = METRICS_NAMESPACE;

function healthSection(layout: Layout, target: DashboardConfig['healthTargets'][number]) {
  layout.heading(`## Deep healthcheck: ${target.name}`);
  layout.graph(
    'Healthy (1) / unhealthy (0), degraded (1)',
    [
      [ns, Metric.TargetHealthy, Dimension.Target, target.name, { stat: 'Minimum' }],
      [ns, Metric.TargetDegraded, Dimension.Target, target.name, { stat: 'Maximum' }],
    ],
    {
      yAxis: { left: { min: 0, max: 1 } },
    },
  );
  layout.graph(
    'Components healthy',
    [
      [
        {
          expression: `SEARCH('{${ns},${Dimension.Target},${Dimension.Component}} MetricName="${Metric.ComponentHealthy}" ${Dimension.Target}="${target.name}"', 'Minimum', 60)`,
          id: 'components',
        },
      ],
    ],
    { yAxis: { left: { min: 0, max: 1 } } },
  );
  layout.graph(
    'Latency vs budget (ms)',
    [[ns, Metric.TargetLatency, Dimension.Target, target.name, { stat: 'p90' }]],
    target.latencyBudgetMs
      ? { annotations: { horizontal: [{ label: 'budget', value: target.latencyBudgetMs }] } }
      : {},
  );
  layout.graph(
    'Certificate days left',
    [[ns, Metric.CertificateDaysLeft, Dimension.Target, target.name, { stat: 'Minimum' }]],
    // The line the certificate alarm fires under (alarm.certificateDays, default 14).
    {
      period: 3600,
      annotations: { horizontal: [{ label: 'renew', value: target.alarm?.certificateDays || 14 }] },
    },
  );
  layout.graph(
    'Failures by reason',
    [
      [
        {
          expression: `SEARCH('{${ns},${Dimension.Target},${Dimension.Reason}} MetricName="${Metric.ProbeFailures}" ${Dimension.Target}="${target.name}"', 'Sum', 60)`,
          id: 'reasons',
        },
      ],
    ],
    { view: 'timeSeries', stacked: true },
  );
}

function serviceSection(layout: Layout, clusterName: string, service: DashboardConfig['services'][number]) {
  layout.heading(`## ECS service: ${service.name}`);
  layout.graph(
    'Tasks stopped by category',
    [
      [
        {
          expression: `SEARCH('{${ns},${Dimension.Service},${Dimension.Category}} MetricName="${Metric.TasksStopped}" ${Dimension.Service}="${service.name}"', 'Sum', 300)`,
          id: 'stops',
        },
      ],
    ],
    { stacked: true, view: 'timeSeries', period: 300 },
  );
  layout.graph('Running vs desired tasks (Container Insights)', [
    ['ECS/ContainerInsights', 'RunningTaskCount', 'ClusterName', clusterName, 'ServiceName', service.name],
    ['ECS/ContainerInsights', 'DesiredTaskCount', 'ClusterName', clusterName, 'ServiceName', service.name],
  ]);
  layout.graph(
    'Deployments judged stuck / rollbacks issued',
    [
      [ns, Metric.DeploymentsStuck, Dimension.Service, service.name, { stat: 'Sum' }],
      [ns, Metric.RollbacksIssued, Dimension.Service, service.name, { stat: 'Sum' }],
      [ns, Metric.TimeToAction, Dimension.Service, service.name, { stat: 'Maximum', yAxis: 'right' }],
    ],
    { view: 'timeSeries', period: 300 },
  );
  const tg = elbDimensionFromArn(service.targetGroupArn);
  const lb = elbDimensionFromArn(service.loadBalancerArn);
  if (tg && lb) {
    const alb = 'AWS/ApplicationELB';
    layout.graph('ALB healthy / unhealthy hosts', [
      [alb, 'HealthyHostCount', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'Minimum' }],
      [alb, 'UnHealthyHostCount', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'Maximum' }],
    ]);
    layout.graph('ALB target response time (s)', [
      [alb, 'TargetResponseTime', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'p90' }],
    ]);
    layout.graph('ALB 5xx', [
      [alb, 'HTTPCode_Target_5XX_Count', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'Sum' }],
      [alb, 'HTTPCode_ELB_5XX_Count', 'LoadBalancer', lb, { stat: 'Sum' }],
    ]);
  }
}

function queueSection(layout: Layout, queue: DashboardConfig['queues'][number]) {
  const name = queueName(queue);
  layout.heading(`## SQS queue: ${name}`);
  layout.graph('Visibility timeout: actual vs expected (s)', [
    [ns, Metric.VisibilityTimeoutActual, Dimension.Queue, name, { stat: 'Maximum' }],
    [ns, Metric.VisibilityTimeoutExpected, Dimension.Queue, name, { stat: 'Maximum' }],
  ]);
  layout.graph('Depth and age of oldest message', [
    ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', name, { stat: 'Maximum' }],
    ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', name, { stat: 'Maximum', yAxis: 'right' }],
  ]);
  if (queue.deadLetterQueue) {
    const dlq = queueName({
      name: queue.deadLetterQueue.includes('/') ? undefined : queue.deadLetterQueue,
      url: queue.deadLetterQueue,
    });
    layout.graph('Dead-letter queue depth', [
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', dlq, { stat: 'Maximum' }],
    ]);
  }
}

function selfSection(layout: Layout, stage: string) {
  layout.heading('## ops-sentinel itself');
  const fn = (key: string) => `ops-sentinel-${stage}-${key}`;
  const perFunction = (metric: string, stat: string) =>
    FUNCTION_KEYS.map((k) => ['AWS/Lambda', metric, 'FunctionName', fn(k), { stat, label: k }] as MetricRow);
  layout.graph('Invocations', perFunction('Invocations', 'Sum'), {}, 6);
  layout.graph('Errors', perFunction('Errors', 'Sum'), {}, 6);
  layout.graph('Duration p90 (ms)', perFunction('Duration', 'p90'), {}, 6);
  layout.graph('Throttles', perFunction('Throttles', 'Sum'), {}, 6);
  layout.graph('Dead-letter queue depth', [
    [
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      'QueueName',
      `ops-sentinel-${stage}-dead-letter`,
      { stat: 'Maximum' },
    ],
  ]);
}

/** The dashboard's widgets, in reading order. */
export function dashboardWidgets(config: DashboardConfig): Widget[] {
  const layout = new Layout();
  layout.place({
    type: 'text',
    width: WIDTH,
    height: 2,
    properties: {
      markdown: `# ops-sentinel · ${config.stage}\nCluster \`${config.clusterName}\`: ${config.services.length} service(s), ${config.healthTargets.length} health target(s), ${config.queues.length} queue(s).`,
    },
  });
  // Filled with every alarm of the compiled template by dashboard-alarms-plugin.js.
  layout.place({
    type: 'alarm',
    width: WIDTH,
    height: 6,
    properties: { title: 'Alarms declared by this stack', alarms: [], sortBy: 'stateUpdatedTimestamp' },
  });
  for (const target of config.healthTargets) healthSection(layout, target);
  for (const service of config.services) serviceSection(layout, config.clusterName, service);
  for (const queue of config.queues) queueSection(layout, queue);
  selfSection(layout, config.stage);
  return layout.widgets;
}

/** The CloudFormation fragment: the dashboard and its name and URL as outputs. */
export function dashboardResources(config: DashboardConfig) {
  const name = dashboardName(config.stage);
  const body = JSON.stringify({ widgets: dashboardWidgets(config) });
  return {
    Resources: {
      OpsDashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: { DashboardName: name, DashboardBody: { 'Fn::Sub': body } },
      },
    },
    Outputs: {
      DashboardName: { Description: 'CloudWatch dashboard of this stage', Value: name },
      DashboardUrl: {
        Description: 'Open this when something is wrong',
        Value: {
          'Fn::Sub': `https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards/dashboard/${name}`,
        },
      },
    },
  };
}
