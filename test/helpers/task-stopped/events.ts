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
