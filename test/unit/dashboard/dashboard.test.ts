import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  dashboardResources,
  dashboardWidgets,
  FUNCTION_KEYS,
  type DashboardConfig,
} from '../../../resources/lib/dashboard';
import { alarmNamesInTemplate, withAlarms } from '../../../resources/lib/dashboard-alarms';
import { Dimension, Metric, METRICS_NAMESPACE } from '../../../shared/metric-names';

const ROOT = path.resolve(__dirname, '../../..');

const config: DashboardConfig = {
  stage: 'prod',
  clusterName: 'django-prod',
  services: [
    {
      name: 'web',
      targetGroupArn:
        'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-tg/0123456789abcdef',
      loadBalancerArn:
        'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/django-alb/fedcba9876543210',
    },
    { name: 'worker' },
  ],
  healthTargets: [{ name: 'web-ht', latencyBudgetMs: 800 }, { name: 'admin' }],
  queues: [
    { name: 'celery', deadLetterQueue: 'celery-dlq' },
    { url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/emails' },
  ],
};

type Row = Array<string | Record<string, unknown>>;
const widgets = dashboardWidgets(config);
const text = (w: (typeof widgets)[number]) => String(w.properties.markdown ?? '');
const rows = widgets.flatMap((w) => (w.properties.metrics as Row[] | undefined) ?? []);

/** Every OpsSentinel metric the dashboard shows, from plain rows and SEARCH expressions. */
function dashboardOpsMetrics(): string[] {
  const names = new Set<string>();
  for (const row of rows) {
    if (row[0] === METRICS_NAMESPACE) names.add(String(row[1]));
    const expr = (row[0] as { expression?: string }).expression;
    const m = expr?.match(/MetricName="(\w+)"/);
    if (m && expr!.includes(`{${METRICS_NAMESPACE},`)) names.add(m[1]!);
  }
  return [...names];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('dashboard generator', () => {
  it('has a section for every configured health target, service and queue', () => {
    const headings = widgets.map(text).filter((t) => t.startsWith('## '));
    expect(headings).toEqual([
      '## Deep healthcheck: web-ht',
      '## Deep healthcheck: admin',
      '## ECS service: web',
      '## ECS service: worker',
      '## SQS queue: celery',
      '## SQS queue: emails',
      '## ops-sentinel itself',
    ]);
  });

  it('graphs ALB health with both the TargetGroup and LoadBalancer dimensions', () => {
    const alb = rows.filter((r) => r[0] === 'AWS/ApplicationELB' && r[1] === 'UnHealthyHostCount');
    expect(alb).toEqual([
      [
        'AWS/ApplicationELB',
        'UnHealthyHostCount',
        'TargetGroup',
        'targetgroup/web-tg/0123456789abcdef',
        'LoadBalancer',
        'app/django-alb/fedcba9876543210',
        { stat: 'Maximum' },
      ],
    ]);
  });

  it('shows the latency budget as a line on the latency graph', () => {
    const latency = widgets.find((w) => w.properties.title === 'Latency vs budget (ms)');
    expect(latency?.properties.annotations).toEqual({ horizontal: [{ label: 'budget', value: 800 }] });
  });

  it("graphs the dead-letter queue of a queue that has one, and ops-sentinel's own", () => {
    const dlqs = rows.filter((r) => r[1] === 'ApproximateNumberOfMessagesVisible').map((r) => r[3]);
    expect(dlqs).toEqual(['celery', 'celery-dlq', 'emails', 'ops-sentinel-prod-dead-letter']);
  });

  it('uses only metric and dimension names the code defines', () => {
    const known = new Set<string>(Object.values(Metric));
    expect(dashboardOpsMetrics().filter((m) => !known.has(m))).toEqual([]);
    const dims = new Set<string>(Object.values(Dimension));
    for (const row of rows.filter((r) => r[0] === METRICS_NAMESPACE)) {
      expect(dims.has(String(row[2]))).toBe(true);
    }
  });

  it('shows only metrics that some function actually emits', () => {
    const emitted = new Set<string>();
    for (const file of sourceFiles(path.join(ROOT, 'functions')).concat(
      sourceFiles(path.join(ROOT, 'shared')),
    )) {
      if (file.endsWith('metric-names.ts')) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/Metric\.(\w+)/g))
        emitted.add(Metric[m[1] as keyof typeof Metric]);
    }
    expect(dashboardOpsMetrics().filter((m) => !emitted.has(m))).toEqual([]);
  });

  it('covers every function of the service', () => {
    const folders = readdirSync(path.join(ROOT, 'functions'), { withFileTypes: true }).filter((e) =>
      e.isDirectory(),
    );
    const keys = folders.map(
      (f) => readFileSync(path.join(ROOT, 'functions', f.name, 'function.yml'), 'utf8').match(/^(\w+):/)![1],
    );
    expect([...FUNCTION_KEYS].sort()).toEqual(keys.sort());
  });

  it('declares the dashboard with its name and URL as outputs', () => {
    const fragment = dashboardResources(config);
    expect(fragment.Resources.OpsDashboard.Properties.DashboardName).toBe('ops-sentinel-prod');
    expect(fragment.Outputs.DashboardUrl.Value['Fn::Sub']).toContain(
      '#dashboards/dashboard/ops-sentinel-prod',
    );
    expect(
      JSON.parse(fragment.Resources.OpsDashboard.Properties.DashboardBody['Fn::Sub']).widgets,
    ).toHaveLength(widgets.length);
  });
});

describe('alarm widget', () => {
  it('lists every alarm of the template by ARN', () => {
    const template = {
      Resources: {
        B: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'ops-sentinel-prod-health-web' } },
        A: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: { AlarmName: { 'Fn::Sub': 'ops-sentinel-${AWS::StackName}-x' } },
        },
        T: { Type: 'AWS::SNS::Topic', Properties: {} },
      },
    };
    const names = alarmNamesInTemplate(template);
    const body = withAlarms(
      dashboardResources(config).Resources.OpsDashboard.Properties.DashboardBody,
      names,
    );
    const alarmWidget = JSON.parse(body['Fn::Sub']).widgets.find((w: { type: string }) => w.type === 'alarm');

    expect(alarmWidget.properties.alarms).toEqual([
      'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:ops-sentinel-${AWS::StackName}-x',
      'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:ops-sentinel-prod-health-web',
    ]);
  });

  it('refuses an alarm without a literal name (it could not be listed)', () => {
    expect(() =>
      alarmNamesInTemplate({ Resources: { A: { Type: 'AWS::CloudWatch::Alarm', Properties: {} } } }),
    ).toThrow('Alarm A needs a literal AlarmName');
  });
});

it('draws the certificate line where the certificate alarm fires (alarm.certificateDays, default 14)', () => {
  const lines = (certificateDays?: number) =>
    dashboardWidgets({
      ...config,
      healthTargets: [{ name: 'web-ht', ...(certificateDays ? { alarm: { certificateDays } } : {}) }],
    })
      .filter((w) => w.properties.title === 'Certificate days left')
      .map((w) => w.properties.annotations);
  expect(lines(30)).toEqual([{ horizontal: [{ label: 'renew', value: 30 }] }]);
  expect(lines()).toEqual([{ horizontal: [{ label: 'renew', value: 14 }] }]);
});
