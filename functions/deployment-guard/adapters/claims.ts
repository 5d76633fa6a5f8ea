import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDb } from '../../../shared/aws/commands/dynamodb';
import { isConditionalCheckFailed, toOpsError } from '../../../shared/errors';
import type { ClaimPort } from '../ports';

/**
 * Claims as conditional writes to a DynamoDB table (`pk`, TTL attribute `expiresAt`): the put
 * succeeds only when no unexpired claim exists, so exactly one of several concurrent writers
 * wins. TTL deletes lazily, hence the explicit `expiresAt < now` in the condition.
 */
export function dynamoClaims(client: DynamoDBClient, table: string, now: () => Date): ClaimPort {
  return {
    async claim(key, ttlSeconds) {
      const at = Math.floor(now().getTime() / 1000);
      try {
        await client.send(
          new dynamoDb.PutItemCommand({
            TableName: table,
            Item: { pk: { S: key }, expiresAt: { N: String(at + ttlSeconds) } },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': { N: String(at) } },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw toOpsError(`dynamodb:PutItem ${table} (claim ${key})`, error);
      }
    },
  };
}
