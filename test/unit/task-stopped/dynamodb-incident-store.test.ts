import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { dynamoDbIncidentStore } from '../../../functions/task-stopped/adapters/dynamodb-incident-store';
import type { Incident } from '../../../functions/task-stopped/ports';

const TABLE = 'ops-sentinel-prod-task-stopped-incidents';
const ddb = mockClient(DynamoDBClient);
const store = () => dynamoDbIncidentStore(new DynamoDBClient({}), TABLE);

const incident: Incident = {
  key: 'django-app/web',
  cluster: 'django-app',
  service: 'web',
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/django-app',
  serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/django-app/web',
  openedAt: 1795514400000,
  lastFailureAt: 1795514460000,
  count: 2,
  categories: { 'elb-health-check': 2 },
  taskDefinitions: ['django-web:42'],
  deployments: ['ecs-svc/4837192837465012345'],
  escalated: false,
  recentTaskIds: ['t1', 't2'],
  expiresAt: 1796119260,
  version: 2,
};

const item = {
  pk: { S: 'django-app/web' },
  cluster: { S: 'django-app' },
  service: { S: 'web' },
  clusterArn: { S: 'arn:aws:ecs:us-east-1:123456789012:cluster/django-app' },
  serviceArn: { S: 'arn:aws:ecs:us-east-1:123456789012:service/django-app/web' },
  openedAt: { N: '1795514400000' },
  lastFailureAt: { N: '1795514460000' },
  count: { N: '2' },
  categories: { M: { 'elb-health-check': { N: '2' } } },
  taskDefinitions: { L: [{ S: 'django-web:42' }] },
  deployments: { L: [{ S: 'ecs-svc/4837192837465012345' }] },
  escalated: { BOOL: false },
  recentTaskIds: { L: [{ S: 't1' }, { S: 't2' }] },
  expiresAt: { N: '1796119260' },
  version: { N: '2' },
};

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(() => ddb.reset());

describe('dynamoDbIncidentStore', () => {
  it('reads an incident with a strongly consistent GetItem', async () => {
    ddb.on(GetItemCommand).resolves({ Item: item });

    const found = await store().get('django-app/web');

    expect(found).toEqual(incident);
    expect(ddb).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: TABLE,
      Key: { pk: { S: 'django-app/web' } },
      ConsistentRead: true,
    });
  });

  it('returns undefined when there is no incident', async () => {
    ddb.on(GetItemCommand).resolves({});

    expect(await store().get('django-app/web')).toBeUndefined();
  });

  it('creates an incident only if none exists', async () => {
    ddb.on(PutItemCommand).resolves({});

    const saved = await store().save({ ...incident, version: 1 }, undefined);

    expect(saved).toBe(true);
    expect(ddb.commandCalls(PutItemCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Item: { ...item, version: { N: '1' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('replaces an incident only if the stored version is the one read', async () => {
    ddb.on(PutItemCommand).resolves({});

    await store().save({ ...incident, count: 3, version: 3 }, 2);

    expect(ddb.commandCalls(PutItemCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Item: { ...item, count: { N: '3' }, version: { N: '3' } },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': { N: '2' } },
    });
  });

  it('reports a lost race as false instead of an error', async () => {
    ddb.on(PutItemCommand).rejects(conditionFailed());
    ddb.on(DeleteItemCommand).rejects(conditionFailed());

    expect(await store().save(incident, 1)).toBe(false);
    expect(await store().remove(incident)).toBe(false);
  });

  it('deletes an incident only if nobody changed it since it was read', async () => {
    ddb.on(DeleteItemCommand).resolves({});

    expect(await store().remove(incident)).toBe(true);
    expect(ddb).toHaveReceivedCommandWith(DeleteItemCommand, {
      TableName: TABLE,
      Key: { pk: { S: 'django-app/web' } },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': { N: '2' } },
    });
  });

  it('stores the recovery evidence and the capacity kind, and reads them back', async () => {
    ddb.on(PutItemCommand).resolves({});
    const capacity: Incident = {
      ...incident,
      key: 'django-app/web#capacity',
      kind: 'capacity',
      runningAt: 1795514500000,
    };

    await store().save(capacity, undefined);
    const written = ddb.commandCalls(PutItemCommand)[0]!.args[0].input.Item!;
    ddb.on(GetItemCommand).resolves({ Item: written });

    expect(written).toEqual({
      ...item,
      pk: { S: 'django-app/web#capacity' },
      runningAt: { N: '1795514500000' },
      kind: { S: 'capacity' },
    });
    expect(await store().get('django-app/web#capacity')).toEqual(capacity);
  });

  it('lists open incidents across pages and skips items that are not incidents', async () => {
    ddb
      .on(ScanCommand)
      .resolvesOnce({
        Items: [item, { pk: { S: 'junk' } }],
        LastEvaluatedKey: { pk: { S: 'django-app/web' } },
      })
      .resolvesOnce({ Items: [{ ...item, pk: { S: 'django-app/worker' }, service: { S: 'worker' } }] });

    const open = await store().listOpen();

    expect(open.map((i) => i.key)).toEqual(['django-app/web', 'django-app/worker']);
    expect(ddb.commandCalls(ScanCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: TABLE, ConsistentRead: true, ExclusiveStartKey: undefined },
      { TableName: TABLE, ConsistentRead: true, ExclusiveStartKey: { pk: { S: 'django-app/web' } } },
    ]);
  });

  it('turns throttling into a retryable error that names the call and the table', async () => {
    ddb
      .on(PutItemCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));

    await expect(store().save(incident, 1)).rejects.toMatchObject({
      name: 'RetryableError',
      message: `dynamodb:PutItem ${TABLE} failed: ProvisionedThroughputExceededException: Rate exceeded`,
    });
  });

  it('turns a missing permission into a permanent error', async () => {
    ddb
      .on(GetItemCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    await expect(store().get('django-app/web')).rejects.toMatchObject({
      name: 'PermanentError',
      message: `dynamodb:GetItem ${TABLE} failed: AccessDeniedException: not authorized`,
    });
  });
});
