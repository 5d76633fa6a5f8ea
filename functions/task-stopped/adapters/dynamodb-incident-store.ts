import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { toOpsError } from '../../../shared/errors';
import type { Incident, IncidentStore } from '../ports';

type Item = Record<string, AttributeValue>;

/**
 * Incidents in a DynamoDB table (partition key `pk`, TTL attribute `expiresAt`). Every write is
 * conditional on the version read, so of two concurrent invocations exactly one wins and the
 * other re-reads: the first message and the escalation are each sent once.
 */
export function dynamoDbIncidentStore(client: DynamoDBClient, tableName: string): IncidentStore {
  const key = (k: string) => ({ pk: { S: k } });
  const versionIs = (version: number) => ({
    ConditionExpression: '#version = :expected',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':expected': { N: String(version) } },
  });

  async function conditional(action: string, send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error)?.name === 'ConditionalCheckFailedException'
      ) {
        return false;
      }
      throw toOpsError(`dynamodb:${action} ${tableName}`, error);
    }
  }

  return {
    async get(k) {
      try {
        const out = await client.send(
          new GetItemCommand({ TableName: tableName, Key: key(k), ConsistentRead: true }),
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
        client.send(new PutItemCommand({ TableName: tableName, Item: toItem(incident), ...condition })),
      );
    },
    remove(incident) {
      return conditional('DeleteItem', () =>
        client.send(
          new DeleteItemCommand({
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
            new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
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

const n = (value: number): AttributeValue => ({ N: String(value) });
const list = (values: string[]): AttributeValue => ({ L: values.map((S) => ({ S })) });

/** The stored form: plain attributes, readable in the console. */
export function toItem(i: Incident): Item {
  return {
    pk: { S: i.key },
    cluster: { S: i.cluster },
    service: { S: i.service },
    clusterArn: { S: i.clusterArn },
    serviceArn: { S: i.serviceArn },
    openedAt: n(i.openedAt),
    lastFailureAt: n(i.lastFailureAt),
    count: n(i.count),
    categories: { M: Object.fromEntries(Object.entries(i.categories).map(([c, v]) => [c, n(v ?? 0)])) },
    taskDefinitions: list(i.taskDefinitions),
    deployments: list(i.deployments),
    escalated: { BOOL: i.escalated },
    recentTaskIds: list(i.recentTaskIds),
    expiresAt: n(i.expiresAt),
    version: n(i.version),
    ...(i.runningAt !== undefined ? { runningAt: n(i.runningAt) } : {}),
    ...(i.kind ? { kind: { S: i.kind } } : {}),
  };
}

/** Reads an item back; an item that is not an incident (hand-edited, older shape) is ignored. */
export function fromItem(item: Item): Incident | undefined {
  const s = (name: string) => item[name]?.S;
  const num = (name: string) => Number(item[name]?.N);
  const strings = (name: string) => (item[name]?.L ?? []).flatMap((v) => (v.S === undefined ? [] : [v.S]));
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
      Object.entries(item.categories?.M ?? {}).map(([c, v]) => [c, Number(v.N) || 0]),
    ),
    taskDefinitions: strings('taskDefinitions'),
    deployments: strings('deployments'),
    escalated: item.escalated?.BOOL === true,
    recentTaskIds: strings('recentTaskIds'),
    expiresAt: num('expiresAt') || 0,
    version: num('version'),
    ...(Number.isFinite(num('runningAt')) ? { runningAt: num('runningAt') } : {}),
    ...(s('kind') === 'capacity' ? { kind: 'capacity' as const } : {}),
  };
}
