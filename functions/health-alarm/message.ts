import { alarmUrl, ecsServiceUrl, ecsTaskUrl, targetGroupUrl } from '../../shared/links';
import type { Link, Notification, Severity } from '../../shared/notify';
import type { ClassifiedStop, Enrichment, UnhealthyTarget } from './enrich';
import type { AlarmKind, AlarmSubject } from './kind';
import type { AlarmChange } from './schema';

const MAX_LISTED = 8;

const KIND_LABEL: Record<AlarmKind, string> = {
  'alb-unhealthy': 'ALB targets unhealthy',
  'alb-no-healthy': 'no healthy ALB targets',
  'deep-health': 'deep healthcheck failing',
  thrash: 'tasks keep failing ELB health checks',
  other: 'alarm',
};

const ALARM_SEVERITY: Record<AlarmKind, Severity> = {
  'alb-unhealthy': 'warning',
  'alb-no-healthy': 'critical',
  'deep-health': 'critical',
  thrash: 'warning',
  other: 'warning',
};

/** Reason codes of DescribeTargetHealth → what to look at. */
const TARGET_REASON_STEPS: Record<string, string> = {
  'Target.ResponseCodeMismatch':
    'Targets answer the health check with the wrong status: open the health check path on a task (or its logs) and compare with the target group matcher.',
  'Target.Timeout':
    'Health checks time out: check the app is listening on the target port, the security group allows the ALB, and the check is not slower than its timeout.',
  'Target.FailedHealthChecks':
    'Connections to targets fail: check the container port mapping and that the process has started.',
  'Elb.InitialHealthChecking':
    'Targets are still in their first health checks: wait one interval, then look again.',
  'Target.DeregistrationInProgress': 'Targets are draining (deployment or scale-in in progress).',
  'Target.NotRegistered': 'No tasks are registered: check the service desired count and its deployments.',
  'Target.NotInUse':
    'The target group is not used by any listener rule or its AZ is not enabled on the load balancer.',
};

/** Messages about the same alarm share one chat thread. */
export function threadIdFor(change: AlarmChange): string {
  return `ops-sentinel-alarm-${change.alarmName}`;
}

/** "1 h 5 min", "12 min", "40 s" */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

function subjectName(subject: AlarmSubject, change: AlarmChange): string {
  return subject.service ?? subject.target ?? change.alarmName;
}

function shortTask(taskId: string): string {
  return taskId.slice(0, 12);
}

function describeTarget(u: UnhealthyTarget): string {
  const t = u.target;
  const where = `${t.id}${t.port ? `:${t.port}` : ''}`;
  const why = [t.reason, t.description].filter(Boolean).join(' — ');
  const task = u.task
    ? ` → task ${shortTask(u.task.taskId)} (${u.task.lastStatus ?? 'unknown'}${u.task.stoppedReason ? `: ${u.task.stoppedReason}` : ''})`
    : '';
  return `- ${where} ${t.state}${why ? `: ${why}` : ''}${task}`;
}

function describeStop(s: ClassifiedStop): string {
  const at = s.task.stoppedAt ? `${s.task.stoppedAt.slice(11, 19)}Z ` : '';
  const exit =
    s.classification.evidence.exitCode !== undefined ? ` (exit ${s.classification.evidence.exitCode})` : '';
  return `- ${at}task ${shortTask(s.task.taskId)}: ${s.classification.headline}${exit}`;
}

function listed<T>(items: T[], render: (item: T) => string): string[] {
  const lines = items.slice(0, MAX_LISTED).map(render);
  if (items.length > MAX_LISTED) lines.push(`- … and ${items.length - MAX_LISTED} more`);
  return lines;
}

interface Evidence {
  details: string[];
  nextSteps: string[];
  facts: Array<[string, string | number | undefined]>;
  related: string[];
}

function stopsSection(
  stops: Extract<Enrichment, { kind: 'alb' | 'thrash' }>['stops'],
  evidence: Evidence,
): void {
  if (!stops.ok) {
    evidence.details.push(`**Recently stopped tasks:** unavailable: ${stops.error}`);
    return;
  }
  const incidents = stops.value.filter((s) => !s.classification.routine);
  evidence.facts.push(['Stopped tasks (recent)', `${stops.value.length} (${incidents.length} not routine)`]);
  if (stops.value.length === 0) {
    evidence.details.push('**Recently stopped tasks:** none');
    return;
  }
  evidence.details.push(['**Recently stopped tasks:**', ...listed(stops.value, describeStop)].join('\n'));
  for (const s of incidents) evidence.nextSteps.push(...s.classification.nextSteps);
}

