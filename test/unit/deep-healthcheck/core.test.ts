import {
  deepHealthcheck,
  metricPoints,
  probeConcurrency,
  runDeepHealthcheck,
  type DeepHealthcheckDeps,
} from '../../../functions/deep-healthcheck/core';
import { InvalidEventError } from '../../../shared/errors';
import type { ProbeOptions } from '../../../shared/health/probe';
import { HealthTargetSchema, type HealthTarget } from '../../../shared/health/target';
import type { ProbeResult } from '../../../shared/health/types';

const NOW = Date.parse('2026-11-24T03:00:00Z');
const targets = [
  HealthTargetSchema.parse({
    name: 'web',
    url: 'https://app.example.com/ht/?format=json',
    token: { secretArn: 'prod/health' },
  }),
  HealthTargetSchema.parse({ name: 'admin', url: 'https://admin.example.com/ht/?format=json' }),
];

function result(target: string, overrides: Partial<ProbeResult> = {}): ProbeResult {
  return {
    target,
    url: `https://${target}.example.com/ht/?format=json`,
    healthy: true,
    reason: 'none',
    detail: 'healthy',
    status: 200,
    latencyMs: 42,
    components: [],
    checkedAt: new Date(NOW).toISOString(),
    ...overrides,
  };
}

function fakes(answers: Record<string, Partial<ProbeResult>>) {
  const calls: Array<{ target: string; options: ProbeOptions }> = [];
  const reported: ProbeResult[] = [];
  const invalidated: string[] = [];
  const logged: Array<{ message: string; extra?: Record<string, unknown> }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const deps: DeepHealthcheckDeps = {
    async probe(target: HealthTarget, options: ProbeOptions) {
      calls.push({ target: target.name, options });
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight -= 1;
      return result(target.name, answers[target.name]);
    },
    tokens: { get: async () => 'tok', invalidate: (arn) => invalidated.push(arn) },
    report: (r) => reported.push(r),
    log: {
      info: (message, extra) => void logged.push({ message, extra }),
      warn: (message, extra) => void logged.push({ message, extra }),
    },
    now: () => NOW,
  };
  return { deps, calls, reported, invalidated, logged, maxInFlight: () => maxInFlight };
}

describe('runDeepHealthcheck', () => {
  it('probes every target at once, with the invocation deadline, and reports each result', async () => {
    const f = fakes({ admin: { healthy: false, reason: 'timeout', detail: 'no answer', status: undefined } });

    const out = await runDeepHealthcheck({ deadlineMs: NOW + 25_000 }, f.deps, targets);

    expect(f.maxInFlight()).toBe(2);
    expect(f.calls.map((c) => [c.target, c.options.deadlineMs])).toEqual([
      ['web', NOW + 25_000],
      ['admin', NOW + 25_000],
    ]);
    expect(f.reported.map((r) => r.target)).toEqual(['web', 'admin']);
    expect(out).toMatchObject({
      checkedAt: '2026-11-24T03:00:00.000Z',
      probed: 2,
      healthy: 1,
      unhealthy: ['admin'],
    });
  });

  it('keeps at most `concurrency` probes in flight, and reports in the configured order', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      HealthTargetSchema.parse({ name: `t${i}`, url: `https://t${i}.example.com/ht/`, timeoutMs: 1_000 }),
    );
    const f = fakes({});

    const out = await runDeepHealthcheck({ deadlineMs: NOW + 25_000, concurrency: 4 }, f.deps, many);

    expect(f.maxInFlight()).toBe(4);
    expect(out.results.map((r) => r.target)).toEqual(many.map((t) => t.name));
    expect(out.probed).toBe(30);
  });

  it('raises the limit when the targets could not all use their timeout before the deadline', () => {
    const slow = Array.from({ length: 100 }, (_, i) =>
      HealthTargetSchema.parse({ name: `t${i}`, url: `https://t${i}.example.com/`, timeoutMs: 5_000 }),
    );
    // 100 × 5 s in 25 s needs 20 at once; 8 would leave the last targets unprobed (false failures).
    expect(probeConcurrency(slow, 8, 25_000)).toBe(20);
    expect(probeConcurrency(slow.slice(0, 10), 8, 25_000)).toBe(8);
    expect(probeConcurrency(slow.slice(0, 3), 8, 25_000)).toBe(3);
    expect(probeConcurrency(slow, undefined, 25_000)).toBe(100);
    expect(probeConcurrency(slow, 8, 0)).toBe(100);
    expect(probeConcurrency([], 8, 25_000)).toBe(1);
  });

  it('forgets the cached token of a target whose endpoint rejected it', async () => {
    const f = fakes({ web: { healthy: false, reason: 'auth', status: 401 } });

    await runDeepHealthcheck({ deadlineMs: NOW + 25_000 }, f.deps, targets);

    expect(f.invalidated).toEqual(['prod/health']);
  });

  it('probes only the targets an event names, and refuses unknown names', async () => {
    const f = fakes({});

    const out = await runDeepHealthcheck({ deadlineMs: NOW + 1_000, only: ['admin'] }, f.deps, targets);
    await expect(
      runDeepHealthcheck({ deadlineMs: NOW + 1_000, only: ['nope'] }, f.deps, targets),
    ).rejects.toThrow(new InvalidEventError('event names unknown target(s) nope; configured: web, admin'));

    expect(out.results.map((r) => r.target)).toEqual(['admin']);
  });
});

