import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A sample event from events/task-stopped/ (the same files `serverless invoke local` uses). */
export function sampleEvent(name: string): SampleEvent {
  return JSON.parse(
    readFileSync(join(__dirname, '../../../events/task-stopped', `${name}.json`), 'utf8'),
  ) as SampleEvent;
}

export interface SampleEvent {
  'detail-type': string;
  region: string;
  time: string;
  detail: Record<string, unknown> & { taskArn: string; clusterArn: string };
  [key: string]: unknown;
}

/** The same event for another task id (a crash loop is many tasks with the same story). */
export function withTask(event: SampleEvent, taskId: string): SampleEvent {
  const taskArn = event.detail.taskArn.replace(/[^/]+$/, taskId);
  return { ...event, resources: [taskArn], detail: { ...event.detail, taskArn } };
}

/**
 * The same task reported RUNNING (lastStatus and desiredStatus RUNNING, startedAt set, no stop
 * fields): the ECS Task State Change ECS sends when a task has started.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 */
export function runningTask(event: SampleEvent, taskId: string, startedAt: number): SampleEvent {
  const stopped = withTask(event, taskId);
  const detail: Record<string, unknown> = { ...stopped.detail };
  for (const key of ['stopCode', 'stoppedReason', 'stoppedAt', 'stoppingAt', 'executionStoppedAt'])
    delete detail[key];
  return {
    ...stopped,
    time: new Date(startedAt).toISOString(),
    detail: {
      ...(detail as SampleEvent['detail']),
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      startedAt: new Date(startedAt).toISOString(),
    },
  };
}

/**
 * An ECS Deployment State Change for `service` (shape from the documented example).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html
 */
export function deploymentEvent(
  service: string,
  at: number,
  eventName = 'SERVICE_DEPLOYMENT_COMPLETED',
  deploymentId = 'ecs-svc/1111111111111111111',
): Record<string, unknown> {
  return {
    version: '0',
    id: 'ddca6449-b258-46c0-8653-e0e3a6d2b0f5',
    'detail-type': 'ECS Deployment State Change',
    source: 'aws.ecs',
    account: '123456789012',
    time: new Date(at).toISOString(),
    region: 'us-east-1',
    resources: [`arn:aws:ecs:us-east-1:123456789012:service/django-app/${service}`],
    detail: {
      eventType: 'INFO',
      eventName,
      deploymentId,
      updatedAt: new Date(at).toISOString(),
      reason: `ECS deployment ${deploymentId} completed.`,
    },
  };
}
