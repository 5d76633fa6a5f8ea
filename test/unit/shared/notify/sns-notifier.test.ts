import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { snsNotifier } from '../../../../shared/notify';
import type { Notification } from '../../../../shared/notify';
import { clearRegisteredSecrets, registerSecret } from '../../../../shared/redact';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-sentinel-prod-notifications';
const sns = mockClient(SNSClient);

const oomStop: Notification = {
  title: 'web: container django ran out of memory',
  severity: 'critical',
  eventType: 'TaskStopped',
  summary: 'Task 0123abcd stopped: the `django` container used more than its 512 MiB limit.',
  facts: [
    ['Service', 'web'],
    ['Cluster', 'django-app'],
    ['Revision', 'django-web:42'],
    ['Deployment', undefined],
  ],
  nextSteps: ['Raise the memory limit of `django`', 'Look for a memory leak in recent changes'],
  links: [
    {
      label: 'Task logs',
      url: 'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/django-app/tasks/0123abcd/logs',
    },
  ],
  keywords: ['ecs', 'oom'],
  threadId: 'ops-sentinel/prod/django-app/web',
  relatedResources: ['arn:aws:ecs:us-east-1:123456789012:task/django-app/0123abcd'],
};

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  clearRegisteredSecrets();
});

describe('snsNotifier', () => {
  it('publishes one JSON-structured message with an email body and a chat body', async () => {
    const result = await snsNotifier(new SNSClient({}), TOPIC, 'prod').notify(oomStop);

    expect(result).toEqual({ channel: 'sns', messageId: 'm-1', subject: expect.any(String) });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.MessageStructure).toBe('json');
    expect(input.Subject).toBe('[CRITICAL] prod web: container django ran out of memory');

    const message = JSON.parse(input.Message!);
    expect(Object.keys(message).sort()).toEqual(['default', 'email']);
    expect(message.email).toBe(
      [
        'web: container django ran out of memory',
        '',
        'Task 0123abcd stopped: the `django` container used more than its 512 MiB limit.',
        '',
        'Service  : web',
        'Cluster  : django-app',
        'Revision : django-web:42',
        '',
        'Next steps:',
        '  1. Raise the memory limit of `django`',
        '  2. Look for a memory leak in recent changes',
        '',
        'Links:',
        '  Task logs: https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/django-app/tasks/0123abcd/logs',
        '',
        'Resources:',
        '  arn:aws:ecs:us-east-1:123456789012:task/django-app/0123abcd',
        '',
        '-- ops-sentinel (prod) · TaskStopped',
      ].join('\n'),
    );
    expect(JSON.parse(message.default)).toEqual({
      version: '1.0',
      source: 'custom',
      content: {
        textType: 'client-markdown',
        title: ':red_circle: web: container django ran out of memory',
        description: [
          'Task 0123abcd stopped: the `django` container used more than its 512 MiB limit.',
          '',
          '*Service:* web\n*Cluster:* django-app\n*Revision:* django-web:42',
          '',
          '<https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/django-app/tasks/0123abcd/logs|Task logs>',
        ].join('\n'),
        nextSteps: ['Raise the memory limit of `django`', 'Look for a memory leak in recent changes'],
        keywords: ['ecs', 'oom', 'prod'],
      },
      metadata: {
        threadId: 'ops-sentinel/prod/django-app/web',
        summary: 'Task 0123abcd stopped: the `django` container used more than its 512 MiB limit.',
        eventType: 'TaskStopped',
        relatedResources: ['arn:aws:ecs:us-east-1:123456789012:task/django-app/0123abcd'],
        additionalContext: { severity: 'critical', stage: 'prod' },
      },
    });
  });

  it('keeps the subject under 100 printable ASCII characters on one line', async () => {
    const long = { ...oomStop, title: `Überlänge\n${'x'.repeat(300)} 🚨` };

    await snsNotifier(new SNSClient({}), TOPIC, 'prod').notify(long);

    const subject = sns.commandCalls(PublishCommand)[0]!.args[0].input.Subject!;
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^\[CRITICAL\] prod Uberlange x+\.\.\.$/);
  });

  it('truncates huge details so the message stays far below the SNS 256 KB limit', async () => {
    const huge = { ...oomStop, details: 'y'.repeat(600_000), summary: 'z'.repeat(50_000) };

    await snsNotifier(new SNSClient({}), TOPIC).notify(huge);

    const message = sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!;
    expect(Buffer.byteLength(message)).toBeLessThan(256 * 1024);
    expect(JSON.parse(JSON.parse(message).default).content.description).toContain('…');
  });

  it('never publishes registered secrets or secret-looking values', async () => {
    registerSecret('s3cr3t-Pa55word!');
    const leaky: Notification = {
      ...oomStop,
      summary: 'login failed for postgres://django:s3cr3t-Pa55word!@db:5432/app',
      details:
        'env: DJANGO_SECRET_KEY=abcdefghijklmnop password="hunter22" Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x',
      facts: [['password', 's3cr3t-Pa55word!']],
    };

    await snsNotifier(new SNSClient({}), TOPIC).notify(leaky);

    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    const everything = `${input.Subject}\n${input.Message}`;
    for (const secret of ['s3cr3t-Pa55word!', 'abcdefghijklmnop', 'hunter22', 'eyJhbGciOiJIUzI1NiJ9']) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).toContain('[REDACTED]');
  });

  it('turns an SNS failure into a retryable error that names the topic', async () => {
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(snsNotifier(new SNSClient({}), TOPIC).notify(oomStop)).rejects.toMatchObject({
      name: 'RetryableError',
      retryable: true,
      message: `sns:Publish ${TOPIC} failed: ThrottlingException: Rate exceeded`,
    });
  });
});
