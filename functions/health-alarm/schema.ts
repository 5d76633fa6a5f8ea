import { envBool, envInt, envJson } from '../../shared/config';
import { InvalidEventError } from '../../shared/errors';
import { parseArn } from '../../shared/aws/arn';
import * as z from '../../shared/zod';
import type { HealthAlarmSettings } from './ports';

/** The three CloudWatch alarm states. */
export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];
const AlarmStateSchema = z.enum(ALARM_STATES);

/** One metric an alarm watches, in a form both input shapes map to. */
export interface AlarmMetric {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

/**
 * A state change of one alarm, whichever way it arrived: an EventBridge
 * `CloudWatch Alarm State Change` event or an alarm message delivered through SNS.
 */
export interface AlarmChange {
  via: 'eventbridge' | 'sns';
  alarmName: string;
  alarmArn?: string;
  description?: string;
  /** Region code (`eu-west-1`), never the display name SNS messages carry. */
  region?: string;
  account?: string;
  state: AlarmState;
  previousState?: AlarmState;
  reason: string;
  /** ISO time of this change. */
  changedAt: string;
  /** ISO time the previous state began (EventBridge only; SNS messages do not carry it). */
  previousChangedAt?: string;
  metrics: AlarmMetric[];
}

// ---------- EventBridge: CloudWatch Alarm State Change ----------

const EbMetricSchema = z.looseObject({
  id: z.optional(z.string()),
  metricStat: z.optional(
    z.object({
      metric: z.object({
        namespace: z.string(),
        name: z.string(),
        dimensions: z.optional(z.record(z.string(), z.string())),
      }),
    }),
  ),
  expression: z.optional(z.string()),
});

const EbStateSchema = z.looseObject({
  value: AlarmStateSchema,
  reason: z.optional(z.string()),
  reasonData: z.optional(z.string()),
  timestamp: z.string(),
});

export const AlarmStateChangeEventSchema = z.looseObject({
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.string(),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  time: z.optional(z.string()),
  resources: z.optional(z.array(z.string())),
  detail: z.looseObject({
    alarmName: z.string().check(z.minLength(1)),
    state: EbStateSchema,
    previousState: z.optional(z.partial(EbStateSchema)),
    configuration: z.optional(
      z.looseObject({
        description: z.nullish(z.string()),
        metrics: z.optional(z.array(EbMetricSchema)),
      }),
    ),
  }),
});

// ---------- SNS: the classic alarm message ----------

const SnsDimensionsSchema = z.nullish(z.array(z.object({ name: z.string(), value: z.string() })));

const SnsTriggerSchema = z.looseObject({
  MetricName: z.nullish(z.string()),
  Namespace: z.nullish(z.string()),
  Dimensions: SnsDimensionsSchema,
  /** Metric-math alarms list their metrics here instead. */
  Metrics: z.nullish(
    z.array(
      z.looseObject({
        MetricStat: z.nullish(
          z.looseObject({
            Metric: z.object({
              MetricName: z.string(),
              Namespace: z.string(),
              Dimensions: SnsDimensionsSchema,
            }),
          }),
        ),
      }),
    ),
  ),
});

export const SnsAlarmMessageSchema = z.looseObject({
  AlarmName: z.string().check(z.minLength(1)),
  AlarmDescription: z.nullish(z.string()),
  AlarmArn: z.nullish(z.string()),
  AWSAccountId: z.nullish(z.string()),
  /** A display name such as "EU (Ireland)", not a region code. */
  Region: z.nullish(z.string()),
  NewStateValue: AlarmStateSchema,
  OldStateValue: z.nullish(AlarmStateSchema),
  NewStateReason: z.nullish(z.string()),
  StateChangeTime: z.string(),
  Trigger: z.nullish(SnsTriggerSchema),
});

const SnsRecordSchema = z.looseObject({
  EventSource: z.literal('aws:sns'),
  Sns: z.looseObject({ TopicArn: z.optional(z.string()), Message: z.string() }),
});

export const SnsEventSchema = z.looseObject({ Records: z.array(SnsRecordSchema).check(z.minLength(1)) });

// ---------- normalisation ----------

function isoTime(text: string | undefined, what: string): string {
  const ms = text === undefined ? NaN : Date.parse(text);
  if (Number.isNaN(ms))
    throw new InvalidEventError(`alarm event has an unreadable ${what}: ${JSON.stringify(text)}`);
  return new Date(ms).toISOString();
}

function dimensionRecord(
  dims: Array<{ name: string; value: string }> | null | undefined,
): Record<string, string> {
  return Object.fromEntries((dims ?? []).map((d) => [d.name, d.value]));
}

function issuesText(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function fromEventBridge(event: z.output<typeof AlarmStateChangeEventSchema>): AlarmChange {
  const { detail } = event;
  const alarmArn = event.resources?.find((r) => r.includes(':alarm:'));
  const metrics: AlarmMetric[] = [];
  for (const m of detail.configuration?.metrics ?? []) {
    if (m.metricStat) {
      metrics.push({
        namespace: m.metricStat.metric.namespace,
        metricName: m.metricStat.metric.name,
        dimensions: m.metricStat.metric.dimensions ?? {},
      });
    }
  }
  const previousValue = detail.previousState?.value;
  const previousAt = detail.previousState?.timestamp;
  return {
    via: 'eventbridge',
    alarmName: detail.alarmName,
    ...(alarmArn ? { alarmArn } : {}),
    ...(detail.configuration?.description ? { description: detail.configuration.description } : {}),
    ...(event.region ? { region: event.region } : {}),
    ...(event.account ? { account: event.account } : {}),
    state: detail.state.value,
    ...(previousValue ? { previousState: previousValue } : {}),
    reason: detail.state.reason ?? '',
    changedAt: isoTime(detail.state.timestamp, 'state.timestamp'),
    ...(previousAt ? { previousChangedAt: isoTime(previousAt, 'previousState.timestamp') } : {}),
    metrics,
  };
}

function fromSnsMessage(
  message: z.output<typeof SnsAlarmMessageSchema>,
  topicArn: string | undefined,
): AlarmChange {
  const trigger = message.Trigger;
  const metrics: AlarmMetric[] = [];
  if (trigger?.MetricName && trigger.Namespace) {
    metrics.push({
      namespace: trigger.Namespace,
      metricName: trigger.MetricName,
      dimensions: dimensionRecord(trigger.Dimensions),
    });
  }
  for (const m of trigger?.Metrics ?? []) {
    const metric = m.MetricStat?.Metric;
    if (metric) {
      metrics.push({
        namespace: metric.Namespace,
        metricName: metric.MetricName,
        dimensions: dimensionRecord(metric.Dimensions),
      });
    }
  }
  // SNS carries the region as a display name ("US East (N. Virginia)"): take the code from an ARN.
  const arn = parseArn(message.AlarmArn) ?? parseArn(topicArn);
  const account = message.AWSAccountId ?? arn?.account;
  return {
    via: 'sns',
    alarmName: message.AlarmName,
    ...(message.AlarmArn ? { alarmArn: message.AlarmArn } : {}),
    ...(message.AlarmDescription ? { description: message.AlarmDescription } : {}),
    ...(arn?.region ? { region: arn.region } : {}),
    ...(account ? { account } : {}),
    state: message.NewStateValue,
    ...(message.OldStateValue ? { previousState: message.OldStateValue } : {}),
    reason: message.NewStateReason ?? '',
    changedAt: isoTime(message.StateChangeTime, 'StateChangeTime'),
    metrics,
  };
}

/**
 * Reads either input shape into a list of alarm changes (an SNS event may carry several
 * records). Throws `InvalidEventError` naming what is wrong; never a raw TypeError.
 */
export function parseAlarmEvent(event: unknown): AlarmChange[] {
  if (typeof event !== 'object' || event === null) {
    throw new InvalidEventError(
      `healthAlarm expects an event object, got ${event === null ? 'null' : typeof event}`,
    );
  }
  if ('Records' in event) {
    const sns = SnsEventSchema.safeParse(event);
    if (!sns.success) throw new InvalidEventError(`not an SNS event: ${issuesText(sns.error)}`);
    return sns.data.Records.map((record, index) => {
      let body: unknown;
      try {
        body = JSON.parse(record.Sns.Message);
      } catch {
        throw new InvalidEventError(
          `SNS record ${index} (topic ${record.Sns.TopicArn ?? 'unknown'}) is not a CloudWatch alarm message: Message is not JSON`,
        );
      }
      const message = SnsAlarmMessageSchema.safeParse(body);
      if (!message.success) {
        throw new InvalidEventError(
          `SNS record ${index} (topic ${record.Sns.TopicArn ?? 'unknown'}) is not a CloudWatch alarm message: ${issuesText(message.error)}`,
        );
      }
      return fromSnsMessage(message.data, record.Sns.TopicArn);
    });
  }
  const eb = AlarmStateChangeEventSchema.safeParse(event);
  if (!eb.success) {
    const kind = (event as Record<string, unknown>)['detail-type'];
    throw new InvalidEventError(
      `not a CloudWatch Alarm State Change event${typeof kind === 'string' ? ` (detail-type "${kind}")` : ''}: ${issuesText(eb.error)}`,
    );
  }
  return [fromEventBridge(eb.data)];
}

// ---------- configuration ----------

/** A monitored service as declared in the `services` stage param. */
export const ServiceSchema = z.looseObject({
  name: z.string().check(z.minLength(1)),
  targetGroupArn: z.optional(z.string()),
  loadBalancerArn: z.optional(z.string()),
});
export type ServiceConfig = z.output<typeof ServiceSchema>;

export const HealthAlarmConfigSchema = z.object({
  STAGE: z._default(z.string(), 'dev'),
  NOTIFY_TOPIC_ARN: z.optional(z.string()),
  DRY_RUN: z._default(envBool, false),
  CLUSTER_NAME: z.string().check(z.minLength(1)),
  SERVICES: z._default(envJson(z.array(ServiceSchema)), []),
  /** What to do with INSUFFICIENT_DATA: skip (log the reason) or notify. */
  INSUFFICIENT_DATA: z._default(z.enum(['skip', 'notify']), 'skip'),
  /** Budget of each enrichment step, milliseconds. */
  ENRICHMENT_TIMEOUT_MS: z._default(envInt(100, 20_000), 3_000),
  /** How far back stopped tasks count, minutes (ECS keeps them for about an hour). */
  STOPPED_TASK_WINDOW_MINUTES: z._default(envInt(1, 120), 60),
});
export type HealthAlarmConfig = z.output<typeof HealthAlarmConfigSchema>;

/** The plain settings core receives. */
export function settingsFrom(config: HealthAlarmConfig): HealthAlarmSettings {
  return {
    stage: config.STAGE,
    cluster: config.CLUSTER_NAME,
    services: config.SERVICES,
    insufficientData: config.INSUFFICIENT_DATA,
    enrichmentTimeoutMs: config.ENRICHMENT_TIMEOUT_MS,
    stoppedTaskWindowMinutes: config.STOPPED_TASK_WINDOW_MINUTES,
    dryRun: config.DRY_RUN,
  };
}

/** Both inputs (SNS from the alarm actions, EventBridge) → the alarm changes they carry. */
export const parseEvent = parseAlarmEvent;
