import createQueue from '../../../events/queue-drift/cloudtrail-create-queue.json';
import cloudtrail from '../../../events/queue-drift/cloudtrail-set-queue-attributes.json';
import scheduled from '../../../events/queue-drift/scheduled.json';
import { parseEvent, QueueDriftConfig, settingsFrom } from '../../../functions/queue-drift/schema';
import { loadConfig } from '../../../shared/config';
import { ConfigError, InvalidEventError } from '../../../shared/errors';

describe('parseEvent', () => {
  it('reads the scheduled sample event', () => {
    expect(parseEvent(scheduled)).toEqual({ kind: 'schedule', time: '2026-11-24T03:00:00Z' });
  });

  it('reads queue, caller and call from the CloudTrail sample event', () => {
    expect(parseEvent(cloudtrail)).toEqual({
      kind: 'cloudtrail',
      eventName: 'SetQueueAttributes',
      queue: 'celery',
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/celery',
      actor: 'arn:aws:sts::123456789012:assumed-role/Admin/jane',
      time: '2026-11-24T03:02:09Z',
      visibilityTimeout: 30,
    });
  });

  it('takes the queue name of a CreateQueue call', () => {
    const event = {
      ...cloudtrail,
      detail: {
        ...cloudtrail.detail,
        eventName: 'CreateQueue',
        requestParameters: { queueName: 'celery-x' },
      },
    };
    expect(parseEvent(event)).toMatchObject({ eventName: 'CreateQueue', queue: 'celery-x' });
  });

  // CloudTrail records SQS management calls with the request as sent: queueUrl and attributes
  // (string values) for SetQueueAttributes, queueName for CreateQueue whose response has the URL.
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/logging-using-cloudtrail.html
  it('reads a CreateQueue call: name from the request, URL from the response, the VisibilityTimeout it set', () => {
    expect(parseEvent(createQueue)).toEqual({
      kind: 'cloudtrail',
      eventName: 'CreateQueue',
      queue: 'celery',
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/celery',
      actor: 'arn:aws:sts::123456789012:assumed-role/django-worker-task/3f1c9a7e5b2d4c6a8e0f1a2b3c4d5e6f',
      time: '2026-11-24T03:10:01Z',
      visibilityTimeout: 1800,
    });
  });

  const withDetail = (detail: Record<string, unknown>) => ({
    ...cloudtrail,
    detail: { ...cloudtrail.detail, ...detail },
  });

  it('reads a console edit, which sends every attribute, and a legacy queue URL host', () => {
    const event = withDetail({
      userAgent: 'console.amazonaws.com',
      requestParameters: {
        queueUrl: 'https://us-east-2.queue.amazonaws.com/123456789012/celery',
        attributes: {
          Policy: '',
          ReceiveMessageWaitTimeSeconds: '0',
          DelaySeconds: '0',
          RedrivePolicy: '',
          MessageRetentionPeriod: '345600',
          MaximumMessageSize: '262144',
          VisibilityTimeout: '45',
        },
      },
    });
    expect(parseEvent(event)).toMatchObject({ queue: 'celery', visibilityTimeout: 45 });
  });

  it.each([
    ['a value that is not seconds', { VisibilityTimeout: 'abc' }],
    ['a value above 12 h', { VisibilityTimeout: '43201' }],
    ['an empty value', { VisibilityTimeout: '' }],
    ['no VisibilityTimeout (a policy change)', { Policy: '{}' }],
  ])('takes no VisibilityTimeout from %s', (_label, attributes) => {
    const event = withDetail({
      requestParameters: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/1/celery', attributes },
    });
    expect(parseEvent(event)).not.toHaveProperty('visibilityTimeout');
  });

  it('names an AWS service caller (no ARN) and keeps the error code of a failed call', () => {
    const event = withDetail({
      userIdentity: { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' },
      errorCode: 'AccessDenied',
      errorMessage: 'User is not authorized to perform: sqs:setqueueattributes',
      responseElements: null,
    });
    expect(parseEvent(event)).toMatchObject({
      actor: 'cloudformation.amazonaws.com',
      errorCode: 'AccessDenied',
      queue: 'celery',
    });
  });

  it('reads a call that recorded no request parameters', () => {
    expect(parseEvent(withDetail({ requestParameters: null }))).toEqual({
      kind: 'cloudtrail',
      eventName: 'SetQueueAttributes',
      actor: 'arn:aws:sts::123456789012:assumed-role/Admin/jane',
      time: '2026-11-24T03:02:09Z',
    });
  });

  it('treats an empty event as a manual run', () => {
    expect(parseEvent({})).toEqual({ kind: 'manual' });
    expect(parseEvent(undefined)).toEqual({ kind: 'manual' });
    expect(parseEvent('')).toEqual({ kind: 'manual' });
  });

  it.each([
    [
      { 'detail-type': 'ECS Task State Change', source: 'aws.ecs' },
      'unsupported event (detail-type "ECS Task State Change")',
    ],
    [{ ...cloudtrail, source: 'aws.ecs' }, 'not a CloudTrail SQS API call event: source'],
    [{ ...cloudtrail, detail: { eventSource: 'sqs.amazonaws.com' } }, 'detail.eventName'],
    ['hello', 'event must be an object, got string'],
  ])('rejects %j with a specific InvalidEventError', (event, message) => {
    expect(() => parseEvent(event)).toThrow(InvalidEventError);
    expect(() => parseEvent(event)).toThrow(message);
  });
});

describe('QueueDriftConfig', () => {
  it('parses QUEUES with defaults and the prefix', () => {
    const s = settingsFrom(
      loadConfig(QueueDriftConfig, {
        QUEUES: JSON.stringify([{ name: 'celery', source: { service: 'worker' } }]),
        QUEUE_PREFIX: 'app-',
        DRY_RUN: 'true',
      }),
    );

    expect(s).toEqual({
      queues: [
        {
          name: 'celery',
          source: { service: 'worker', envVar: 'SQS_QUEUE_VISIBILITY_TIMEOUT', default: 360 },
          deadLetterThreshold: 0,
          remediate: false,
        },
      ],
      queuePrefix: 'app-',
      clusterName: 'django-app',
      dryRun: true,
      region: expect.any(String),
    });
  });

  it('runs with nothing configured', () => {
    expect(settingsFrom(loadConfig(QueueDriftConfig, {})).queues).toEqual([]);
  });

  it.each([
    [[{ name: 'a', url: 'https://sqs.us-east-1.amazonaws.com/1/a' }], 'give exactly one of name or url'],
    [[{ name: 'a', expectedVisibilityTimeout: 1, source: { service: 's' } }], 'not both'],
    [[{ name: 'a', expectedVisibilityTimeout: 50000 }], 'QUEUES.0.expectedVisibilityTimeout'],
    [[{ name: 'a' }, { url: 'https://sqs.us-east-1.amazonaws.com/1/a' }], 'two entries name the same queue'],
    [[{ name: 'a', remediat: true }], 'remediat'],
  ])('names the problem in QUEUES %j', (queues, message) => {
    const load = () => loadConfig(QueueDriftConfig, { QUEUES: JSON.stringify(queues) });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
});
