import type { Task } from '@aws-sdk/client-ecs';
import type { EcsCalls } from '../../../shared/aws/ecs';
import type { TaskInfo, TasksPort } from '../ports';

const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);

/** The task's ENI addresses: the attachment details (Fargate/awsvpc) and the containers' interfaces. */
function privateIps(task: Task): string[] {
  const ips = new Set<string>();
  for (const a of task.attachments ?? []) {
    for (const d of a.details ?? []) if (d.name === 'privateIPv4Address' && d.value) ips.add(d.value);
  }
  for (const c of task.containers ?? []) {
    for (const n of c.networkInterfaces ?? []) if (n.privateIpv4Address) ips.add(n.privateIpv4Address);
  }
  return [...ips];
}

export function toTaskInfo(task: Task): TaskInfo {
  const taskArn = task.taskArn ?? '';
  const info: TaskInfo = {
    taskArn,
    taskId: taskArn.split('/').pop() ?? taskArn,
    privateIps: privateIps(task),
    stopCode: task.stopCode ?? null,
    stoppedReason: task.stoppedReason ?? null,
    group: task.group ?? null,
    startedBy: task.startedBy ?? null,
    taskDefinitionArn: task.taskDefinitionArn ?? null,
    memory: task.memory ?? null,
    containers: (task.containers ?? []).map((c) => ({
      name: c.name ?? null,
      exitCode: c.exitCode ?? null,
      reason: c.reason ?? null,
      lastStatus: c.lastStatus ?? null,
      memory: c.memory ?? null,
    })),
  };
  if (task.lastStatus) info.lastStatus = task.lastStatus;
  if (task.desiredStatus) info.desiredStatus = task.desiredStatus;
  const startedAt = iso(task.startedAt);
  const stoppedAt = iso(task.stoppedAt);
  if (startedAt) info.startedAt = startedAt;
  if (stoppedAt) info.stoppedAt = stoppedAt;
  return info;
}

/** The tasks of one service (shared ECS calls: one ListTasks page of up to 100, then DescribeTasks). */
export function ecsTasks(ecs: EcsCalls): TasksPort {
  return {
    async listServiceTasks(cluster, service, desiredStatus, signal) {
      return (await ecs.listServiceTasks(cluster, service, desiredStatus, { signal })).map(toTaskInfo);
    },
  };
}
