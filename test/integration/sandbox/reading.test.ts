/**
 * How the sandbox reads what the functions produced: SNS deliveries from the subscribed queue
 * (as real SNS and as fauxqs deliver them) and the functions' captured stdout (logs, EMF).
 */
import { parseOutput, wouldCalls } from '../../../scripts/sandbox/invoke';
import { parseDelivery } from '../../../scripts/sandbox/notifications';
import { formatChatbot, formatEmail } from '../../../shared/notify';
import type { Notification } from '../../../shared/notify';

const notification: Notification = {
  title: 'celery: VisibilityTimeout drifted from the app setting',
  severity: 'critical',
  eventType: 'QueueDrift',
  summary: 'VisibilityTimeout is 30 s but the app expects 360 s.',
  nextSteps: ['Set the attribute on the queue.'],
};
const chat = JSON.stringify(formatChatbot(notification, 'local'));
const envelope = (message: string) =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: 'm-1',
    Subject: '[CRITICAL] local celery',
    Message: message,
  });

describe('reading SNS deliveries from the subscribed queue', () => {
  it('reads the Amazon Q custom notification that SNS delivers as the default body', () => {
    expect(parseDelivery(envelope(chat))).toEqual({
      subject: '[CRITICAL] local celery',
      title: ':red_circle: celery: VisibilityTimeout drifted from the app setting',
      description: 'VisibilityTimeout is 30 s but the app expects 360 s.',
      eventType: 'QueueDrift',
      severity: 'critical',
      nextSteps: ['Set the attribute on the queue.'],
      snsMessageId: 'm-1',
      delivered: 'default body',
    });
  });

  it('takes the default body out of a whole MessageStructure=json message (fauxqs 1.9) and says so', () => {
    const whole = JSON.stringify({ default: chat, email: formatEmail(notification, 'local') });
    expect(parseDelivery(envelope(whole))).toMatchObject({
      title: ':red_circle: celery: VisibilityTimeout drifted from the app setting',
      delivered: 'whole structure',
    });
  });

  it('shows a message that is not a custom notification as it came', () => {
    expect(parseDelivery(envelope('plain text alarm'))).toMatchObject({
      title: '(no title: not an Amazon Q custom notification)',
      description: 'plain text alarm',
    });
  });
});

describe('reading what a function printed', () => {
  const printed = [
    JSON.stringify({ level: 'WARN', message: 'DRY_RUN: would call sqs:SetQueueAttributes QueueUrl=q' }),
    JSON.stringify({ level: 'INFO', message: 'queue drift check' }),
    JSON.stringify({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'OpsSentinel',
            Dimensions: [['Queue']],
            Metrics: [{ Name: 'VisibilityTimeoutDrift' }],
          },
        ],
      },
      Queue: 'celery',
      VisibilityTimeoutDrift: -330,
    }),
    'Subject: [CRITICAL] local celery',
    '',
  ].join('\n');

  it('separates logs, EMF metrics and plain text', () => {
    const captured = parseOutput(printed);
    expect(captured.logs.map((l) => l.message)).toEqual([
      'DRY_RUN: would call sqs:SetQueueAttributes QueueUrl=q',
      'queue drift check',
    ]);
    expect(captured.metrics).toEqual([
      { name: 'VisibilityTimeoutDrift', value: -330, dimensions: { Queue: 'celery' } },
    ]);
    expect(captured.text).toEqual(['Subject: [CRITICAL] local celery']);
  });

  it('picks out the lines that say which call a dry run would have made', () => {
    expect(wouldCalls(parseOutput(printed))).toEqual([
      'DRY_RUN: would call sqs:SetQueueAttributes QueueUrl=q',
    ]);
  });
});
