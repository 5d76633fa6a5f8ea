import { nameFromArn, parseArn, serviceNameFrom, taskDefinitionLabel } from '../../shared/aws/arn';
import { formatDuration } from '../../shared/duration';
import { readableSecret } from '../../shared/ecs/classify-stop';
import type { StopClassification } from '../../shared/ecs/stop-types';
import {
  ecsServiceDeploymentsUrl,
  ecsServiceUrl,
  ecsTaskLogsUrl,
  ecsTaskUrl,
  secretUrl,
  targetGroupUrl,
} from '../../shared/links';
import type { Link, Notification, Severity } from '../../shared/notify';
import type { Incident } from './ports';
import type { TaskDetail } from './schema';

/** What the notification says about the stopped task, derived from the event. */
export interface TaskContext {
  taskArn: string;
  taskId: string;
  clusterArn: string;
  cluster: string;
  region: string;
  /** Undefined for standalone tasks (RunTask), whose group is `family:NAME`. */
  service?: string;
  serviceArn?: string;
  taskDefinitionArn?: string;
  revision?: string;
  /** `ecs-svc/<id>` for tasks started by a service deployment. */
  deploymentId?: string;
  stopCode?: string;
  stoppedAt?: string;
  containerInstanceArn?: string;
}

export function taskContext(
  detail: TaskDetail,
  eventRegion: string | undefined,
  fallbackRegion: string,
): TaskContext {
  const cluster = nameFromArn(detail.clusterArn) ?? detail.clusterArn;
  const clusterArn = parseArn(detail.clusterArn);
  const region = eventRegion || clusterArn?.region || fallbackRegion;
  const service = detail.group?.startsWith('service:') ? serviceNameFrom(detail.group) : undefined;
  const startedBy = detail.startedBy ?? undefined;
  return {
    taskArn: detail.taskArn,
    taskId: nameFromArn(detail.taskArn) ?? detail.taskArn,
    clusterArn: detail.clusterArn,
    cluster,
    region,
    service,
    serviceArn:
      service && clusterArn
        ? `arn:${clusterArn.partition}:ecs:${clusterArn.region}:${clusterArn.account}:service/${cluster}/${service}`
        : undefined,
    taskDefinitionArn: detail.taskDefinitionArn ?? undefined,
    revision: taskDefinitionLabel(detail.taskDefinitionArn),
    deploymentId: startedBy?.startsWith('ecs-svc/') ? startedBy : undefined,
    stopCode: detail.stopCode ?? undefined,
    stoppedAt: detail.stoppedAt ?? undefined,
    containerInstanceArn: detail.containerInstanceArn ?? undefined,
  };
}

/** One chat thread per service and stage. */
export function threadId(stage: string, cluster: string, service: string): string {
  return `ops-sentinel/${stage}/${cluster}/${service}`;
}

const MINOR: ReadonlySet<string> = new Set(['spot-interruption', 'infrastructure', 'unknown']);

function severityOf(c: StopClassification): Severity {
  if (c.routine) return 'info';
  return MINOR.has(c.category) ? 'warning' : 'critical';
}

function serviceLinks(region: string, cluster: string, service: string): Link[] {
  return [
    { label: 'Service', url: ecsServiceUrl(region, cluster, service) },
    { label: 'Deployments', url: ecsServiceDeploymentsUrl(region, cluster, service) },
  ];
}

