/**
 * The packaged CloudFormation is a test subject: `serverless package` runs offline for each
 * stage, and the result is checked against the resource specification and for IAM breadth.
 */
import { broadIamStatements, validateTemplate } from '../helpers/cfn-spec';
import { packagedTemplate, type PackagedTemplate as Template } from '../helpers/packaged-template';

const stages = ['prod', 'dev', 'local'] as const;
const templates: Partial<Record<(typeof stages)[number], Template>> = {};

beforeAll(() => {
  for (const stage of stages) templates[stage] = packagedTemplate(stage);
}, 600_000);

const byType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

describe.each(stages)('serverless package --stage %s', (stage) => {
  it('produces a template whose every resource and property matches the CloudFormation spec', () => {
    expect(validateTemplate(templates[stage]!)).toEqual([]);
  });

  it('has no wildcard action and no mutating action on Resource "*"', () => {
    expect(broadIamStatements(templates[stage]!)).toEqual([]);
  });

  it('gives every function its own role and a log group with retention', () => {
    const t = templates[stage]!;
    const functions = byType(t, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    const roleIds = functions.map(
      ([, f]) => (f.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
    );
    expect(new Set(roleIds).size).toBe(functions.length);
    expect(t.Resources.IamRoleLambdaExecution).toBeUndefined();
    for (const [, f] of functions) {
      expect(f.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    }
    for (const [id, g] of byType(t, 'AWS::Logs::LogGroup')) {
      expect([id, g.Properties!.RetentionInDays]).toEqual([id, expect.any(Number)]);
    }
  });

  it('sends every asynchronously invoked function that fails to the dead-letter queue', () => {
    const t = templates[stage]!;
    const configs = byType(t, 'AWS::Lambda::EventInvokeConfig');
    const functions = byType(t, 'AWS::Lambda::Function').map(([id]) => id);
    const covered = configs.map(([, c]) => (c.Properties!.FunctionName as { Ref: string }).Ref);
    expect(covered.sort()).toEqual(functions.sort());
    for (const [, c] of configs) {
      expect(c.Properties!.DestinationConfig).toEqual({
        OnFailure: { Destination: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
      });
    }
    for (const [, rule] of byType(t, 'AWS::Events::Rule')) {
      for (const target of rule.Properties!.Targets as Array<Record<string, unknown>>) {
        expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } });
      }
    }
  });

  it('has a dashboard whose alarm widget lists every alarm the stack declares', () => {
    const t = templates[stage]!;
    const body = (t.Resources.OpsDashboard!.Properties!.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
    const alarmWidget = (
      JSON.parse(body) as { widgets: Array<{ type: string; properties: { alarms?: string[] } }> }
    ).widgets.find((w) => w.type === 'alarm')!;
    const names = byType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!.AlarmName as string);
    expect(names.length).toBeGreaterThan(0);
    expect(alarmWidget.properties.alarms!.map((arn) => arn.split(':alarm:')[1]).sort()).toEqual(names.sort());
  });

  it('alarms when the dead-letter queue is not empty', () => {
    expect(templates[stage]!.Resources.DeadLetterQueueAlarm?.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });
});

it('publishes to the stage topic in prod and prints to the console in local', () => {
  const envOf = (t: Template) =>
    byType(t, 'AWS::Lambda::Function').map(
      ([, f]) => (f.Properties!.Environment as { Variables: Record<string, unknown> }).Variables,
    );
  for (const vars of envOf(templates.prod!))
    expect(vars.NOTIFY_TOPIC_ARN).toEqual({ Ref: 'NotificationTopic' });
  for (const vars of envOf(templates.local!)) expect(vars.NOTIFY_TOPIC_ARN).toBe('');
});
