import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAlarmEvent } from '../../../functions/health-alarm/schema';
import { recogniseAlarm } from '../../../functions/health-alarm/kind';
import { InvalidEventError } from '../../../shared/errors';
import { sampleEvent, settings, TG_ARN } from '../../helpers/health-alarm/fakes';

const samples = readdirSync(path.resolve(__dirname, '../../../events/health-alarm')).map((f) =>
  f.replace(/\.json$/, ''),
);

describe('both input shapes read the same', () => {
  it.each(['alb-unhealthy', 'alb-no-healthy', 'deep-health', 'thrash'])(
    '%s: EventBridge and SNS give the same alarm',
    (kind) => {
      for (const state of ['alarm', 'ok']) {
        const eb = parseAlarmEvent(sampleEvent(`eb-${kind}-${state}`));
        const sns = parseAlarmEvent(sampleEvent(`sns-${kind}-${state}`));
        const { via: _a, previousChangedAt: _p, ...ebCommon } = eb[0]!;
        const { via: _b, ...snsCommon } = sns[0]!;
        expect(eb).toHaveLength(1);
        expect(snsCommon).toEqual(ebCommon);
        expect(recogniseAlarm(sns[0]!, 'local', settings.services)).toEqual(
          recogniseAlarm(eb[0]!, 'local', settings.services),
        );
      }
    },
  );

  it('every sample event parses', () => {
    for (const name of samples) expect(() => parseAlarmEvent(sampleEvent(name))).not.toThrow();
  });
});

describe('EventBridge CloudWatch Alarm State Change', () => {
  it('reads state, previous state with its timestamp, and the metric', () => {
    const [change] = parseAlarmEvent(sampleEvent('eb-alb-unhealthy-ok'));
    expect(change).toEqual({
      via: 'eventbridge',
      alarmName: 'ops-sentinel-local-alb-unhealthy-web',
      alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ops-sentinel-local-alb-unhealthy-web',
      description: 'ops-sentinel alb-unhealthy alarm',
      region: 'us-east-1',
      account: '123456789012',
      state: 'OK',
      previousState: 'ALARM',
      reason: expect.stringContaining('was not greater than the threshold'),
      changedAt: '2026-11-24T03:04:42.345Z',
      previousChangedAt: '2026-11-24T02:50:12.345Z',
      metrics: [
        {
          namespace: 'AWS/ApplicationELB',
          metricName: 'UnHealthyHostCount',
          dimensions: {
            TargetGroup: 'targetgroup/django-web/6d0ecf831eec9f09',
            LoadBalancer: 'app/django-alb/50dc6c495c0c9188',
          },
        },
      ],
    });
  });

  it('accepts a composite alarm (no metrics)', () => {
    const event = sampleEvent('eb-other-alarm') as { detail: Record<string, unknown> };
    event.detail.configuration = { alarmRule: 'ALARM(a) OR ALARM(b)' };
    expect(parseAlarmEvent(event)[0]!.metrics).toEqual([]);
  });
});

describe('SNS alarm message', () => {
  it('takes the region code from the alarm ARN, not the display name', () => {
    const [change] = parseAlarmEvent(sampleEvent('sns-alb-unhealthy-alarm'));
    expect(change).toMatchObject({
      via: 'sns',
      region: 'us-east-1',
      account: '123456789012',
      state: 'ALARM',
      previousState: 'OK',
    });
    expect(change!.previousChangedAt).toBeUndefined();
  });

  it('falls back to the topic ARN for the region when the message has no alarm ARN', () => {
    const event = sampleEvent('sns-thrash-alarm') as {
      Records: Array<{ Sns: { Message: string; TopicArn: string } }>;
    };
    const record = event.Records[0]!;
    const message = JSON.parse(record.Sns.Message) as Record<string, unknown>;
    delete message.AlarmArn;
    record.Sns.Message = JSON.stringify(message);
    record.Sns.TopicArn = 'arn:aws:sns:eu-west-1:123456789012:ops-sentinel-local-alarm-intake';
    expect(parseAlarmEvent(event)[0]).toMatchObject({ region: 'eu-west-1', account: '123456789012' });
  });

  it('reads the metrics of a metric-math alarm', () => {
    const event = sampleEvent('sns-alb-no-healthy-alarm') as { Records: Array<{ Sns: { Message: string } }> };
    const record = event.Records[0]!;
    const message = JSON.parse(record.Sns.Message) as Record<string, unknown>;
    message.Trigger = {
      Metrics: [
        {
          Id: 'm1',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'HealthyHostCount',
              Dimensions: [{ name: 'TargetGroup', value: 'targetgroup/django-web/6d0ecf831eec9f09' }],
            },
            Period: 60,
            Stat: 'Minimum',
          },
        },
        { Id: 'e1', Expression: 'm1 * 1' },
      ],
    };
    record.Sns.Message = JSON.stringify(message);
    const [change] = parseAlarmEvent(event);
    expect(recogniseAlarm(change!, 'local', settings.services)).toMatchObject({
      kind: 'alb-no-healthy',
      service: 'web',
      targetGroupArn: TG_ARN,
    });
  });

  it('reads every record of a batch', () => {
    const a = sampleEvent('sns-thrash-alarm') as { Records: unknown[] };
    const b = sampleEvent('sns-deep-health-ok') as { Records: unknown[] };
    expect(parseAlarmEvent({ Records: [...a.Records, ...b.Records] }).map((c) => c.alarmName)).toEqual([
      'ops-sentinel-local-thrash-web',
      'ops-sentinel-local-health-local-app',
    ]);
  });
});

describe('malformed events fail with a specific InvalidEventError', () => {
  const snsWith = (message: string) => ({
    Records: [{ EventSource: 'aws:sns', Sns: { TopicArn: 'arn:aws:sns:us-east-1:1:t', Message: message } }],
  });

  it.each([
    [null, /expects an event object, got null/],
    ['text', /expects an event object, got string/],
    [
      { 'detail-type': 'ECS Task State Change', source: 'aws.ecs', detail: {} },
      /not a CloudWatch Alarm State Change event \(detail-type "ECS Task State Change"\)/,
    ],
    [{ Records: [] }, /not an SNS event: Records/],
    [
      snsWith('hello'),
      /SNS record 0 \(topic arn:aws:sns:us-east-1:1:t\) is not a CloudWatch alarm message: Message is not JSON/,
    ],
    [snsWith('{"AlarmName":"x"}'), /is not a CloudWatch alarm message: NewStateValue/],
    [
      snsWith('{"AlarmName":"x","NewStateValue":"ALARM","StateChangeTime":"yesterday"}'),
      /unreadable StateChangeTime: "yesterday"/,
    ],
  ])('%j', (event, message) => {
    expect(() => parseAlarmEvent(event)).toThrow(InvalidEventError);
    expect(() => parseAlarmEvent(event)).toThrow(message);
  });
});
