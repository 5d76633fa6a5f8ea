/**
 * The notification path of a deployed stage, on the emulator: an SNS topic (NOTIFY_TOPIC_ARN of
 * every function) with an SQS queue subscribed to it, standing in for Amazon Q Developer / email.
 * Every notification a function publishes is read back from that queue, so what the report shows
 * is what went through SNS, not what a function meant to send.
 */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../../shared/aws/client-config';

/** One notification as it arrived in the subscribed queue. */
export interface ReceivedNotification {
  /** The SNS Subject (what an email subscriber sees as the subject line). */
  subject?: string;
  /** From the Amazon Q Developer custom notification (the `default` body). */
  title: string;
  description: string;
  eventType?: string;
  severity?: string;
  nextSteps: string[];
  snsMessageId?: string;
  /**
   * `default body`: SQS got the `default` of the MessageStructure=json message, as SNS does.
   * `whole structure`: the emulator delivered the whole JSON structure (fauxqs 1.9 does); the
   * `default` body was taken out of it.
   */
  delivered: 'default body' | 'whole structure';
}

export interface NotificationInbox {
  topicArn: string;
  queueUrl: string;
  /** Reads every message delivered so far (waits up to `waitMs` for the first one). */
  drain(waitMs?: number): Promise<ReceivedNotification[]>;
}

export async function createInbox(suffix: string): Promise<NotificationInbox> {
  const sns = new SNSClient(clientConfig());
  // Emulator queue URLs name hosts like sqs.us-east-1.localhost: send to the configured endpoint.
  const sqs = new SQSClient({ ...clientConfig(), useQueueUrlAsEndpoint: false });
  const { TopicArn } = await sns.send(
    new CreateTopicCommand({ Name: `ops-sentinel-local-notifications-${suffix}` }),
  );
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: `ops-sentinel-local-inbox-${suffix}` }),
  );
  if (!TopicArn || !QueueUrl) throw new Error('the emulator returned no topic ARN or queue URL');
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = attributes.Attributes?.QueueArn;
  if (!queueArn) throw new Error('the emulator returned no QueueArn for the inbox queue');
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn }));

  return {
    topicArn: TopicArn,
    queueUrl: QueueUrl,
    async drain(waitMs = 1_000) {
      const received: ReceivedNotification[] = [];
      const deadline = Date.now() + waitMs;
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        const messages = out.Messages ?? [];
        for (const m of messages) received.push(parseDelivery(m.Body ?? ''));
        if (messages.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl,
              Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
          );
          continue;
        }
        if (received.length > 0 || Date.now() > deadline) return received;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

interface ChatbotBody {
  content?: { title?: string; description?: string; nextSteps?: string[] };
  metadata?: { eventType?: string; additionalContext?: Record<string, string> };
}

/**
 * An SQS body of an SNS delivery (the envelope, RawMessageDelivery off). With
 * `MessageStructure: json`, SNS delivers the `default` body to SQS; fauxqs 1.9 delivers the whole
 * JSON structure instead, so `default` is unwrapped here when present.
 */
export function parseDelivery(body: string): ReceivedNotification {
  const envelope = tryJson(body) as { Subject?: string; Message?: string; MessageId?: string } | undefined;
  let message: unknown = tryJson(envelope?.Message ?? body);
  let delivered: ReceivedNotification['delivered'] = 'default body';
  if (isObject(message) && typeof message.default === 'string') {
    message = tryJson(message.default);
    delivered = 'whole structure';
  }
  const chat = (isObject(message) ? message : {}) as ChatbotBody;
  return {
    subject: envelope?.Subject,
    title: chat.content?.title ?? '(no title: not an Amazon Q custom notification)',
    description: chat.content?.description ?? String(envelope?.Message ?? body),
    eventType: chat.metadata?.eventType,
    severity: chat.metadata?.additionalContext?.severity,
    nextSteps: chat.content?.nextSteps ?? [],
    snsMessageId: envelope?.MessageId,
    delivered,
  };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
