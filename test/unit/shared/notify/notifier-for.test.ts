import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { notifierFor } from '../../../../shared/notify';
import { logger } from '../../../../shared/powertools';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-sentinel-prod-notifications';
const note = { title: 'web: tasks failing', severity: 'warning' as const, eventType: 'Test', summary: 's' };

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});
afterEach(() => jest.restoreAllMocks());

describe('notifierFor', () => {
  it('publishes to the topic when not in dry run', async () => {
    const result = await notifierFor({ dryRun: false }, { NOTIFY_TOPIC_ARN: TOPIC, STAGE: 'prod' }).notify(
      note,
    );

    expect(result).toMatchObject({ channel: 'sns' });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC });
  });

  it('in dry run prints the message with the dashboard link and logs the sns:Publish it would make', async () => {
    const printed: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((t: unknown) => void printed.push(String(t)));
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);

    const result = await notifierFor(
      { dryRun: true },
      { NOTIFY_TOPIC_ARN: TOPIC, STAGE: 'prod', DASHBOARD_URL: 'https://console.example/dash' },
    ).notify(note);

    expect(result).toMatchObject({ channel: 'console' });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(printed.join('\n')).toContain('https://console.example/dash');
    expect(info).toHaveBeenCalledWith(`DRY_RUN: would have called sns:Publish on ${TOPIC}`, {
      topicArn: TOPIC,
      subject: note.title,
    });
  });
});
