import { formatEmail, formatSubject } from './format';
import type { Notification, Notifier, NotifyResult } from './notification';

/**
 * Prints the notification as a person would read it in email. Used when no topic is
 * configured (the `local` stage and `serverless invoke local`).
 */
export function consoleNotifier(
  stage?: string,
  write: (text: string) => void = (t) => console.log(t),
): Notifier {
  return {
    async notify(n: Notification): Promise<NotifyResult> {
      const subject = formatSubject(n, stage);
      const rule = '─'.repeat(Math.min(72, Math.max(20, subject.length)));
      write(`\n${rule}\nSubject: ${subject}\n${rule}\n${formatEmail(n, stage)}\n${rule}\n`);
      return { channel: 'console', subject };
    },
  };
}