function evidenceFor(enrichment: Enrichment): Evidence {
  const evidence: Evidence = { details: [], nextSteps: [], facts: [], related: [] };
  switch (enrichment.kind) {
    case 'alb': {
      const { targets } = enrichment;
      if (!targets.ok) {
        evidence.details.push(`**Target health:** unavailable: ${targets.error}`);
      } else {
        const { all, unhealthy } = targets.value;
        evidence.facts.push(['Targets', `${all.length - unhealthy.length} healthy of ${all.length}`]);
        evidence.details.push(
          unhealthy.length
            ? ['**Unhealthy targets:**', ...listed(unhealthy, describeTarget)].join('\n')
            : `**Target health now:** all ${all.length} target(s) healthy`,
        );
        for (const u of unhealthy) {
          const step = u.target.reason ? TARGET_REASON_STEPS[u.target.reason] : undefined;
          if (step) evidence.nextSteps.push(step);
          if (u.task) evidence.related.push(u.task.taskArn);
        }
      }
      stopsSection(enrichment.stops, evidence);
      break;
    }
    case 'thrash': {
      stopsSection(enrichment.stops, evidence);
      if (enrichment.counts.length) {
        evidence.details.unshift(
          `**Stops by category:** ${enrichment.counts.map(([category, n]) => `${category} ×${n}`).join(', ')}`,
        );
      }
      break;
    }
    case 'deep-health': {
      const { probe } = enrichment;
      if (!probe.ok) {
        evidence.details.push(`**Probe now:** unavailable: ${probe.error}`);
        break;
      }
      const { result, failing } = probe.value;
      evidence.facts.push(['Probe now', result.healthy ? 'healthy' : `failing (${result.reason})`]);
      evidence.facts.push(['Status', result.status]);
      evidence.facts.push(['Latency', `${result.latencyMs} ms`]);
      const lines = [`**Probe now:** ${result.detail}`];
      if (failing.length) {
        lines.push(
          '**Failing components:**',
          ...listed(failing, (c) => `- ${c.name}: ${c.state}${c.message ? `: ${c.message}` : ''}`),
        );
      } else if (!result.healthy) {
        lines.push('No component reported a failure (the endpoint itself failed).');
      } else {
        lines.push('The target answers healthy now: the failure may have been transient.');
      }
      evidence.details.push(lines.join('\n'));
      break;
    }
    default:
      break;
  }
  return evidence;
}

function baseLinks(change: AlarmChange, subject: AlarmSubject, cluster: string): Link[] {
  const links: Link[] = [];
  const region = change.region;
  if (!region) return links;
  links.push({ label: 'Alarm', url: alarmUrl(region, change.alarmName) });
  if (subject.targetGroupArn)
    links.push({ label: 'Target group', url: targetGroupUrl(region, subject.targetGroupArn) });
  if (subject.service && subject.kind !== 'deep-health' && subject.kind !== 'other') {
    links.push({
      label: `ECS service ${subject.service}`,
      url: ecsServiceUrl(region, cluster, subject.service),
    });
  }
  return links;
}

function kindKeyword(kind: AlarmKind): string {
  return kind === 'other' ? 'alarm' : kind;
}

/** The incident message for ALARM (or INSUFFICIENT_DATA when configured to notify). */
export function incidentNotification(
  change: AlarmChange,
  subject: AlarmSubject,
  enrichment: Enrichment,
  cluster: string,
): Notification {
  const evidence = evidenceFor(enrichment);
  const insufficient = change.state === 'INSUFFICIENT_DATA';
  const name = subjectName(subject, change);
  const title = insufficient
    ? `${name}: alarm has insufficient data (${change.alarmName})`
    : subject.kind === 'other'
      ? `${change.alarmName} is in ALARM`
      : `${name}: ${KIND_LABEL[subject.kind]}`;
  const relatedResources = [change.alarmArn, subject.targetGroupArn, ...evidence.related].filter(
    (r): r is string => typeof r === 'string',
  );
  const region = change.region;
  const links = baseLinks(change, subject, cluster);
  if (region && enrichment.kind === 'alb' && enrichment.targets.ok) {
    const first = enrichment.targets.value.unhealthy.find((u) => u.task)?.task;
    if (first)
      links.push({
        label: `Task ${shortTask(first.taskId)}`,
        url: ecsTaskUrl(region, cluster, first.taskId),
      });
  }
  return {
    title,
    severity: insufficient ? 'warning' : ALARM_SEVERITY[subject.kind],
    eventType: insufficient ? 'HealthAlarmInsufficientData' : 'HealthAlarm',
    summary: change.reason || `${change.alarmName} changed to ${change.state}.`,
    facts: [
      ['Alarm', change.alarmName],
      ['State', `${change.previousState ?? '?'} → ${change.state}`],
      ['Since', change.changedAt],
      ['Service', subject.service],
      ['Target', subject.target],
      ['Target group', subject.targetGroup],
      ['Load balancer', subject.loadBalancer],
      ['Region', change.region],
      ...evidence.facts,
    ],
    details: [change.description ? `_${change.description}_` : '', ...evidence.details]
      .filter(Boolean)
      .join('\n\n'),
    nextSteps: [...new Set(evidence.nextSteps)].slice(0, 6),
    links,
    keywords: ['health-alarm', kindKeyword(subject.kind), ...(subject.service ? [subject.service] : [])],
    threadId: threadIdFor(change),
    relatedResources: [...new Set(relatedResources)],
  };
}

/** The resolved message for OK, in the incident's thread. */
export function resolvedNotification(
  change: AlarmChange,
  subject: AlarmSubject,
  duration: { ms: number; since: string } | { unavailable: string },
  cluster: string,
): Notification {
  const name = subjectName(subject, change);
  const lasted = 'ms' in duration ? formatDuration(duration.ms) : undefined;
  const what = subject.kind === 'other' ? change.alarmName : `${name}: ${KIND_LABEL[subject.kind]}`;
  return {
    title: `${what}, resolved${lasted ? ` after ${lasted}` : ''}`,
    severity: 'resolved',
    eventType: 'HealthAlarmResolved',
    summary: change.reason || `${change.alarmName} is OK again.`,
    facts: [
      ['Alarm', change.alarmName],
      ['State', `${change.previousState ?? '?'} → OK`],
      ['In alarm since', 'since' in duration ? duration.since : undefined],
      ['Resolved at', change.changedAt],
      ['Duration', lasted ?? `unavailable: ${'unavailable' in duration ? duration.unavailable : ''}`],
      ['Service', subject.service],
      ['Target', subject.target],
      ['Region', change.region],
    ],
    links: baseLinks(change, subject, cluster),
    keywords: ['health-alarm', kindKeyword(subject.kind), 'resolved'],
    threadId: threadIdFor(change),
    relatedResources: [change.alarmArn, subject.targetGroupArn].filter(
      (r): r is string => typeof r === 'string',
    ),
  };
}
