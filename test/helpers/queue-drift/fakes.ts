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

/**
 * In-memory SQS: queues by name with their attributes; records every SetQueueAttributes.
 * No kinder than SQS: a SetQueueAttributes (the function's own, or `setBy` someone else) reaches
 * reads only `lagMs` after the call — 60 s by default, the worst case SQS documents:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */
export class FakeQueues implements QueuePort {
  readonly queues = new Map<string, QueueAttributes>();
  readonly setCalls: Array<{ queueUrl: string; seconds: number }> = [];
  failWith?: { on: 'queueUrl' | 'attributes' | 'list' | 'set'; error: unknown };
  lagMs = 60_000;
  private readonly pending = new Map<string, { value: number; visibleAt: number }>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  add(
    name: string,
    visibilityTimeout: number,
    messages: number | { visible?: number; inFlight?: number; delayed?: number } = 0,
  ): this {
    const counts = typeof messages === 'number' ? { visible: messages } : messages;
    this.queues.set(name, {
      visibilityTimeout,
      approximateMessages: counts.visible ?? 0,
      approximateMessagesNotVisible: counts.inFlight ?? 0,
      approximateMessagesDelayed: counts.delayed ?? 0,
      arn: `arn:aws:sqs:us-east-1:123456789012:${name}`,
    });
    return this;
  }

  /** Someone else's SetQueueAttributes VisibilityTimeout, now: reads see it `lagMs` later. */
  setBy(name: string, seconds: number): void {
    this.pending.set(name, { value: seconds, visibleAt: this.clock().getTime() + this.lagMs });
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
    const name = queueUrl.slice(URL_BASE.length);
    const q = this.queues.get(name);
    const pending = this.pending.get(name);
    if (q && pending && this.clock().getTime() >= pending.visibleAt) {
      q.visibilityTimeout = pending.value;
      this.pending.delete(name);
    }
    return q ? { ...q } : undefined;
  }

  async listQueueUrls(prefix: string) {
    this.fail('list');
    return [...this.queues.keys()].filter((n) => n.startsWith(prefix)).map((n) => URL_BASE + n);
  }

  async setVisibilityTimeout(queueUrl: string, seconds: number) {
    this.fail('set');
    this.setCalls.push({ queueUrl, seconds });
    const name = queueUrl.slice(URL_BASE.length);
    if (this.queues.has(name)) this.setBy(name, seconds);
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

/** The fakes' shared clock: starts at 2026-11-24T03:00:00Z, moves only when told. */
export class FakeClock {
  private ms = Date.parse('2026-11-24T03:00:00Z');
  now = (): Date => new Date(this.ms);
  advance(seconds: number): this {
    this.ms += seconds * 1000;
    return this;
  }
  /** ISO time `seconds` from now (negative: in the past). */
  iso(seconds = 0): string {
    return new Date(this.ms + seconds * 1000).toISOString();
  }
}

export function fakeDeps(initialEpisodes: Episode[] = []) {
  const clock = new FakeClock();
  const sqs = new FakeQueues(clock.now);
  const ecs = new FakeTaskDefinitions();
  const notifier = new CapturingNotifier();
  const episodes = memoryEpisodeStore(initialEpisodes);
  const log = {
    lines: [] as Array<{ level: 'info' | 'warn'; message: string; extra?: Record<string, unknown> }>,
  };
  const deps: QueueDriftDeps = {
    sqs,
    ecs,
    notifier,
    episodes,
    metrics: { run: () => undefined },
    log: {
      info: (message, extra) => void log.lines.push({ level: 'info', message, extra }),
      warn: (message, extra) => void log.lines.push({ level: 'warn', message, extra }),
    },
    now: clock.now,
  };
  return { deps, sqs, ecs, notifier, episodes, clock, log };
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
