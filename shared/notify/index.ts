import { clientConfig } from '../aws/client-config';
import { snsClient } from '../aws/lazy';
import { logger } from '../powertools';
import { consoleNotifier } from './console-notifier';
import type { Notification, Notifier } from './notification';
import { snsNotifier } from './sns-notifier';

export * from './notification';
export { consoleNotifier } from './console-notifier';
export { snsNotifier } from './sns-notifier';
export { formatChatbot, formatEmail, formatSubject } from './format';

/**
 * The notifier for this environment: SNS when `NOTIFY_TOPIC_ARN` is set, else the console.
 * When `DASHBOARD_URL` is set, every notification links to the stage's dashboard.
 */
export function notifierFromEnv(env: NodeJS.ProcessEnv = process.env): Notifier {
  const stage = env.STAGE || undefined;
  const topicArn = env.NOTIFY_TOPIC_ARN;
  const base = topicArn
    ? snsNotifier(snsClient(clientConfig(), 'sns'), topicArn, stage)
    : consoleNotifier(stage);
  const dashboardUrl = env.DASHBOARD_URL;
  if (!dashboardUrl) return base;
  return {
    notify: (n: Notification) =>
      base.notify({
        ...n,
        links: [...(n.links ?? []), { label: 'ops-sentinel dashboard', url: dashboardUrl }],
      }),
  };
}

/**
 * The one notifier wrapper a function builds: `notifierFromEnv`, except in dry run with a topic
 * configured, where the message is printed (with the same links) and the log says which
 * sns:Publish would have been made. Dry run never publishes.
 */
export function notifierFor(options: { dryRun: boolean }, env: NodeJS.ProcessEnv = process.env): Notifier {
  const topicArn = env.NOTIFY_TOPIC_ARN;
  if (!options.dryRun || !topicArn) return notifierFromEnv(env);
  const printer = notifierFromEnv({ ...env, NOTIFY_TOPIC_ARN: '' });
  return {
    async notify(n) {
      logger.info(`DRY_RUN: would have called sns:Publish on ${topicArn}`, { topicArn, subject: n.title });
      return printer.notify(n);
    },
  };
}
