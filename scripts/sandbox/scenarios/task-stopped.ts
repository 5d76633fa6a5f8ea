/**
 * taskStopped gets two ECS "Task State Change" events of the web service: an OOM kill opens an
 * incident (one message), a second failed stop minutes later is grouped into it (no message).
 * Incident state is in memory (no DynamoDB table locally); its only other write is sns:Publish.
 */
import path from 'node:path';
import type { StopOutcome } from '../../../functions/task-stopped/core';
import { invoke, loadHandler, wouldCalls, type Captured } from '../invoke';
import { HANDLER_VIA, LOCAL_SERVICES, sampleEvent } from './events';
import { emulatorTable } from './tables';
import type { Scenario } from './types';

const EVENTS = ['task-stopped/out-of-memory.json', 'task-stopped/elb-health-check.json'];

export const taskStopped: Scenario = {
  fn: 'taskStopped',
  title: 'web tasks stopping: classify, open one incident, group the next failure',
  async run(ctx) {
    // Incidents in DynamoDB when a full emulator serves it, else in memory (as `invoke local`).
    const table = ctx.fullEmulator
      ? await emulatorTable(ctx, 'ops-sentinel-local-task-stopped-incidents', { hash: 'pk' })
      : '';
    const env = {
      SERVICES: LOCAL_SERVICES,
      NOTIFY_ROUTINE: 'false',
      ESCALATE_AFTER: '3',
      RECOVERY_QUIET_MINUTES: '15',
      STATE_TABLE_NAME: table,
      DRY_RUN: 'false',
    };
    const handler = await loadHandler(path.join(ctx.root, 'functions/task-stopped/handler.ts'), env);
    const outcomes: StopOutcome[] = [];
    const logs: Captured[] = [];
    for (const file of EVENTS) {
      const { result, captured } = await invoke<StopOutcome>(
        handler,
        'taskStopped',
        sampleEvent(ctx.root, file),
        env,
      );
      outcomes.push(result);
      logs.push(captured);
      ctx.progress(`${file}: ${result.category} → ${result.action}`);
    }
    const [first, second] = outcomes;
    return {
      via: HANDLER_VIA,
      input: [
        ...EVENTS.map((f) => `events/${f} (ECS Task State Change, service web)`),
        table
          ? `STATE_TABLE_NAME=${table} (DynamoDB on ${ctx.fullEmulator})`
          : 'STATE_TABLE_NAME unset: incidents kept in memory (no DynamoDB emulator; set AWS_ENDPOINT_URL for one)',
      ],
      decided: outcomes.map(
        (o) => `${o.category}${o.routine ? ' (routine)' : ''} → ${o.action}: ${o.reason}`,
      ),
      did: outcomes.map(
        (o, i) =>
          `event ${i + 1}: ${o.sent.length ? o.sent.map((s) => `sent ${s.kind} "${s.subject}" via ${s.channel}`).join('; ') : 'no message'}${o.incidentCount ? ` (incident count ${o.incidentCount})` : ''}`,
      ),
      wouldCall: logs.flatMap(wouldCalls),
      verified: [
        { check: 'the OOM kill opened an incident and notified', ok: first?.action === 'notified-first' },
        { check: 'the second failure was grouped into it', ok: second?.action === 'grouped' },
      ],
    };
  },
};
