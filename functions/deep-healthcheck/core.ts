/**
 * deepHealthcheck decisions: which targets to probe, how many at once within the invocation deadline,
 * what each result means as metrics, and what to return. No SDK, no environment.
 */
import { InvalidEventError } from '../../shared/errors';
import type { HealthTarget } from '../../shared/health/target';
import type { ProbeResult } from '../../shared/health/types';
import { Dimension, Metric, type MetricName } from '../../shared/metric-names';
import type { DeepHealthcheckDeps, DeepHealthcheckRun, DeepHealthcheckSettings } from './ports';
import type { DeepHealthcheckEvent } from './schema';

export type { DeepHealthcheckDeps, DeepHealthcheckRun, DeepHealthcheckSettings } from './ports';

export interface DeepHealthcheckResult {
  checkedAt: string;
  probed: number;
  healthy: number;
  /** Names of the failing targets. */
  unhealthy: string[];
  /** Names of the targets that are up with components not working (counted in `healthy`). */
  degraded: string[];
  results: ProbeResult[];
}

export type MetricUnitName = 'Count' | 'Milliseconds' | 'None';

export interface MetricPoint {
  name: MetricName;
  unit: MetricUnitName;
  value: number;
  dimensions: Record<string, string>;
}

/** Component names come from the app; keep the dimension value within CloudWatch's limits. */
function componentDimension(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim();
  return clean.length > 250 ? clean.slice(0, 250) : clean || '(unnamed)';
}

/**
 * The metrics of one probe result, each with exactly the dimensions listed in `metric-names.ts`
 * (the alarms and the dashboard match on them). Latency only when the target answered;
 * TargetDegraded only when it listed components.
 */
export function metricPoints(result: ProbeResult): MetricPoint[] {
  const target = { [Dimension.Target]: result.target };
  const points: MetricPoint[] = [
    { name: Metric.TargetHealthy, unit: 'Count', value: result.healthy ? 1 : 0, dimensions: target },
  ];
  // Only an answer that lists components can be degraded (no custom metric for other targets).
  if (result.components.length > 0) {
    points.push({
      name: Metric.TargetDegraded,
      unit: 'Count',
      value: result.degraded ? 1 : 0,
      dimensions: target,
    });
  }
  if (result.status !== undefined) {
    points.push({
      name: Metric.TargetLatency,
      unit: 'Milliseconds',
      value: result.latencyMs,
      dimensions: target,
    });
  }
  if (result.certificateDaysLeft !== undefined) {
    points.push({
      name: Metric.CertificateDaysLeft,
      unit: 'None',
      value: result.certificateDaysLeft,
      dimensions: target,
    });
  }
  for (const component of result.components) {
    points.push({
      name: Metric.ComponentHealthy,
      unit: 'Count',
      value: component.state === 'working' ? 1 : 0,
      dimensions: { ...target, [Dimension.Component]: componentDimension(component.name) },
    });
  }
  if (!result.healthy) {
    points.push({
      name: Metric.ProbeFailures,
      unit: 'Count',
      value: 1,
      dimensions: { ...target, [Dimension.Reason]: result.reason },
    });
  }
  return points;
}

function selectTargets(targets: HealthTarget[], only: string[] | undefined): HealthTarget[] {
  if (!only) return targets;
  const known = new Set(targets.map((t) => t.name));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new InvalidEventError(
      `event names unknown target(s) ${unknown.join(', ')}; configured: ${[...known].join(', ') || '(none)'}`,
    );
  }
  return targets.filter((t) => only.includes(t.name));
}

/**
 * How many probes run at once. A probe measures its own latency from its own start, so a queued
 * target is not charged for the wait; but at 256 MB a Lambda has a fraction of a vCPU, and a
 * hundred TLS handshakes at once queue for the CPU inside the measured time (false `slow`).
 * The limit is raised, though, when even hanging targets (each using its whole `timeoutMs`) could
 * not all be probed before the deadline with it: a target never probed would be a false failure.
 */
export function probeConcurrency(
  targets: HealthTarget[],
  limit: number | undefined,
  availableMs: number,
): number {
  if (targets.length === 0) return 1;
  if (limit === undefined) return targets.length;
  const worstCaseMs = targets.reduce((sum, t) => sum + t.timeoutMs, 0);
  const needed = availableMs > 0 ? Math.ceil(worstCaseMs / availableMs) : targets.length;
  return Math.min(targets.length, Math.max(1, limit, needed));
}

/** Runs `work` on every item, at most `concurrency` at once; results in the items' order. */
async function mapBounded<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/**
 * Probes every target (at most `run.concurrency` at once) and reports each result. A failing target is a result, not
 * an error: the invocation only fails for a malformed event, so a retry never double-counts.
 * A token the endpoint rejected is dropped from the cache (a rotated secret is re-read next run).
 */
export async function runDeepHealthcheck(
  run: DeepHealthcheckRun,
  deps: Omit<DeepHealthcheckDeps, 'log'>,
  targets: HealthTarget[],
): Promise<DeepHealthcheckResult> {
  const selected = selectTargets(targets, run.only);
  const checkedAt = new Date(deps.now()).toISOString();
  const concurrency = probeConcurrency(selected, run.concurrency, run.deadlineMs - deps.now());
  const results = await mapBounded(selected, concurrency, (target) =>
    deps.probe(target, { deadlineMs: run.deadlineMs, getToken: (t) => deps.tokens.get(t), now: deps.now }),
  );
  results.forEach((result, index) => {
    const target = selected[index]!;
    if (result.reason === 'auth' && target.token) deps.tokens.invalidate(target.token.secretArn);
    deps.report(result);
  });
  const unhealthy = results.filter((r) => !r.healthy).map((r) => r.target);
  return {
    checkedAt,
    probed: results.length,
    healthy: results.length - unhealthy.length,
    unhealthy,
    degraded: results.filter((r) => r.degraded).map((r) => r.target),
    results,
  };
}

/**
 * One invocation: the deadline is the invocation's remaining time less the margin kept to publish
 * metrics and logs; every configured target (or the event's subset) is probed and the run logged.
 */
export async function deepHealthcheck(
  event: DeepHealthcheckEvent,
  remainingMs: number,
  deps: DeepHealthcheckDeps,
  settings: DeepHealthcheckSettings,
): Promise<DeepHealthcheckResult> {
  const deadlineMs = deps.now() + remainingMs - settings.deadlineMarginMs;
  const result = await runDeepHealthcheck(
    { deadlineMs, only: event.targets, concurrency: settings.concurrency },
    deps,
    settings.targets,
  );
  deps.log.info('deep healthcheck run', {
    probed: result.probed,
    healthy: result.healthy,
    unhealthy: result.unhealthy,
    degraded: result.degraded,
  });
  return result;
}
