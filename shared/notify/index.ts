import { clientConfig } from '../aws/client-config';
import { snsClient } from '../aws/lazy';
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
  const base = topicArn ? snsNotifier(snsClient(clientConfig()), topicArn, stage) : consoleNotifier(stage);
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
