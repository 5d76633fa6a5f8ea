import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { dynamoEpisodeStore, ecsTaskDefinitions, sqsAdapter } from '../../../functions/queue-drift/adapters';
import { ecsCalls } from '../../../shared/aws/ecs';
import { detectDrift } from '../../../functions/queue-drift/core';
import { PermanentError, RetryableError } from '../../../shared/errors';
import { fakeDeps, settings, URL_BASE } from '../../helpers/queue-drift/fakes';

const ecsMock = mockClient(ECSClient);
const sqsMock = mockClient(SQSClient);
const ddbMock = mockClient(DynamoDBClient);

beforeEach(() => {
  ecsMock.reset();
  sqsMock.reset();
  ddbMock.reset();
});

const missing = () =>
  new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} });

describe('ECS task definition as the source of truth', () => {
  const serviceWith = (deployments: Array<{ status: string; taskDefinition: string }>) => ({
    services: [
      {
        serviceName: 'worker',
        status: 'ACTIVE',
        taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app-worker:41',
        deployments,
      },
    ],
    failures: [],
  });

  it("reads the PRIMARY deployment's task definition, not the previous one still running", async () => {
    ecsMock.on(DescribeServicesCommand).resolves(
      serviceWith([
        {
          status: 'ACTIVE',
          taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app-worker:41',
        },
        {
          status: 'PRIMARY',
          taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app-worker:42',
        },
      ]),
    );
    ecsMock.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app-worker:42',
        containerDefinitions: [
          { name: 'worker', environment: [{ name: 'SQS_QUEUE_VISIBILITY_TIMEOUT', value: '900' }] },
        ],
      },
    });
    const { deps, sqs } = fakeDeps();
    sqs.add('celery', 360);
    deps.ecs = ecsTaskDefinitions(ecsCalls(new ECSClient({ region: 'us-east-1' })));

    const report = await detectDrift(
      { kind: 'schedule' },
      deps,
      settings([{ name: 'celery', source: { service: 'worker' } }]),
    );

    expect(ecsMock).toHaveReceivedCommandWith(DescribeServicesCommand, {
      cluster: 'django-app',
      services: ['worker'],
    });
    expect(ecsMock).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, {
      taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app-worker:42',
    });
    expect(report.findings[0]).toMatchObject({
      kind: 'VisibilityTimeoutDrift',
      expected: 900,
      actual: 360,
      expectedFrom: 'SQS_QUEUE_VISIBILITY_TIMEOUT in app-worker:42, container worker',
    });
  });

  it('expects 360 s when the current task definition does not set the variable', async () => {
    ecsMock.on(DescribeServicesCommand).resolves(serviceWith([]));
    ecsMock.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app-worker:41',
        containerDefinitions: [{ name: 'worker', environment: [{ name: 'DJANGO_DEBUG', value: '0' }] }],
      },
    });

    const td = await ecsTaskDefinitions(
      ecsCalls(new ECSClient({ region: 'us-east-1' })),
    ).currentTaskDefinition('c', 'worker');

    expect(ecsMock).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, {
      taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app-worker:41',
    });
    expect(td.containers).toEqual([{ name: 'worker', environment: { DJANGO_DEBUG: '0' } }]);
  });

  it('fails permanently, naming service and cluster, when the service does not exist', async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .resolves({ services: [], failures: [{ arn: 'x', reason: 'MISSING' }] });

    const call = ecsTaskDefinitions(ecsCalls(new ECSClient({ region: 'us-east-1' }))).currentTaskDefinition(
      'django-app',
      'wrker',
    );

    await expect(call).rejects.toThrow(PermanentError);
    await expect(call).rejects.toThrow('ECS service wrker not found in cluster django-app (MISSING)');
  });

  it('makes throttling retryable', async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(
      ecsTaskDefinitions(
        ecsCalls(new ECSClient({ region: 'us-east-1', maxAttempts: 1 })),
      ).currentTaskDefinition('c', 's'),
    ).rejects.toThrow(RetryableError);
  });
});