describe('metricPoints', () => {
  it('emits healthy, latency, certificate days and one point per component, each with only its own dimensions', () => {
    const points = metricPoints(
      result('web', {
        certificateDaysLeft: 30,
        components: [
          { name: 'DatabaseBackend', state: 'working', message: '' },
          { name: 'Cache backend: default', state: 'unexpected', message: 'Connection Error' },
        ],
        healthy: false,
        reason: 'component',
        status: 500,
      }),
    );

    expect(points).toEqual([
      { name: 'TargetHealthy', unit: 'Count', value: 0, dimensions: { Target: 'web' } },
      { name: 'TargetDegraded', unit: 'Count', value: 0, dimensions: { Target: 'web' } },
      { name: 'TargetLatency', unit: 'Milliseconds', value: 42, dimensions: { Target: 'web' } },
      { name: 'CertificateDaysLeft', unit: 'None', value: 30, dimensions: { Target: 'web' } },
      {
        name: 'ComponentHealthy',
        unit: 'Count',
        value: 1,
        dimensions: { Target: 'web', Component: 'DatabaseBackend' },
      },
      {
        name: 'ComponentHealthy',
        unit: 'Count',
        value: 0,
        dimensions: { Target: 'web', Component: 'Cache backend: default' },
      },
      { name: 'ProbeFailures', unit: 'Count', value: 1, dimensions: { Target: 'web', Reason: 'component' } },
    ]);
  });

  it('emits no latency for a target that never answered, and no failure for a healthy one', () => {
    const down = metricPoints(result('web', { healthy: false, reason: 'connection', status: undefined }));
    const up = metricPoints(result('web'));

    expect(down.map((p) => p.name)).toEqual(['TargetHealthy', 'ProbeFailures']);
    expect(up.map((p) => p.name)).toEqual(['TargetHealthy', 'TargetLatency']);
  });

  it('reports a degraded target as up (TargetHealthy 1), degraded (TargetDegraded 1) and not failed', () => {
    const points = metricPoints(
      result('web', {
        degraded: true,
        detail: 'degraded: HTTP 200, 1 of 2 components not working: DiskUsage warning: 91 % used',
        components: [
          { name: 'DatabaseBackend', state: 'working', message: '' },
          { name: 'DiskUsage', state: 'warning', message: '91 % used' },
        ],
      }),
    );

    expect(points.filter((p) => p.dimensions.Component === undefined)).toEqual([
      { name: 'TargetHealthy', unit: 'Count', value: 1, dimensions: { Target: 'web' } },
      { name: 'TargetDegraded', unit: 'Count', value: 1, dimensions: { Target: 'web' } },
      { name: 'TargetLatency', unit: 'Milliseconds', value: 42, dimensions: { Target: 'web' } },
    ]);
    expect(points.map((p) => p.name)).not.toContain('ProbeFailures');
  });
});

describe('deepHealthcheck: one invocation', () => {
  it('probes until the remaining time less the margin, and logs the run', async () => {
    const f = fakes({ admin: { healthy: false, reason: 'timeout', detail: 'no answer', status: undefined } });

    const out = await deepHealthcheck({ targets: ['admin'] }, 30_000, f.deps, {
      targets,
      concurrency: 8,
      deadlineMarginMs: 1_500,
    });

    expect(f.calls.map((c) => [c.target, c.options.deadlineMs])).toEqual([['admin', NOW + 28_500]]);
    expect(out).toMatchObject({ probed: 1, healthy: 0, unhealthy: ['admin'] });
    expect(f.logged).toEqual([
      {
        message: 'deep healthcheck run',
        extra: { probed: 1, healthy: 0, unhealthy: ['admin'], degraded: [] },
      },
    ]);
  });
});
