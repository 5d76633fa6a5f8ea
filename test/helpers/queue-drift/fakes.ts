import { memoryEpisodeStore } from '../../../functions/queue-drift/adapters';
import type {
  Episode,
  QueueAttributes,
  QueueDriftDeps,
  QueuePort,
  ServiceTaskDefinition,
  TaskDefinitionPort,
} from '../../../functions/queue-drift/ports';
import { QueueSpec, type QueueDriftSettings } from '../../../functions/queue-drift/schema';
import type { Notification, Notifier } from '../../../shared/notify';

export const URL_BASE = 'https://sqs.us-east-1.amazonaws.com/123456789012/';

/** In-memory SQS: queues by name with their attributes; records every SetQueueAttributes. */
export class FakeQueues implements QueuePort {
  readonly queues = new Map<string, QueueAttributes>();
  readonly setCalls: Array<{ queueUrl: string; seconds: number }> = [];
  failWith?: { on: 'queueUrl' | 'attributes' | 'list' | 'set'; error: unknown };

  add(name: string, visibilityTimeout: number, approximateMessages = 0): this {
    this.queues.set(name, {
      visibilityTimeout,
      approximateMessages,
      arn: `arn:aws:sqs:us-east-1:123456789012:${name}`,
    });
    return this;
  }

  private fail(on: 'queueUrl' | 'attributes' | 'list' | 'set'): void {
    if (this.failWith?.on === on) throw this.failWith.error;
  }

  async queueUrl(name: string) {
    this.fail('queueUrl');
    return this.queues.has(name) ? URL_BASE + name : undefined;
  }

  async attributes(queueUrl: string) {
    this.fail('attributes');
    const q = this.queues.get(queueUrl.slice(URL_BASE.length));
    return q ? { ...q } : undefined;
  }

  async listQueueUrls(prefix: string) {
    this.fail('list');
    return [...this.queues.keys()].filter((n) => n.startsWith(prefix)).map((n) => URL_BASE + n);
  }

  async setVisibilityTimeout(queueUrl: string, seconds: number) {
    this.fail('set');
    this.setCalls.push({ queueUrl, seconds });
    const q = this.queues.get(queueUrl.slice(URL_BASE.length));
    if (q) q.visibilityTimeout = seconds;
  }
}

export class FakeTaskDefinitions implements TaskDefinitionPort {
  readonly services = new Map<string, ServiceTaskDefinition>();
  readonly calls: Array<[cluster: string, service: string]> = [];
  failWith?: unknown;

  set(cluster: string, service: string, td: ServiceTaskDefinition): this {
    this.services.set(`${cluster}/${service}`, td);
    return this;
  }

  async currentTaskDefinition(cluster: string, service: string) {
    this.calls.push([cluster, service]);
    if (this.failWith) throw this.failWith;
    const td = this.services.get(`${cluster}/${service}`);
    if (!td) throw new Error(`no fake for ${cluster}/${service}`);
    return td;
  }
}

export class CapturingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  failNext = false;

  async notify(n: Notification) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('sns down');
    }
    this.sent.push(n);
    return { channel: 'console' as const, subject: n.title };
  }
}

export function fakeDeps(initialEpisodes: Episode[] = []) {
  const sqs = new FakeQueues();
  const ecs = new FakeTaskDefinitions();
  const notifier = new CapturingNotifier();
  const episodes = memoryEpisodeStore(initialEpisodes);
  const deps: QueueDriftDeps = { sqs, ecs, notifier, episodes, now: () => new Date('2026-11-24T03:00:00Z') };
  return { deps, sqs, ecs, notifier, episodes };
}

/** Settings with queue entries parsed exactly as the QUEUES variable would be. */
export function settings(queues: unknown[], extra: Partial<QueueDriftSettings> = {}): QueueDriftSettings {
  return {
    queues: queues.map((q) => QueueSpec.parse(q)),
    clusterName: 'django-app',
    dryRun: false,
    region: 'us-east-1',
    ...extra,
  };
}