/** The message for one stopped task: the first of an incident, or a routine stop when enabled. */
export function stopMessage(ctx: TaskContext, c: StopClassification, stage: string): Notification {
  const service = ctx.service ?? ctx.revision ?? ctx.taskId;
  const ev = c.evidence;
  const exit =
    ev.exitCode !== undefined ? `${ev.exitCode}${ev.exitMeaning ? ` (${ev.exitMeaning})` : ''}` : undefined;
  const links: Link[] = [
    { label: 'Task logs', url: ecsTaskLogsUrl(ctx.region, ctx.cluster, ctx.taskId) },
    { label: 'Task', url: ecsTaskUrl(ctx.region, ctx.cluster, ctx.taskId) },
    ...(ctx.service ? serviceLinks(ctx.region, ctx.cluster, ctx.service) : []),
  ];
  if (ev.targetGroup?.startsWith('arn:'))
    links.push({ label: 'Target group', url: targetGroupUrl(ctx.region, ev.targetGroup) });
  if (ev.secret?.includes(':secretsmanager:'))
    links.push({ label: 'Secret', url: secretUrl(ctx.region, readableSecret(ev.secret)) });
  return {
    title: `${service}: task ${c.headline}`,
    severity: severityOf(c),
    eventType: 'TaskStopped',
    summary: c.explanation,
    facts: [
      ['Service', ctx.service],
      ['Cluster', ctx.cluster],
      ['Task definition', ctx.revision],
      ['Deployment', ctx.deploymentId],
      ['Category', c.category],
      ['Container', ev.container],
      ['Exit code', exit],
      ['Memory limit', ev.memoryLimitMiB !== undefined ? `${ev.memoryLimitMiB} MiB` : undefined],
      ['Target group', ev.targetGroup ? nameFromArn(ev.targetGroup.replace(/\/[0-9a-f]+$/, '')) : undefined],
      ['Secret', ev.secret && readableSecret(ev.secret)],
      ['Stop code', ctx.stopCode],
      ['Task', ctx.taskId],
      ['Stopped at', ctx.stoppedAt],
    ],
    details: ev.rawReason ? `Reason reported by ECS: ${ev.rawReason}` : 'ECS reported no stopped reason.',
    nextSteps: c.nextSteps,
    links,
    keywords: ['ecs', c.category],
    threadId: ctx.service ? threadId(stage, ctx.cluster, ctx.service) : undefined,
    relatedResources: [
      ctx.taskArn,
      ctx.serviceArn,
      ctx.clusterArn,
      ctx.taskDefinitionArn,
      ev.targetGroup?.startsWith('arn:') ? ev.targetGroup : undefined,
      // A Secrets Manager ARN would reach the reader as "arn:aws:secretsmanager:[REDACTED]" (the
      // redactor reads `secretsmanager:...` as a credential); the Secret fact and link name it.
      ev.secret?.includes(':secretsmanager:') ? undefined : ev.secret,
      ctx.containerInstanceArn,
    ].filter((r): r is string => Boolean(r)),
  };
}

/** "elb-health-check ×9, out-of-memory ×5", most frequent first. */
export function pattern(incident: Incident): string {
  return Object.entries(incident.categories)
    .sort(([a, x], [b, y]) => (y ?? 0) - (x ?? 0) || a.localeCompare(b))
    .map(([category, n]) => `${category} ×${n}`)
    .join(', ');
}

/** Durations between events minutes apart: to the minute ("less than a minute", "12 min", "3 h"). */
export function duration(ms: number): string {
  return formatDuration(ms, 'minute');
}

function incidentFacts(i: Incident): Array<[string, string | number | undefined]> {
  return [
    ['Service', i.service],
    ['Cluster', i.cluster],
    ['Failed tasks', i.count],
    ['Pattern', pattern(i)],
    ['Task definitions', i.taskDefinitions.join(', ') || undefined],
    ['Deployments', i.deployments.join(', ') || undefined],
    ['First failure', new Date(i.openedAt).toISOString()],
    ['Last failure', new Date(i.lastFailureAt).toISOString()],
  ];
}

/** The single escalation of an incident: the service keeps losing tasks. */
export function escalationMessage(
  i: Incident,
  latest: TaskContext,
  c: StopClassification,
  stage: string,
  region: string,
): Notification {
  const span = duration(i.lastFailureAt - i.openedAt);
  return {
    title: `${i.service}: crash loop, ${i.count} tasks stopped in ${span}`,
    severity: 'critical',
    eventType: 'TaskStoppedCrashLoop',
    summary: `${i.service} has lost ${i.count} tasks in ${span} (${pattern(i)}). Latest: task ${c.headline}. Further stops are counted silently in this thread until the service recovers.`,
    facts: incidentFacts(i),
    details: `Latest task ${latest.taskId}: ${c.explanation}`,
    nextSteps: [
      ...(i.deployments.length === 1 && i.taskDefinitions.length === 1
        ? [
            `Every failure comes from deployment ${i.deployments[0]} (${i.taskDefinitions[0]}): roll back to the previous task definition if the deployment is the cause.`,
          ]
        : []),
      ...c.nextSteps,
    ],
    links: [
      ...serviceLinks(region, i.cluster, i.service),
      { label: 'Latest task logs', url: ecsTaskLogsUrl(region, i.cluster, latest.taskId) },
    ],
    keywords: ['ecs', 'crash-loop', c.category],
    threadId: threadId(stage, i.cluster, i.service),
    relatedResources: [i.serviceArn, i.clusterArn, latest.taskArn, latest.taskDefinitionArn].filter(
      (r): r is string => Boolean(r),
    ),
  };
}

