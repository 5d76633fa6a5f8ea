import type { SQSClient } from '@aws-sdk/client-sqs';
import { sqs } from '../../../shared/aws/commands/sqs';
import { PermanentError, toOpsError } from '../../../shared/errors';
import type { QueueAttributes, QueuePort } from '../ports';

function isMissingQueue(error: unknown): boolean {
  const e = (error ?? {}) as { name?: string; Code?: string };
  return (
    e.name === 'QueueDoesNotExist' ||
    e.name === 'AWS.SimpleQueueService.NonExistentQueue' ||
    e.Code === 'AWS.SimpleQueueService.NonExistentQueue'
  );
}

/** An ApproximateNumberOf… attribute (a string); 0 when absent. */
function count(value: string | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** SQS adapter. Queue absence is `undefined`, every other failure a project error. */
export function sqsAdapter(client: SQSClient): QueuePort {
  return {
    async queueUrl(name) {
      try {
        const out = await client.send(new sqs.GetQueueUrlCommand({ QueueName: name }));
        return out.QueueUrl;
      } catch (error) {
        if (isMissingQueue(error)) return undefined;
        throw toOpsError(`sqs:GetQueueUrl ${name}`, error);
      }
    },

    async attributes(queueUrl): Promise<QueueAttributes | undefined> {
      let attributes: Record<string, string> | undefined;
      try {
        const out = await client.send(
          new sqs.GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: [
              'VisibilityTimeout',
              'ApproximateNumberOfMessages',
              'ApproximateNumberOfMessagesNotVisible',
              'ApproximateNumberOfMessagesDelayed',
              'QueueArn',
            ],
          }),
        );
        attributes = out.Attributes;
      } catch (error) {
        if (isMissingQueue(error)) return undefined;
        throw toOpsError(`sqs:GetQueueAttributes ${queueUrl}`, error);
      }
      const visibilityTimeout = Number(attributes?.VisibilityTimeout);
      if (attributes?.VisibilityTimeout === undefined || !Number.isInteger(visibilityTimeout)) {
        throw new PermanentError(`sqs:GetQueueAttributes ${queueUrl} returned no VisibilityTimeout`);
      }
      return {
        visibilityTimeout,
        approximateMessages: count(attributes.ApproximateNumberOfMessages),
        approximateMessagesNotVisible: count(attributes.ApproximateNumberOfMessagesNotVisible),
        approximateMessagesDelayed: count(attributes.ApproximateNumberOfMessagesDelayed),
        arn: attributes.QueueArn,
      };
    },

    async listQueueUrls(prefix) {
      const urls: string[] = [];
      let nextToken: string | undefined;
      try {
        do {
          const out = await client.send(
            new sqs.ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, NextToken: nextToken }),
          );
          urls.push(...(out.QueueUrls ?? []));
          nextToken = out.NextToken;
        } while (nextToken);
      } catch (error) {
        throw toOpsError(`sqs:ListQueues prefix ${prefix}`, error);
      }
      return urls;
    },

    async setVisibilityTimeout(queueUrl, seconds) {
      try {
        await client.send(
          new sqs.SetQueueAttributesCommand({
            QueueUrl: queueUrl,
            Attributes: { VisibilityTimeout: String(seconds) },
          }),
        );
      } catch (error) {
        throw toOpsError(`sqs:SetQueueAttributes ${queueUrl}`, error);
      }
    },
  };
}
