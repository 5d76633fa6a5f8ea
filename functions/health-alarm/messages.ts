import { alarmUrl, ecsServiceUrl, ecsTaskUrl, targetGroupUrl } from '../../shared/links';
import type { Link, Notification, Severity } from '../../shared/notify';
import type { ClassifiedStop, Enrichment, TargetGroups, UnhealthyTarget } from './enrich';
import type { AlarmKind, AlarmSubject } from './kind';
import type { AlarmChange } from './schema';
import { formatDuration } from '../../shared/duration';

const MAX_LISTED = 8;

const KIND_LABEL: Record<AlarmKind, string> = {
  'alb-unhealthy': 'ALB targets unhealthy',
  'alb-no-healthy': 'no healthy ALB targets',
  'deep-health': 'deep healthcheck failing',
  'deep-health-degraded': 'deep healthcheck degraded',
  certificate: 'TLS certificate expires soon',
  thrash: 'tasks keep failing ELB health checks',
  other: 'alarm',
};

const ALARM_SEVERITY: Record<AlarmKind, Severity> = {
  'alb-unhealthy': 'warning',
  'alb-no-healthy': 'critical',
  'deep-health': 'critical',
  // Up and serving, with some checks not working (django-health-check answered 200).
  'deep-health-degraded': 'warning',
  certificate: 'warning',
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

function subjectName(subject: AlarmSubject, change: AlarmChange): string {
  return subject.service ?? subject.target ?? change.alarmName;
}

function shortTask(taskId: string): string {
  return taskId.slice(0, 12);
}

function describeTarget(u: UnhealthyTarget): string {
  const t = u.target;
  const id = t.id && t.id !== '?' ? t.id : 'a target with no id';
  const where = `${id}${t.port ? `:${t.port}` : ''}`;
  const why = [t.reason, t.description].filter(Boolean).join(' — ');
  const status = [u.task?.lastStatus, u.task?.stoppedReason].filter(Boolean).join(': ');
  const task = u.task?.taskId ? ` → task ${shortTask(u.task.taskId)}${status ? ` (${status})` : ''}` : '';
  return `- ${where} ${t.state || 'state unknown'}${why ? `: ${why}` : ''}${task}`;
}

/** "2 healthy of 5 (1 unhealthy, 1 draining, 1 in initial health checks)"; "none registered". */
export function targetCount(groups: TargetGroups): string {
  const { all } = groups;
  if (all.length === 0) return 'none registered';
  const healthy =
    all.length -
    groups.unhealthy.length -
    groups.draining.length -
    groups.initial.length -
    groups.unused.length;
  const others = [
    [groups.unhealthy.length, 'unhealthy'],
    [groups.draining.length, 'draining'],
    [groups.initial.length, 'in initial health checks'],
    [groups.unused.length, 'not in use'],
  ]
    .filter(([n]) => Number(n) > 0)
    .map(([n, label]) => `${n} ${label}`);
  return `${healthy} healthy of ${all.length}${others.length ? ` (${others.join(', ')})` : ''}`;
}

const TARGET_SECTIONS: Array<[keyof Omit<TargetGroups, 'all'>, string]> = [
  ['unhealthy', '**Unhealthy targets:**'],
  ['draining', '**Draining** (being deregistered by a deployment or scale-in; not unhealthy):'],
  ['initial', '**In initial health checks** (just registered; not unhealthy yet):'],
  ['unused', '**Not in use** (not registered, AZ not enabled or health checks disabled):'],
];

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
  evidence.facts.push([
    'Stopped tasks (recent)',
    stops.value.length ? `${stops.value.length} (${incidents.length} not routine)` : 'none',
  ]);
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
        const groups = targets.value;
        const notHealthy = [...groups.unhealthy, ...groups.draining, ...groups.initial, ...groups.unused];
        evidence.facts.push(['Targets', targetCount(groups)]);
        if (groups.all.length === 0) {
          evidence.details.push('**Target health now:** no targets are registered in the target group');
        } else if (notHealthy.length === 0) {
          evidence.details.push(
            `**Target health now:** ${groups.all.length === 1 ? 'the only target is' : `all ${groups.all.length} targets are`} healthy`,
          );
        }
        for (const [key, heading] of TARGET_SECTIONS) {
          if (groups[key].length)
            evidence.details.push([heading, ...listed(groups[key], describeTarget)].join('\n'));
        }
        for (const u of notHealthy) {
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
      const now = !result.healthy ? `failing (${result.reason})` : result.degraded ? 'degraded' : 'healthy';
      evidence.facts.push(['Probe now', now]);
      evidence.facts.push(['Status', result.status]);
      evidence.facts.push(['Latency', `${result.latencyMs} ms`]);
      if (result.certificateDaysLeft !== undefined)
        evidence.facts.push(['Certificate days left', result.certificateDaysLeft]);
      const lines = [`**Probe now:** ${result.detail || now}`];
      if (enrichment.about === 'certificate') {
        lines.push(
          result.certificateDaysLeft === undefined
            ? 'The probe read no certificate now (it did not complete a TLS handshake).'
            : `The certificate presented now expires in ${result.certificateDaysLeft} day${result.certificateDaysLeft === 1 ? '' : 's'}.`,
        );
      } else if (failing.length) {
        lines.push(
          result.healthy ? '**Components not working** (the app still answers):' : '**Failing components:**',
          ...listed(
            failing,
            (c) => `- ${c.name.trim() || '(unnamed check)'}: ${c.state}${c.message ? `: ${c.message}` : ''}`,
          ),
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
  if (subject.service && (subject.kind.startsWith('alb-') || subject.kind === 'thrash')) {
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
      ['State', change.previousState ? `${change.previousState} → ${change.state}` : change.state],
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
      ['State', change.previousState ? `${change.previousState} → OK` : 'OK'],
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
