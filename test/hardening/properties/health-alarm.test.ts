/**
 * healthAlarm: 1,000 malformed or unusual events (EventBridge alarm changes and SNS alarm
 * messages, including mutations inside the SNS Message JSON) through handler.ts, each ending in
 * a handled outcome.
 */
import type * as SnsSdk from '@aws-sdk/client-sns';
import type * as EcsSdk from '@aws-sdk/client-ecs';
import type * as CwSdk from '@aws-sdk/client-cloudwatch';
import type * as ElbSdk from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { malformedEvents, mutated, nastyString, samples } from '../../helpers/hardening/events';
import { Figures } from '../../helpers/hardening/figures-store';
import { lambdaContext, loadIsolated, publishedTexts } from '../../helpers/hardening/load';
import { assertEventsHandled } from '../../helpers/hardening/property';
import { LB_ARN, TG_ARN } from '../../helpers/health-alarm/fakes';

jest.mock('@middy/core', () => jest.requireActual('../../helpers/health-alarm/fake-middy'));

const figures = new Figures(__filename);
afterAll(() => figures.write());

type Handler = (event: unknown, context: unknown) => Promise<{ outcomes: Array<{ action: string }> }>;

function load() {
  return loadIsolated(
    {
      STAGE: 'local',
      CLUSTER_NAME: 'django-app',
      NOTIFY_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:ops-sentinel-local-notifications',
      DRY_RUN: 'false',
      SERVICES: JSON.stringify([{ name: 'web', targetGroupArn: TG_ARN, loadBalancerArn: LB_ARN }]),
      HEALTH_TARGETS: '[]',
      ENRICHMENT_TIMEOUT_MS: '500',
      INSUFFICIENT_DATA: 'skip',
    },
    () => {
      const sns = require('@aws-sdk/client-sns') as typeof SnsSdk;
      const ecs = require('@aws-sdk/client-ecs') as typeof EcsSdk;
      const cw = require('@aws-sdk/client-cloudwatch') as typeof CwSdk;
      const elb = require('@aws-sdk/client-elastic-load-balancing-v2') as typeof ElbSdk;
      const snsMock = mockClient(sns.SNSClient);
      snsMock.on(sns.PublishCommand).resolves({ MessageId: 'm-1' });
      mockClient(elb.ElasticLoadBalancingV2Client)
        .on(elb.DescribeTargetHealthCommand)
        .resolves({
          TargetHealthDescriptions: [
            {
              Target: { Id: '10.0.1.23', Port: 8000 },
              TargetHealth: { State: 'unhealthy', Reason: 'Target.Timeout' },
            },
            { Target: {}, TargetHealth: {} },
          ],
        });
      mockClient(ecs.ECSClient).on(ecs.ListTasksCommand).resolves({ taskArns: [] });
      mockClient(cw.CloudWatchClient).on(cw.DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [] });
      const { handler } = require('../../../functions/health-alarm/handler') as { handler: Handler };
      return { handler, published: publishedTexts(() => snsMock.commandCalls(sns.PublishCommand)) };
    },
  );
}

type SnsEvent = { Records: Array<{ Sns: Record<string, unknown> }> };

it('ends every malformed or unusual event in a handled outcome (1,000 cases)', async () => {
  const { handler, published } = load();
  const all = samples('health-alarm');
  const bases = all.map((s) => s.event);
  const snsSamples = all.filter((s) => s.name.startsWith('sns-')).map((s) => s.event as unknown as SnsEvent);
  const messages = snsSamples.map((e) => JSON.parse(e.Records[0]!.Sns.Message as string) as unknown);
  const eb = all.find((s) => s.name === 'eb-alb-unhealthy-alarm')!.event;
  const extra = [
    // SNS envelopes whose alarm message (JSON inside a string) is mutated.
    fc.tuple(fc.constantFrom(...snsSamples), mutated(messages)).map(([envelope, message]) => ({
      Records: [
        { ...envelope.Records[0], Sns: { ...envelope.Records[0]!.Sns, Message: JSON.stringify(message) } },
      ],
    })),
    // Unknown states and hostile alarm names in a valid EventBridge envelope.
    fc
      .record({
        alarmName: nastyString,
        value: fc.oneof(nastyString, fc.constantFrom('OK', 'ALARM', 'INSUFFICIENT_DATA')),
      })
      .map(({ alarmName, value }) => ({
        ...eb,
        detail: {
          ...(eb.detail as object),
          alarmName,
          state: { ...(eb.detail as { state: object }).state, value },
        },
      })),
  ];
  const run = await assertEventsHandled(
    {
      fn: 'healthAlarm',
      invoke: (event) => handler(event, lambdaContext('healthAlarm')),
      notifications: published,
      isSkip: (r) => (r as Awaited<ReturnType<Handler>>).outcomes.every((o) => o.action === 'skipped'),
    },
    malformedEvents(bases, extra),
    figures,
    { numRuns: 1000 },
  );
  expect(run.tried).toBeGreaterThanOrEqual(1000);
  expect(published().length).toBeGreaterThan(0);
});
