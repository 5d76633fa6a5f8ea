/**
 * The CloudTrail rule matches SetQueueAttributes/CreateQueue/DeleteQueue on the app's queues only,
 * checked against CloudTrail events shaped as they arrive (queue URLs of every host form).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
import createQueue from '../../../events/queue-drift/cloudtrail-create-queue.json';
import setQueueAttributes from '../../../events/queue-drift/cloudtrail-set-queue-attributes.json';
import { MAX_PATTERN_CHARS, queueDriftCloudTrailPattern } from '../../../resources/lib/queue-drift';
import { matchesPattern } from '../../helpers/queue-drift/event-pattern';

const ACCOUNT = '123456789012';
const setOn = (queueUrl: string, eventName = 'SetQueueAttributes') => ({
  ...setQueueAttributes,
  detail: { ...setQueueAttributes.detail, eventName, requestParameters: { queueUrl, attributes: {} } },
});
const created = (queueName: string) => ({
  ...createQueue,
  detail: { ...createQueue.detail, requestParameters: { queueName }, responseElements: null },
});
const url = (host: string, name: string) => `https://${host}/${ACCOUNT}/${name}`;

describe('queueDrift CloudTrail rule pattern', () => {
  const pattern = queueDriftCloudTrailPattern(
    [
      { name: 'celery', deadLetterQueue: 'celery-dlq' },
      { url: url('sqs.us-east-1.amazonaws.com', 'priority.fifo') },
      { name: 'app-default' },
    ],
    'app-',
  ) as unknown as Record<string, unknown>;
  const matches = (event: unknown) => matchesPattern(pattern, event);

  it.each([
    ['the sample SetQueueAttributes on celery', setQueueAttributes],
    ['the sample CreateQueue of celery', createQueue],
    ['a legacy queue URL host', setOn(url('us-east-1.queue.amazonaws.com', 'celery'))],
    ['a VPC endpoint host', setOn(url('vpce-0a1b2c3d-4e5f6a7b.sqs.us-east-1.vpce.amazonaws.com', 'celery'))],
    [
      'DeleteQueue of the dead-letter queue',
      setOn(url('sqs.us-east-1.amazonaws.com', 'celery-dlq'), 'DeleteQueue'),
    ],
    ['a queue configured by URL', setOn(url('sqs.us-east-1.amazonaws.com', 'priority.fifo'))],
    ['a queue with the app prefix, by URL', setOn(url('sqs.us-east-1.amazonaws.com', 'app-reports'))],
    ['a queue with the app prefix, created', created('app-reports')],
  ])('matches %s', (_label, event) => {
    expect(matches(event)).toBe(true);
  });

  it.each([
    ["another team's queue", setOn(url('sqs.us-east-1.amazonaws.com', 'billing-events'))],
    ['a name that only ends like a configured one', setOn(url('sqs.us-east-1.amazonaws.com', 'my-celery'))],
    ['a name that only starts like a configured one', setOn(url('sqs.us-east-1.amazonaws.com', 'celery-x'))],
    ['a prefix inside another name', setOn(url('sqs.us-east-1.amazonaws.com', 'x-app-y'))],
    ['CreateQueue of another queue', created('celery-x')],
    ['a call that is not a queue change', setOn(url('sqs.us-east-1.amazonaws.com', 'celery'), 'TagQueue')],
  ])('does not match %s', (_label, event) => {
    expect(matches(event)).toBe(false);
  });

  it('leaves out names the prefix already covers', () => {
    expect(JSON.stringify(pattern)).not.toContain('app-default');
  });

  it('without a prefix, matches configured names exactly and uses no wildcard (30 wildcard rules per bus)', () => {
    const exact = queueDriftCloudTrailPattern([{ name: 'celery' }], '');

    expect(exact.detail).toEqual({
      eventSource: ['sqs.amazonaws.com'],
      eventName: ['SetQueueAttributes', 'CreateQueue', 'DeleteQueue'],
      $or: [
        { requestParameters: { queueUrl: [{ suffix: '/celery' }] } },
        { requestParameters: { queueName: ['celery'] } },
      ],
    });
  });

  it('with nothing configured, matches no queue', () => {
    const none = queueDriftCloudTrailPattern([], '') as unknown as Record<string, unknown>;

    expect(matchesPattern(none, setQueueAttributes)).toBe(false);
    expect(matchesPattern(none, createQueue)).toBe(false);
  });

  it('fails packaging on a prefix that is not a queue name prefix, or a pattern over the size limit', () => {
    expect(() => queueDriftCloudTrailPattern([], 'app*')).toThrow('queuePrefix "app*"');
    const many = Array.from({ length: 60 }, (_, i) => ({ name: `service-queue-number-${i}` }));
    expect(() => queueDriftCloudTrailPattern(many, '')).toThrow(`over EventBridge's ${MAX_PATTERN_CHARS}`);
  });
});
