/**
 * The local parts the functions run against. Each `start*` registers its stopper with the
 * cleanup before returning, so an interrupted start still stops what already runs.
 */
import { existsSync } from 'node:fs';
import { startDjangoHealthApp } from '../../local/deep-healthcheck/django-health-app/start';
import { startResponseServer, type ResponseServer } from '../../local/db-iam-user/response-server';
import { startFauxqs } from '../../local/queue-drift/fauxqs';
import type { Cleanup } from './cleanup';
import { startHealthFallback } from './health-fallback';
import { createInbox, type NotificationInbox } from './notifications';
import { startPostgres, type SandboxPostgres } from './postgres';
import { say, timed } from './report';

export interface HealthTarget {
  /** The django-health-check endpoint, e.g. http://127.0.0.1:41234/ht/ */
  url: string;
  kind: 'django-health-check app (Django, real)' | 'Node stand-in (Django not available)';
  /** Why the fallback was used, when it was. */
  note?: string;
}

/**
 * SQS and SNS: an emulator the sandbox starts (fauxqs), unless AWS_ENDPOINT_URL already points at
 * a full emulator (LocalStack, moto), which then serves them as it serves every other service.
 */
export async function startQueues(cleanup: Cleanup): Promise<{ endpoint: string; kind: string }> {
  const external = process.env.AWS_ENDPOINT_URL;
  if (external) return { endpoint: external, kind: 'the emulator at AWS_ENDPOINT_URL' };
  // Generous: on a busy 2-core machine fauxqs has taken 9 s to answer its health check.
  const fauxqs = await startFauxqs({ timeoutMs: 40_000 });
  cleanup.add(`fauxqs stopped (pid ${fauxqs.pid})`, () => fauxqs.stop());
  // Only SQS and SNS go to fauxqs: other services keep their normal endpoint resolution.
  process.env.AWS_ENDPOINT_URL_SQS = fauxqs.endpoint;
  process.env.AWS_ENDPOINT_URL_SNS = fauxqs.endpoint;
  return { endpoint: fauxqs.endpoint, kind: `fauxqs (pid ${fauxqs.pid})` };
}

export async function startNotifications(suffix: string): Promise<NotificationInbox> {
  const inbox = await createInbox(suffix);
  // Every function publishes here; no cleanup needed, the topic lives in the emulator.
  process.env.NOTIFY_TOPIC_ARN = inbox.topicArn;
  return inbox;
}

export async function startDatabase(cleanup: Cleanup): Promise<SandboxPostgres> {
  const pg = await startPostgres();
  cleanup.add(
    pg.kind === 'embedded'
      ? `embedded PostgreSQL stopped, its data directory removed (port ${pg.port})`
      : 'PostgreSQL local server left as it was (not started by the sandbox)',
    () => pg.stop(),
  );
  return pg;
}

/**
 * The real django-health-check app with its cache down; a Node stand-in without Django.
 * `SANDBOX_PYTHON` names another Python (default /usr/bin/python3: Debian's, which sees
 * python3-django and python3-django-health-check; a pyenv shim would not).
 */
export async function startHealthTarget(cleanup: Cleanup): Promise<HealthTarget> {
  const python = process.env.SANDBOX_PYTHON || '/usr/bin/python3';
  let problem = existsSync(python) ? undefined : `${python} not found`;
  if (!problem) {
    try {
      const app = await startDjangoHealthApp({ mode: 'cache-broken', python, startTimeoutMs: 40_000 });
      cleanup.add('django-health-check app stopped, its data directory removed', () => app.stop());
      return { url: app.url, kind: 'django-health-check app (Django, real)' };
    } catch (error) {
      problem = (error as Error).message.split('\n').filter(Boolean).pop() ?? 'failed to start';
    }
  }
  const fallback = await startHealthFallback();
  cleanup.add('health stand-in server stopped', () => fallback.stop());
  return { url: fallback.url, kind: 'Node stand-in (Django not available)', note: problem };
}

/** Stands in for CloudFormation's pre-signed ResponseURL (custom resource responses). */
export async function startResponseUrl(cleanup: Cleanup): Promise<ResponseServer> {
  const server = await startResponseServer();
  cleanup.add('CloudFormation ResponseURL server stopped', () => server.close());
  return server;
}

export interface LocalStack {
  inbox: NotificationInbox;
  postgres: SandboxPostgres;
  health: HealthTarget;
  responseUrl: ResponseServer;
  /** What runs where, for the report. */
  parts: Array<{ name: string; detail: string }>;
  notes: string[];
}

/** Starts every part (in parallel), then the notification topic and its subscribed queue. */
export async function startLocalStack(cleanup: Cleanup, suffix: string): Promise<LocalStack> {
  say('Starting the local stack …');
  const [queues, postgres, health, responseUrl] = await Promise.all([
    timed(
      'SQS/SNS emulator',
      () => cleanup.track(startQueues(cleanup)),
      (q) => `${q.kind} at ${q.endpoint}`,
    ),
    timed(
      'PostgreSQL',
      () => cleanup.track(startDatabase(cleanup)),
      (pg) => `${pg.kind} on 127.0.0.1:${pg.port}`,
    ),
    timed(
      'health target',
      () => cleanup.track(startHealthTarget(cleanup)),
      (h) => `${h.kind} at ${h.url}`,
    ),
    timed(
      'CloudFormation ResponseURL',
      () => cleanup.track(startResponseUrl(cleanup)),
      (s) => s.url().split('/cloud')[0]!,
    ),
  ]);
  const inbox = await timed(
    'SNS topic + subscribed SQS queue',
    () => startNotifications(suffix),
    (i) => i.topicArn,
  );
  const emulator = process.env.AWS_ENDPOINT_URL;
  return {
    inbox,
    postgres,
    health,
    responseUrl,
    parts: [
      { name: 'SQS/SNS', detail: `${queues.kind} at ${queues.endpoint}` },
      { name: 'notifications', detail: `SNS ${inbox.topicArn} → SQS ${inbox.queueUrl}` },
      { name: 'PostgreSQL', detail: `${postgres.kind} on 127.0.0.1:${postgres.port}` },
      { name: 'health target', detail: `${health.kind}: ${health.url} (cache component failing)` },
      { name: 'CFN ResponseURL', detail: responseUrl.url().split('?')[0]! },
      {
        name: 'other AWS APIs',
        detail: emulator
          ? `DynamoDB on ${emulator}; ECS, CloudWatch, Secrets Manager, CloudFormation: dry run + recorded state/in-memory fakes`
          : 'ECS, CloudWatch, Secrets Manager, CloudFormation, DynamoDB: dry run + recorded state/in-memory fakes',
      },
    ],
    notes: health.note ? [`Django could not run (${health.note}): a Node stand-in serves the same JSON`] : [],
  };
}
