import type { SNSClient } from '@aws-sdk/client-sns';
import { sns } from '../aws/commands/sns';
import { toOpsError } from '../errors';
import { formatChatbot, formatEmail, formatSubject, MAX_BODY_BYTES } from './format';
import type { Notification, Notifier, NotifyResult } from './notification';

/**
 * Publishes to an SNS topic with `MessageStructure: 'json'`: email subscribers get plain text,
 * every other protocol (chat, SQS, HTTPS) gets the Amazon Q Developer custom notification.
 */
export function snsNotifier(client: SNSClient, topicArn: string, stage?: string): Notifier {
  return {
    async notify(n: Notification): Promise<NotifyResult> {
      const subject = formatSubject(n, stage);
      const chat = formatChatbot(n, stage);
      const message = JSON.stringify({ default: JSON.stringify(chat), email: formatEmail(n, stage) });
      if (Buffer.byteLength(message, 'utf8') > 2 * MAX_BODY_BYTES + 32 * 1024) {
        throw toOpsError('sns:Publish', new Error('notification too large after truncation'));
      }
      try {
        const out = await client.send(
          new sns.PublishCommand({
            TopicArn: topicArn,
            Subject: subject,
            MessageStructure: 'json',
            Message: message,
          }),
        );
        return { channel: 'sns', messageId: out.MessageId, subject };
      } catch (error) {
        throw toOpsError(`sns:Publish ${topicArn}`, error);
      }
    },
  };
}