/** What closed an incident: a task that stayed RUNNING, a completed deployment, or staleness. */
export type RecoveryEvidence =
  | { kind: 'running'; at: number }
  | { kind: 'deployment'; at: number; deploymentId?: string }
  | { kind: 'stale'; at: number };

/** The end of an incident: a task RUNNING for the quiet period, or a completed deployment. */
export function recoveryMessage(
  i: Incident,
  now: number,
  quietMs: number,
  stage: string,
  region: string,
  evidence: RecoveryEvidence = { kind: 'running', at: i.runningAt ?? i.lastFailureAt },
): Notification {
  const because =
    evidence.kind === 'deployment'
      ? `deployment ${evidence.deploymentId ? `${evidence.deploymentId} ` : ''}completed at ${new Date(evidence.at).toISOString()}`
      : `a task has been RUNNING since ${new Date(evidence.at).toISOString()} (${duration(now - evidence.at)}, quiet period ${duration(quietMs)}) with no failed stop`;
  return {
    title:
      evidence.kind === 'deployment'
        ? `${i.service}: recovered, deployment completed`
        : `${i.service}: recovered, a task stayed up ${duration(now - evidence.at)}`,
    severity: 'resolved',
    eventType: 'TaskStoppedRecovered',
    summary: `${i.service} has recovered: ${because}. The incident counted ${i.count} failed ${i.count === 1 ? 'task' : 'tasks'} over ${duration(i.lastFailureAt - i.openedAt)}: ${pattern(i)}.`,
    facts: incidentFacts(i),
    nextSteps: [
      'Check that the running count is back at the desired count.',
      'Write down the cause while it is fresh.',
    ],
    links: serviceLinks(region, i.cluster, i.service),
    keywords: ['ecs', 'recovered'],
    threadId: threadId(stage, i.cluster, i.service),
    relatedResources: [i.serviceArn, i.clusterArn].filter(Boolean),
  };
}

/**
 * An incident closed without evidence of recovery: no failed stop for hours, but no task of the
 * service was seen RUNNING and no deployment completed (scaled to zero, deleted, or events lost).
 */
export function closedMessage(i: Incident, now: number, stage: string, region: string): Notification {
  const quiet = duration(now - i.lastFailureAt);
  return {
    title: `${i.service}: incident closed, no failed task for ${quiet} but none seen running`,
    severity: 'warning',
    eventType: 'TaskStoppedIncidentClosed',
    summary: `${i.service} has had no failed task for ${quiet}, but ops-sentinel saw no task of it reach RUNNING and no deployment complete, so it cannot say the service recovered. The incident counted ${i.count} failed ${i.count === 1 ? 'task' : 'tasks'}: ${pattern(i)}.`,
    facts: incidentFacts(i),
    nextSteps: [
      'Check the running and desired counts of the service: a service scaled to zero or stuck with no task starting looks the same as silence.',
      'Read the service events in the console for placement or throttling messages.',
    ],
    links: serviceLinks(region, i.cluster, i.service),
    keywords: ['ecs', 'incident-closed'],
    threadId: threadId(stage, i.cluster, i.service),
    relatedResources: [i.serviceArn, i.clusterArn].filter(Boolean),
  };
}

/** A capacity stop (Spot, Fargate retirement, infrastructure): one WARNING per episode. */
export function capacityMessage(ctx: TaskContext, c: StopClassification, stage: string): Notification {
  const message = stopMessage(ctx, c, stage);
  return {
    ...message,
    severity: 'warning',
    eventType: 'TaskStoppedCapacity',
    summary: `${c.explanation} This is a capacity event, not a crash loop: further capacity stops of ${ctx.service ?? 'this service'} within the hour are counted without a message.`,
    keywords: ['ecs', 'capacity', c.category],
  };
}
