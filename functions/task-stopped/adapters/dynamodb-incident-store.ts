import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamoDb } from '../../../shared/aws/commands/dynamodb';
import { isConditionalCheckFailed, toOpsError } from '../../../shared/errors';
import type { Incident, IncidentStore } from '../ports';

type Item = Record<string, AttributeValue>;

/**
 * Incidents in a DynamoDB table (partition key `pk`, TTL attribute `expiresAt`). Every write is
 * conditional on the version read, so of two concurrent invocations exactly one wins and the
 * other re-reads: the first message and the escalation are each sent once.
 */
export function dynamoDbIncidentStore(client: DynamoDBClient, tableName: string): IncidentStore {
  const key = (k: string) => marshall({ pk: k });
  const versionIs = (version: number) => ({
    ConditionExpression: '#version = :expected',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: marshall({ ':expected': version }),
  });

  async function conditional(action: string, send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      // By name (the SDK's exception class would load the client at init): what it sets on it.
      if (isConditionalCheckFailed(error)) return false;
      throw toOpsError(`dynamodb:${action} ${tableName}`, error);
    }
  }

  return {
    async get(k) {
      try {
        const out = await client.send(
          new dynamoDb.GetItemCommand({ TableName: tableName, Key: key(k), ConsistentRead: true }),
        );
        return out.Item ? fromItem(out.Item) : undefined;
      } catch (error) {
        throw toOpsError(`dynamodb:GetItem ${tableName}`, error);
      }
    },
    save(incident, expectedVersion) {
      const condition =
        expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : versionIs(expectedVersion);
      return conditional('PutItem', () =>
        client.send(
          new dynamoDb.PutItemCommand({ TableName: tableName, Item: toItem(incident), ...condition }),
        ),
      );
    },
    remove(incident) {
      return conditional('DeleteItem', () =>
        client.send(
          new dynamoDb.DeleteItemCommand({
            TableName: tableName,
            Key: key(incident.key),
            ...versionIs(incident.version),
          }),
        ),
      );
    },
    async listOpen() {
      const incidents: Incident[] = [];
      let start: Item | undefined;
      try {
        do {
          const out = await client.send(
            new dynamoDb.ScanCommand({
              TableName: tableName,
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          for (const item of out.Items ?? []) {
            const incident = fromItem(item);
            if (incident) incidents.push(incident);
          }
          start = out.LastEvaluatedKey;
        } while (start);
      } catch (error) {
        throw toOpsError(`dynamodb:Scan ${tableName}`, error);
      }
      return incidents;
    },
  };
}

/** The stored form: plain attributes, readable in the console. */
export function toItem(i: Incident): Item {
  return marshall({
    pk: i.key,
    cluster: i.cluster,
    service: i.service,
    clusterArn: i.clusterArn,
    serviceArn: i.serviceArn,
    openedAt: i.openedAt,
    lastFailureAt: i.lastFailureAt,
    count: i.count,
    categories: Object.fromEntries(Object.entries(i.categories).map(([c, v]) => [c, v ?? 0])),
    taskDefinitions: i.taskDefinitions,
    deployments: i.deployments,
    escalated: i.escalated,
    recentTaskIds: i.recentTaskIds,
    expiresAt: i.expiresAt,
    version: i.version,
    ...(i.runningAt !== undefined ? { runningAt: i.runningAt } : {}),
    ...(i.kind ? { kind: i.kind } : {}),
  });
}

/** Reads an item back; an item that is not an incident (hand-edited, older shape) is ignored. */
export function fromItem(item: Item): Incident | undefined {
  // Every number as Number() reads it: an out-of-range value is then NaN or Infinity, not a throw.
  const raw = unmarshall(item, { wrapNumbers: Number }) as Record<string, unknown>;
  const s = (name: string) => (typeof raw[name] === 'string' ? (raw[name] as string) : undefined);
  const num = (name: string) => (typeof raw[name] === 'number' ? (raw[name] as number) : NaN);
  const strings = (name: string) =>
    Array.isArray(raw[name])
      ? (raw[name] as unknown[]).filter((v): v is string => typeof v === 'string')
      : [];
  const map = (name: string) => {
    const value = raw[name];
    return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Set)
      ? (value as Record<string, unknown>)
      : {};
  };
  const pk = s('pk');
  const service = s('service');
  const cluster = s('cluster');
  if (
    !pk ||
    !service ||
    !cluster ||
    !Number.isFinite(num('version')) ||
    !Number.isFinite(num('lastFailureAt'))
  ) {
    return undefined;
  }
  return {
    key: pk,
    cluster,
    service,
    clusterArn: s('clusterArn') ?? '',
    serviceArn: s('serviceArn') ?? '',
    openedAt: num('openedAt'),
    lastFailureAt: num('lastFailureAt'),
    count: num('count') || 0,
    categories: Object.fromEntries(
      Object.entries(map('categories')).map(([c, v]) => [c, typeof v === 'number' ? v || 0 : 0]),
    ),
    taskDefinitions: strings('taskDefinitions'),
    deployments: strings('deployments'),
    escalated: raw.escalated === true,
    recentTaskIds: strings('recentTaskIds'),
    expiresAt: num('expiresAt') || 0,
    version: num('version'),
    ...(Number.isFinite(num('runningAt')) ? { runningAt: num('runningAt') } : {}),
    ...(s('kind') === 'capacity' ? { kind: 'capacity' as const } : {}),
  };
}
