import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamoDb } from '../../../shared/aws/commands/dynamodb';
import { isConditionalCheckFailed, toOpsError } from '../../../shared/errors';
import type { Episode, EpisodeStore, FindingKind } from '../ports';

/** Partition key value: one table per stage, one partition for this function's episodes. */
export const EPISODE_SCOPE = 'queue-drift';

/** The stored item's fields; any of them may be missing from an item written by hand. */
interface EpisodeItem {
  episode?: string;
  queue?: string;
  kind?: string;
  openedAt?: string;
  summary?: string;
}

/**
 * Open episodes in DynamoDB (`scope` HASH + `episode` RANGE). Opening and resolving are
 * conditional writes, so only one of two concurrent runs wins and notifies.
 */
export function dynamoEpisodeStore(client: DynamoDBClient, table: string): EpisodeStore {
  const key = (episode: string) => marshall({ scope: EPISODE_SCOPE, episode });
  return {
    kind: 'dynamodb',
    async list() {
      const episodes: Episode[] = [];
      let start: Record<string, AttributeValue> | undefined;
      try {
        do {
          const out = await client.send(
            new dynamoDb.QueryCommand({
              TableName: table,
              KeyConditionExpression: '#scope = :scope',
              ExpressionAttributeNames: { '#scope': 'scope' },
              ExpressionAttributeValues: marshall({ ':scope': EPISODE_SCOPE }),
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          for (const raw of out.Items ?? []) {
            const item = unmarshall(raw) as EpisodeItem;
            episodes.push({
              key: item.episode ?? '',
              queue: item.queue ?? '',
              kind: (item.kind ?? 'CheckFailed') as FindingKind,
              openedAt: item.openedAt ?? '',
              summary: item.summary ?? '',
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
          new dynamoDb.PutItemCommand({
            TableName: table,
            Item: marshall({
              scope: EPISODE_SCOPE,
              episode: episode.key,
              queue: episode.queue,
              kind: episode.kind,
              openedAt: episode.openedAt,
              summary: episode.summary.slice(0, 2000),
            }),
            ConditionExpression: 'attribute_not_exists(episode)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw toOpsError(`dynamodb:PutItem ${table} ${episode.key}`, error);
      }
    },
    async resolve(episodeKey) {
      try {
        await client.send(
          new dynamoDb.DeleteItemCommand({
            TableName: table,
            Key: key(episodeKey),
            ConditionExpression: 'attribute_exists(episode)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw toOpsError(`dynamodb:DeleteItem ${table} ${episodeKey}`, error);
      }
    },
  };
}
