import { classifyStop } from '../../shared/ecs/classify-stop';
import type { StopCategory, StopClassification } from '../../shared/ecs/stop-types';
import type { ComponentResult, ProbeResult } from '../../shared/health/types';
import { bounded, type Outcome } from './bounded';
import type { AlarmSubject } from './kind';
import type { HealthAlarmDeps, TargetHealthEntry, TaskInfo } from './ports';

/** A stopped task with the shared classifier's explanation. */
export interface ClassifiedStop {
  task: TaskInfo;
  classification: StopClassification;
}

/** A target that is not healthy and, where its IP matches one, the ECS task behind it. */
export interface UnhealthyTarget {
  target: TargetHealthEntry;
  task?: TaskInfo;
}

/**
 * What a target's health state means for the "X healthy of Y" count. Only `unhealthy` failed its
 * health checks: `draining` targets are being deregistered (a deployment or scale-in replaces
 * them), `initial` ones are registering and not yet through their first checks, `unused` ones are
 * not in service (not registered, AZ not enabled, health checks disabled).
 * States and reason codes: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
 */
export type TargetCondition = 'healthy' | 'unhealthy' | 'draining' | 'initial' | 'unused';

export function targetCondition(t: TargetHealthEntry): TargetCondition {
  const state = t.state.toLowerCase();
  if (state === 'healthy') return 'healthy';
  // `unhealthy.draining`: failed its checks and is now being deregistered (it is on its way out).
  if (
    state === 'draining' ||
    state === 'unhealthy.draining' ||
    t.reason === 'Target.DeregistrationInProgress'
  )
    return 'draining';
  if (
    state === 'initial' ||
    t.reason === 'Elb.InitialHealthChecking' ||
    t.reason === 'Elb.RegistrationInProgress'
  )
    return 'initial';
  if (state === 'unused' || state === 'unavailable') return 'unused';
  return 'unhealthy';
}

export interface TargetGroups {
  all: TargetHealthEntry[];
  /** Failed their health checks (or in a state this code does not know). */
  unhealthy: UnhealthyTarget[];
  draining: UnhealthyTarget[];
  initial: UnhealthyTarget[];
  unused: UnhealthyTarget[];
}

export interface AlbEnrichment {
  kind: 'alb';
  targets: Outcome<TargetGroups>;
  stops: Outcome<ClassifiedStop[]>;
}

export interface DeepHealthEnrichment {
  kind: 'deep-health';
  /** Which alarm asked: failing, degraded, or the certificate. */
  about: 'deep-health' | 'deep-health-degraded' | 'certificate';
  probe: Outcome<{ result: ProbeResult; failing: ComponentResult[] }>;
}

export interface ThrashEnrichment {
  kind: 'thrash';
  stops: Outcome<ClassifiedStop[]>;
  /** Stops per category, most frequent first. */
  counts: Array<[StopCategory, number]>;
}

export type Enrichment = AlbEnrichment | DeepHealthEnrichment | ThrashEnrichment | { kind: 'none' };

export interface EnrichOptions {
  cluster: string;
  budgetMs: number;
  /** Stopped tasks older than this are not evidence for the current alarm. */
  windowMinutes: number;
}

const unavailable = <T>(error: string): Outcome<T> => ({ ok: false, error });

function recentStops(tasks: TaskInfo[], now: Date, windowMinutes: number): ClassifiedStop[] {
  const since = now.getTime() - windowMinutes * 60_000;
  return tasks
    .filter((t) => !t.stoppedAt || Date.parse(t.stoppedAt) >= since)
    .sort((a, b) => Date.parse(b.stoppedAt ?? '') - Date.parse(a.stoppedAt ?? '') || 0)
    .map((task) => ({ task, classification: classifyStop(task) }));
}

