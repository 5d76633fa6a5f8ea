/**
 * healthAlarm gets the CloudWatch alarm that deepHealthcheck's metric raises
 * (events/health-alarm/eb-deep-health-alarm.json), probes the same app again for the message and
 * notifies. Its only write is sns:Publish, which goes to the emulator, so DRY_RUN is off.
 */
import path from 'node:path';
import type { AlarmOutcome } from '../../../functions/health-alarm/core';
import { invoke, loadHandler, wouldCalls } from '../invoke';
import { HANDLER_VIA, healthTargets, LOCAL_SERVICES, sampleEvent } from './events';
import type { Scenario } from './types';

export const healthAlarm: Scenario = {
  fn: 'healthAlarm',
  title: 'deep-health alarm → incident message enriched with a live probe',
  async run(ctx) {
    const env = {
      SERVICES: LOCAL_SERVICES,
      HEALTH_TARGETS: healthTargets(ctx.health.url),
      INSUFFICIENT_DATA: 'skip',
      ENRICHMENT_TIMEOUT_MS: '3000',
      DRY_RUN: 'false',
    };
    const handler = await loadHandler(path.join(ctx.root, 'functions/health-alarm/handler.ts'), env);
    const { result, captured } = await invoke<{ outcomes: AlarmOutcome[] }>(
      handler,
      'healthAlarm',
      sampleEvent(ctx.root, 'health-alarm/eb-deep-health-alarm.json'),
      env,
    );
    const outcome = result.outcomes[0];
    return {
      via: HANDLER_VIA,
      input: [
        'events/health-alarm/eb-deep-health-alarm.json (ops-sentinel-local-health-local-app OK → ALARM)',
        'DRY_RUN=false: its only write is sns:Publish, to the local topic',
      ],
      decided: result.outcomes.map(
        (o) => `${o.alarmName} (${o.kind}, ${o.state}) → ${o.action}${o.reason ? `: ${o.reason}` : ''}`,
      ),
      did: [
        ...Object.entries(outcome?.enrichment ?? {}).map(([step, state]) => `enrichment ${step}: ${state}`),
        ...(outcome?.notified ? [`sent "${outcome.notified.subject}" via ${outcome.notified.channel}`] : []),
      ],
      wouldCall: wouldCalls(captured),
      verified: [
        { check: 'an incident notification was sent', ok: outcome?.action === 'incident' },
        { check: 'the live probe of the app succeeded', ok: outcome?.enrichment?.probe === 'ok' },
      ],
    };
  },
};