describe('sqsAdapter', () => {
  const sqs = () => sqsAdapter(new SQSClient({ region: 'us-east-1' }));

  // Visible, in-flight and delayed messages are three attributes:
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
  it('reads VisibilityTimeout, depth by message state and ARN', async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        VisibilityTimeout: '30',
        ApproximateNumberOfMessages: '4',
        ApproximateNumberOfMessagesNotVisible: '2',
        ApproximateNumberOfMessagesDelayed: '1',
        QueueArn: 'arn:q',
      },
    });

    const attributes = await sqs().attributes(URL_BASE + 'celery');

    expect(sqsMock).toHaveReceivedCommandWith(GetQueueAttributesCommand, {
      QueueUrl: URL_BASE + 'celery',
      AttributeNames: [
        'VisibilityTimeout',
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
        'QueueArn',
      ],
    });
    expect(attributes).toEqual({
      visibilityTimeout: 30,
      approximateMessages: 4,
      approximateMessagesNotVisible: 2,
      approximateMessagesDelayed: 1,
      arn: 'arn:q',
    });
  });

  it('counts an absent depth attribute as 0', async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: { VisibilityTimeout: '30' } });

    expect(await sqs().attributes(URL_BASE + 'celery')).toEqual({
      visibilityTimeout: 30,
      approximateMessages: 0,
      approximateMessagesNotVisible: 0,
      approximateMessagesDelayed: 0,
      arn: undefined,
    });
  });

  it('answers undefined for a queue that does not exist', async () => {
    sqsMock.on(GetQueueUrlCommand).rejects(missing());
    sqsMock.on(GetQueueAttributesCommand).rejects(missing());

    expect(await sqs().queueUrl('celery')).toBeUndefined();
    expect(await sqs().attributes(URL_BASE + 'celery')).toBeUndefined();
    expect(sqsMock).toHaveReceivedCommandWith(GetQueueUrlCommand, { QueueName: 'celery' });
  });

  it('fails permanently on AccessDenied, naming the call and queue', async () => {
    sqsMock
      .on(GetQueueUrlCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));

    const call = sqs().queueUrl('celery');

    await expect(call).rejects.toThrow(PermanentError);
    await expect(call).rejects.toThrow('sqs:GetQueueUrl celery failed: AccessDenied: not authorized');
  });

  it('lists every page of queues with the prefix', async () => {
    sqsMock
      .on(ListQueuesCommand, { QueueNamePrefix: 'app-', MaxResults: 1000, NextToken: undefined })
      .resolves({ QueueUrls: [URL_BASE + 'app-a'], NextToken: 't1' })
      .on(ListQueuesCommand, { QueueNamePrefix: 'app-', MaxResults: 1000, NextToken: 't1' })
      .resolves({ QueueUrls: [URL_BASE + 'app-b'] });

    expect(await sqs().listQueueUrls('app-')).toEqual([URL_BASE + 'app-a', URL_BASE + 'app-b']);
    expect(sqsMock).toHaveReceivedCommandTimes(ListQueuesCommand, 2);
  });

  it('sets only VisibilityTimeout when remediating', async () => {
    sqsMock.on(SetQueueAttributesCommand).resolves({});

    await sqs().setVisibilityTimeout(URL_BASE + 'celery', 360);

    expect(sqsMock).toHaveReceivedCommandWith(SetQueueAttributesCommand, {
      QueueUrl: URL_BASE + 'celery',
      Attributes: { VisibilityTimeout: '360' },
    });
  });
});

describe('dynamoEpisodeStore', () => {
  const store = () => dynamoEpisodeStore(new DynamoDBClient({ region: 'us-east-1' }), 'episodes');
  const episode = {
    key: 'celery#VisibilityTimeoutDrift',
    queue: 'celery',
    kind: 'VisibilityTimeoutDrift' as const,
    openedAt: '2026-11-24T03:00:00.000Z',
    summary: 'VisibilityTimeout is 30 s but the app expects 360 s (configured)',
  };
  const ccf = () =>
    new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

  it('opens an episode only if it is not open yet', async () => {
    ddbMock.on(PutItemCommand).resolvesOnce({}).rejectsOnce(ccf());

    expect(await store().open(episode)).toBe(true);
    expect(await store().open(episode)).toBe(false);
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'episodes',
      Item: {
        scope: { S: 'queue-drift' },
        episode: { S: 'celery#VisibilityTimeoutDrift' },
        queue: { S: 'celery' },
        kind: { S: 'VisibilityTimeoutDrift' },
        openedAt: { S: '2026-11-24T03:00:00.000Z' },
        summary: { S: episode.summary },
      },
      ConditionExpression: 'attribute_not_exists(episode)',
    });
  });

  it('resolves an episode only if it is still open', async () => {
    ddbMock.on(DeleteItemCommand).resolvesOnce({}).rejectsOnce(ccf());

    expect(await store().resolve(episode.key)).toBe(true);
    expect(await store().resolve(episode.key)).toBe(false);
    expect(ddbMock).toHaveReceivedCommandWith(DeleteItemCommand, {
      TableName: 'episodes',
      Key: { scope: { S: 'queue-drift' }, episode: { S: episode.key } },
      ConditionExpression: 'attribute_exists(episode)',
    });
  });

  it('lists open episodes across pages with a consistent read', async () => {
    const item = (key: string) => ({
      scope: { S: 'queue-drift' },
      episode: { S: key },
      queue: { S: 'celery' },
      kind: { S: 'QueueMissing' },
      openedAt: { S: 't' },
      summary: { S: 's' },
    });
    ddbMock
      .on(QueryCommand)
      .resolvesOnce({ Items: [item('a#QueueMissing')], LastEvaluatedKey: { scope: { S: 'queue-drift' } } })
      .resolvesOnce({ Items: [item('b#QueueMissing')] });

    const open = await store().list();

    expect(open.map((e) => e.key)).toEqual(['a#QueueMissing', 'b#QueueMissing']);
    expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'episodes',
      KeyConditionExpression: '#scope = :scope',
      ConsistentRead: true,
    });
  });
});
