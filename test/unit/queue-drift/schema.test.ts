import cloudtrail from '../../../events/queue-drift/cloudtrail-set-queue-attributes.json';
import scheduled from '../../../events/queue-drift/scheduled.json';
import { parseTrigger, QueueDriftConfig, settingsFromEnv } from '../../../functions/queue-drift/schema';
import { loadConfig } from '../../../shared/config';
import { ConfigError, InvalidEventError } from '../../../shared/errors';

describe('parseTrigger', () => {
  it('reads the scheduled sample event', () => {
    expect(parseTrigger(scheduled)).toEqual({ kind: 'schedule', time: '2026-11-24T03:00:00Z' });
  });

  it('reads queue, caller and call from the CloudTrail sample event', () => {
    expect(parseTrigger(cloudtrail)).toEqual({
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
    expect(parseTrigger(event)).toMatchObject({ eventName: 'CreateQueue', queue: 'celery-x' });
  });

  it('treats an empty event as a manual run', () => {
    expect(parseTrigger({})).toEqual({ kind: 'manual' });
    expect(parseTrigger(undefined)).toEqual({ kind: 'manual' });
    expect(parseTrigger('')).toEqual({ kind: 'manual' });
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
    expect(() => parseTrigger(event)).toThrow(InvalidEventError);
    expect(() => parseTrigger(event)).toThrow(message);
  });
});

describe('QueueDriftConfig', () => {
  it('parses QUEUES with defaults and the prefix', () => {
    const s = settingsFromEnv(
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
    expect(settingsFromEnv(loadConfig(QueueDriftConfig, {})).queues).toEqual([]);
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
