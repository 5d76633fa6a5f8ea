/**
 * deepHealthcheck probes the real django-health-check app, whose cache is down. It does not notify
 * by itself: it publishes TargetHealthy=0, and the CloudWatch alarm on that metric is what
 * reaches people (through healthAlarm, the next scenario).
 */
import path from 'node:path';
import type { DeepHealthcheckResult } from '../../../functions/deep-healthcheck/core';
import { invoke, loadHandler, wouldCalls } from '../invoke';
import { HANDLER_VIA, healthTargets, sampleEvent } from './events';
import type { Scenario } from './types';

export const deepHealthcheck: Scenario = {
  fn: 'deepHealthcheck',
  title: 'probe a django-health-check app with one failing component',
  async run(ctx) {
    const env = { HEALTH_TARGETS: healthTargets(ctx.health.url) };
    const handler = await loadHandler(path.join(ctx.root, 'functions/deep-healthcheck/handler.ts'), env);
    const { result, captured } = await invoke<DeepHealthcheckResult>(
      handler,
      'deepHealthcheck',
      sampleEvent(ctx.root, 'deep-healthcheck/scheduled.json'),
      env,
    );
    const probe = result.results[0];
    const failing = probe?.components.filter((c) => c.state !== 'working') ?? [];
    const metricNames = [...new Set(captured.metrics.map((m) => m.name))];
    const healthy = captured.metrics.find((m) => m.name === 'TargetHealthy');
    return {
      via: HANDLER_VIA,
      input: [
        'events/deep-healthcheck/scheduled.json (EventBridge schedule)',
        `HEALTH_TARGETS=[{name: local-app, url: ${ctx.health.url}?format=json, format: django-health-check}]`,
      ],
      decided: [
        `local-app is ${probe?.healthy ? 'healthy' : 'UNHEALTHY'}: ${probe?.detail ?? 'not probed'} (HTTP ${probe?.status ?? '-'}, ${probe?.latencyMs ?? '-'} ms)`,
        ...failing.map((c) => `component "${c.name}" ${c.state}: ${c.message}`),
      ],
      did: [
        `probed ${result.probed} target(s): ${result.healthy} healthy, unhealthy: ${result.unhealthy.join(', ') || 'none'}`,
        `published metrics (EMF): ${metricNames.join(', ')}${healthy ? ` — TargetHealthy=${String(healthy.value)}` : ''}`,
      ],
      wouldCall: wouldCalls(captured),
      verified: [
        { check: 'the failing component was named', ok: failing.length > 0 && !probe?.healthy },
        { check: 'TargetHealthy=0 published for the alarm', ok: healthy?.value === 0 },
      ],
      noNotificationBecause:
        'none by design: the alarm ops-sentinel-local-health-local-app on TargetHealthy notifies (next: healthAlarm)',
    };
  },
};
