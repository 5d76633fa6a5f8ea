import {
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { PermanentError, toOpsError } from '../../shared/errors';
import type {
  Episode,
  EpisodeStore,
  FindingKind,
  QueueAttributes,
  QueuePort,
  ServiceTaskDefinition,
  TaskDefinitionPort,
} from './ports';

function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: string; Code?: string; code?: string };
  return e.name ?? e.Code ?? e.code;
}

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
        const out = await client.send(new GetQueueUrlCommand({ QueueName: name }));
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
          new GetQueueAttributesCommand({
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
            new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, NextToken: nextToken }),
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
          new SetQueueAttributesCommand({
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

/** ECS adapter: the PRIMARY deployment's task definition and its containers' environment. */
export function ecsAdapter(client: ECSClient): TaskDefinitionPort {
  return {
    async currentTaskDefinition(cluster, service): Promise<ServiceTaskDefinition> {
      let arn: string | undefined;
      try {
        const out = await client.send(new DescribeServicesCommand({ cluster, services: [service] }));
        const found = out.services?.find(
          (s) => s.serviceName === service || s.serviceArn?.endsWith(`/${service}`),
        );
        if (!found || found.status === 'INACTIVE') {
          const reason = out.failures?.[0]?.reason ?? found?.status ?? 'MISSING';
          throw new PermanentError(`ECS service ${service} not found in cluster ${cluster} (${reason})`);
        }
        arn = found.deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? found.taskDefinition;
      } catch (error) {
        throw toOpsError(`ecs:DescribeServices ${cluster}/${service}`, error);
      }
      if (!arn)
        throw new PermanentError(`ECS service ${service} in cluster ${cluster} has no task definition`);
      try {
        const out = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
        const containers = (out.taskDefinition?.containerDefinitions ?? []).map((c) => ({
          name: c.name ?? '',
          environment: Object.fromEntries(
            (c.environment ?? []).filter((e) => e.name !== undefined).map((e) => [e.name, e.value ?? '']),
          ) as Record<string, string>,
        }));
        return { taskDefinitionArn: out.taskDefinition?.taskDefinitionArn ?? arn, containers };
      } catch (error) {
        throw toOpsError(`ecs:DescribeTaskDefinition ${arn}`, error);
      }
    },
  };
}

/** Partition key value: one table per stage, one partition for this function's episodes. */
export const EPISODE_SCOPE = 'queue-drift';

/**
 * Open episodes in DynamoDB (`scope` HASH + `episode` RANGE). Opening and resolving are
 * conditional writes, so only one of two concurrent runs wins and notifies.
 */
export function dynamoEpisodeStore(client: DynamoDBClient, table: string): EpisodeStore {
  const key = (episode: string): Record<string, AttributeValue> => ({
    scope: { S: EPISODE_SCOPE },
    episode: { S: episode },
  });
  return {
    kind: 'dynamodb',
    async list() {
      const episodes: Episode[] = [];
      let start: Record<string, AttributeValue> | undefined;
      try {
        do {
          const out = await client.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: '#scope = :scope',
              ExpressionAttributeNames: { '#scope': 'scope' },
              ExpressionAttributeValues: { ':scope': { S: EPISODE_SCOPE } },
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          for (const item of out.Items ?? []) {
            episodes.push({
              key: item.episode?.S ?? '',
              queue: item.queue?.S ?? '',
              kind: (item.kind?.S ?? 'CheckFailed') as FindingKind,
              openedAt: item.openedAt?.S ?? '',
              summary: item.summary?.S ?? '',
            });
          }
          start = out.LastEvaluatedKey;
        } while (start);
      } catch (error) {
        throw toOpsError(`dynamodb:Query ${table}`, error);
      }
      return episodes;
    },
    async open(episode) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              ...key(episode.key),
              queue: { S: episode.queue },
              kind: { S: episode.kind },
              openedAt: { S: episode.openedAt },
              summary: { S: episode.summary.slice(0, 2000) },
            },
            ConditionExpression: 'attribute_not_exists(episode)',
          }),
        );
        return true;
      } catch (error) {
        if (errorName(error) === 'ConditionalCheckFailedException') return false;
        throw toOpsError(`dynamodb:PutItem ${table} ${episode.key}`, error);
      }
    },
    async resolve(episodeKey) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: table,
            Key: key(episodeKey),
            ConditionExpression: 'attribute_exists(episode)',
          }),
        );
        return true;
      } catch (error) {
        if (errorName(error) === 'ConditionalCheckFailedException') return false;
        throw toOpsError(`dynamodb:DeleteItem ${table} ${episodeKey}`, error);
      }
    },
  };
}

/**
 * Episodes in this process's memory: for `invoke local` and stages without a table. A new
 * process knows no episode, so each cold start notifies every finding again.
 */
export function memoryEpisodeStore(initial: Episode[] = []): EpisodeStore {
  const open = new Map(initial.map((e) => [e.key, e]));
  return {
    kind: 'memory',
    async list() {
      return [...open.values()];
    },
    async open(episode) {
      if (open.has(episode.key)) return false;
      open.set(episode.key, episode);
      return true;
    },
    async resolve(episodeKey) {
      return open.delete(episodeKey);
    },
  };
}