function stopCounts(stops: ClassifiedStop[]): Array<[StopCategory, number]> {
  const counts = new Map<StopCategory, number>();
  for (const s of stops)
    counts.set(s.classification.category, (counts.get(s.classification.category) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

async function stoppedTasks(
  subject: AlarmSubject,
  deps: HealthAlarmDeps,
  opts: EnrichOptions,
): Promise<Outcome<ClassifiedStop[]>> {
  if (!subject.service) return unavailable('the alarm names no ECS service');
  const service = subject.service;
  const listed = await bounded(opts.budgetMs, (signal) =>
    deps.tasks.listServiceTasks(opts.cluster, service, 'STOPPED', signal),
  );
  return listed.ok ? { ok: true, value: recentStops(listed.value, deps.now(), opts.windowMinutes) } : listed;
}

async function enrichAlb(
  subject: AlarmSubject,
  deps: HealthAlarmDeps,
  opts: EnrichOptions,
): Promise<AlbEnrichment> {
  const targetGroupArn = subject.targetGroupArn;
  const service = subject.service;
  const [health, running, stops] = await Promise.all([
    targetGroupArn
      ? bounded(opts.budgetMs, (signal) => deps.targetHealth.describeTargetHealth(targetGroupArn, signal))
      : Promise.resolve(
          unavailable<TargetHealthEntry[]>(
            'the target group ARN is unknown (set targetGroupArn in the services param)',
          ),
        ),
    service
      ? bounded(opts.budgetMs, (signal) =>
          deps.tasks.listServiceTasks(opts.cluster, service, 'RUNNING', signal),
        )
      : Promise.resolve(unavailable<TaskInfo[]>('no service')),
    stoppedTasks(subject, deps, opts),
  ]);
  const byIp = new Map<string, TaskInfo>();
  // Running tasks win over stopped ones that once had the same address.
  for (const s of stops.ok ? stops.value : []) for (const ip of s.task.privateIps) byIp.set(ip, s.task);
  for (const t of running.ok ? running.value : []) for (const ip of t.privateIps) byIp.set(ip, t);
  const grouped = (all: TargetHealthEntry[]): TargetGroups => {
    const groups: TargetGroups = { all, unhealthy: [], draining: [], initial: [], unused: [] };
    for (const target of all) {
      const condition = targetCondition(target);
      if (condition === 'healthy') continue;
      const task = byIp.get(target.id);
      groups[condition].push(task ? { target, task } : { target });
    }
    return groups;
  };
  const targets: AlbEnrichment['targets'] = health.ok ? { ok: true, value: grouped(health.value) } : health;
  return { kind: 'alb', targets, stops };
}

async function enrichDeepHealth(
  subject: AlarmSubject,
  deps: HealthAlarmDeps,
  opts: EnrichOptions,
): Promise<DeepHealthEnrichment> {
  const target = subject.target;
  const about =
    subject.kind === 'certificate' || subject.kind === 'deep-health-degraded' ? subject.kind : 'deep-health';
  if (!target)
    return { kind: 'deep-health', about, probe: unavailable('the alarm names no healthcheck target') };
  // The probe has its own deadline; the outer bound is a safety net a little later.
  const probed = await bounded(opts.budgetMs + 500, () => deps.probe.probe(target, opts.budgetMs));
  return {
    kind: 'deep-health',
    about,
    probe: probed.ok
      ? {
          ok: true,
          value: {
            result: probed.value,
            failing: probed.value.components.filter((c) => c.state !== 'working'),
          },
        }
      : probed,
  };
}

async function enrichThrash(
  subject: AlarmSubject,
  deps: HealthAlarmDeps,
  opts: EnrichOptions,
): Promise<ThrashEnrichment> {
  const stops = await stoppedTasks(subject, deps, opts);
  return { kind: 'thrash', stops, counts: stops.ok ? stopCounts(stops.value) : [] };
}

/**
 * Gathers the evidence for one alarm. Every step is bounded by `opts.budgetMs` and may fail:
 * the result then carries the reason ("AccessDenied: ...", "timed out after 3000 ms") and the
 * notification still goes out.
 */
export async function enrich(
  subject: AlarmSubject,
  deps: HealthAlarmDeps,
  opts: EnrichOptions,
): Promise<Enrichment> {
  switch (subject.kind) {
    case 'alb-unhealthy':
    case 'alb-no-healthy':
      return enrichAlb(subject, deps, opts);
    case 'deep-health':
    case 'deep-health-degraded':
    case 'certificate':
      return enrichDeepHealth(subject, deps, opts);
    case 'thrash':
      return enrichThrash(subject, deps, opts);
    default:
      return { kind: 'none' };
  }
}
