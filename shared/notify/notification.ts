/**
 * A notification in domain terms. Formatters turn it into an email body and an
 * Amazon Q Developer (AWS Chatbot) custom notification; adapters deliver it.
 */
export type Severity = 'critical' | 'warning' | 'info' | 'resolved';

export interface Link {
  label: string;
  url: string;
}

export interface Notification {
  /** Short headline, e.g. "web: task killed by ELB health checks". Becomes the subject. */
  title: string;
  severity: Severity;
  /** Machine-readable kind, e.g. `TaskStopped`, `DeploymentRolledBack`. */
  eventType: string;
  /** One or two sentences: what happened and why it matters. Markdown allowed. */
  summary: string;
  /** Labelled facts (service, cluster, revision...). Undefined/empty values are dropped. */
  facts?: Array<[label: string, value: string | number | undefined | null]>;
  /** Longer markdown detail (evidence, timeline). */
  details?: string;
  /** What a person should do next, in order. */
  nextSteps?: string[];
  links?: Link[];
  keywords?: string[];
  /** Messages with the same thread id are grouped in one chat thread. */
  threadId?: string;
  /** ARNs of the resources involved. */
  relatedResources?: string[];
}

/** Sends a notification. Implementations: SNS (deployed) and console (local). */
export interface Notifier {
  notify(notification: Notification): Promise<NotifyResult>;
}

export interface NotifyResult {
  channel: 'sns' | 'console';
  messageId?: string;
  subject: string;
}
