/**
 * deploymentGuard on a recorded cluster state (events/deployment-guard/state/web-bad-image.json:
 * web:43 cannot pull its image, 4 failed tasks, circuit breaker not yet tripped). ECS and
 * CloudFormation have no local emulator: reads come from the recording, DRY_RUN lists the
 * rollback calls it would make, and the notification goes through SNS.
 */
import path from 'node:path';
import type { GuardResult } from '../../../functions/deployment-guard/core';
import { invoke, loadHandler, wouldCalls } from '../invoke';
import { HANDLER_VIA, sampleEvent } from './events';
import type { Scenario } from './types';

const STATE = 'events/deployment-guard/state/web-bad-image.json';

export const deploymentGuard: Scenario = {
  fn: 'deploymentGuard',
  title: 'stuck ECS deployment (bad image) → rollback, planned in dry run',
  async run(ctx) {
    const env = {
      SERVICES: JSON.stringify([
        { name: 'web', deployment: { mode: 'rollback' } },
        { name: 'worker', deployment: { mode: 'notify' } },
      ]),
      APP_STACK_PREFIX: 'django-app',
      DEPLOYMENT_GUARD_OFFLINE_STATE: path.join(ctx.root, STATE),
      DRY_RUN: 'true',
    };
    const handler = await loadHandler(path.join(ctx.root, 'functions/deployment-guard/handler.ts'), env);
    const { result, captured } = await invoke<GuardResult | { skipped: string }>(
      handler,
      'deploymentGuard',
      sampleEvent(ctx.root, 'deployment-guard/scheduled-sweep.json'),
      env,
    );
    if ('skipped' in result) throw new Error(`deploymentGuard skipped the event: ${result.skipped}`);
    const web = result.services.find((s) => s.service === 'web');
    return {
      via: `${HANDLER_VIA}; ECS/CloudFormation reads from the recorded state (offline adapters)`,
      input: [
        'events/deployment-guard/scheduled-sweep.json (EventBridge schedule)',
        `DEPLOYMENT_GUARD_OFFLINE_STATE=${STATE}`,
        'SERVICES: web mode rollback, worker mode notify; DRY_RUN=true',
      ],
      decided: result.services.map((s) => `${s.service}: ${s.verdict} — ${s.summary}`),
      did: result.services.flatMap((s) => [
        `${s.service}: action ${s.action}${s.result ? `, ${s.result}` : ''}`,
        ...s.notes.map((n) => `${s.service}: ${n}`),
      ]),
      wouldCall: [...result.services.flatMap((s) => s.calls), ...wouldCalls(captured)],
      verified: [
        { check: 'the stuck web deployment was detected', ok: web?.verdict === 'stuck' },
        { check: 'no mutating call was made (dry run)', ok: web?.action === 'dry-run' },
      ],
    };
  },
};
