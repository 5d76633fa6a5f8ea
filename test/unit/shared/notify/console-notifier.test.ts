import { consoleNotifier } from '../../../../shared/notify';

describe('consoleNotifier', () => {
  it('prints the subject and the same readable body as the email, with no "undefined"', async () => {
    const printed: string[] = [];
    const notifier = consoleNotifier('local', (t) => printed.push(t));

    const result = await notifier.notify({
      title: 'worker: image could not be pulled',
      severity: 'warning',
      eventType: 'TaskStopped',
      summary: 'CannotPullContainerError: manifest unknown',
      facts: [
        ['Service', 'worker'],
        ['Deployment', undefined],
      ],
      nextSteps: ['Check that the image tag exists in ECR'],
    });

    expect(result).toEqual({
      channel: 'console',
      subject: '[WARNING] local worker: image could not be pulled',
    });
    const text = printed.join('\n');
    expect(text).toContain('Subject: [WARNING] local worker: image could not be pulled');
    expect(text).toContain('Service : worker');
    expect(text).toContain('  1. Check that the image tag exists in ECR');
    expect(text).not.toContain('undefined');
    expect(text).not.toContain('Deployment');
  });
});
