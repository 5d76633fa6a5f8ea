/**
 * Fault injection at every AWS call of queueDrift, taskStopped, healthAlarm and deploymentGuard,
 * through handler.ts: each command the function makes on a working day is, in turn, throttled,
 * denied, timed out, answered 500, reset, or answered with an empty body. Every case ends
 * handled: a retryable fault propagates as a RetryableError (Lambda retries, then the on-failure
 * destination gets the event), a permanent one fails fast naming the cause, or the function
 * carries on and says what it could not read (best-effort enrichment). A failed SNS publish
 * always fails the invocation. The event object is never mutated.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FAULTS, type Fault } from '../../helpers/hardening/faults';
import { lambdaContext } from '../../../local/lambda-context';
import { badTokens, deepCopy, outcomeOf, unchanged } from '../../helpers/hardening/outcome';
import {
  deploymentGuardRig,
  healthAlarmRig,
  queueDriftRig,
  taskStoppedRig,
  type Rig,
  type Stub,
} from '../../helpers/hardening/rigs';
import { withTask, type SampleEvent } from '../../helpers/task-stopped/events';

const event = (folder: string, name: string) =>
  JSON.parse(
    readFileSync(path.resolve(__dirname, '../../../events', folder, `${name}.json`), 'utf8'),
  ) as Record<string, unknown>;

let taskCounter = 0;
interface RigSpec {
  load(): Rig;
  /** Fresh events that, together, make every call the function makes. */
  events(): Array<Record<string, unknown>>;
}

const RIGS: Record<string, RigSpec> = {
  queueDrift: { load: queueDriftRig, events: () => [event('queue-drift', 'scheduled')] },
  taskStopped: {
    load: taskStoppedRig,
    // A new task id each time: a redelivered task would be a (correctly) skipped duplicate.
    events: () => [
      withTask(event('task-stopped', 'essential-exit') as SampleEvent, `hard${++taskCounter}`) as Record<
        string,
        unknown
      >,
      // The incident sweep reads the open incidents.
      { 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-11-24T03:00:00Z' },
    ],
  },
  healthAlarm: {
    load: healthAlarmRig,
    events: () => [
      event('health-alarm', 'eb-alb-unhealthy-alarm'),
      event('health-alarm', 'sns-alb-unhealthy-ok'),
    ],
  },
  deploymentGuard: {
    load: deploymentGuardRig,
    events: () => [
      event('deployment-guard', 'scheduled-sweep'),
      event('deployment-guard', 'deployment-failed'),
      event('deployment-guard', 'task-stopped-image-pull'),
    ],
  },
};

function commandsCalled(
  mocks: Record<string, Stub>,
): Array<{ service: string; command: string; ctor: unknown }> {
  const out = new Map<string, { service: string; command: string; ctor: unknown }>();
  for (const [service, mock] of Object.entries(mocks)) {
    for (const call of mock.calls()) {
      const command = call.args[0] as { constructor: { name: string } };
      out.set(`${service}:${command.constructor.name}`, {
        service,
        command: command.constructor.name,
        ctor: command.constructor,
      });
    }
  }
  return [...out.values()];
}

/** Text of an error and its causes. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    parts.push(`${e.name}: ${e.message} ${(e as { code?: string }).code ?? ''}`);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(' <- ');
}

describe.each(Object.keys(RIGS))('%s', (fn) => {
  const spec = RIGS[fn]!;
  const rig = spec.load();
  const plan: Array<{ event: number; service: string; command: string; ctor: unknown }> = [];

  beforeAll(async () => {
    // A working day first: which calls does each event make?
    const events = spec.events();
    for (const [index, e] of events.entries()) {
      await rig.prime?.();
      rig.happy();
      await rig.handler(e, lambdaContext({ functionName: fn, deadline: Date.now() + 30_000 }));
      for (const c of commandsCalled(rig.mocks)) {
        if (!plan.some((p) => p.service === c.service && p.command === c.command))
          plan.push({ event: index, ...c });
      }
    }
  });

  it('makes AWS calls to inject faults into, SNS Publish among them', () => {
    expect(plan.map((p) => p.command)).toContain('PublishCommand');
    expect(plan.length).toBeGreaterThanOrEqual(2);
  });

  it.each(FAULTS.map((f) => [f.name, f] as const))('every call: %s', async (_name, fault: Fault) => {
    const problems: string[] = [];
    for (const target of plan) {
      await rig.prime?.();
      rig.happy();
      const mock = rig.mocks[target.service]!;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const on = mock.on(target.ctor as any);
      if (fault.error) on.rejects(fault.error());
      else on.resolves({});
      const e = spec.events()[target.event]!;
      const before = deepCopy(e);
      const sentBefore = rig.published().length;
      const logged: string[] = [];
      const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
        jest.spyOn(console, m).mockImplementation((...args: unknown[]) => {
          logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
        }),
      );
      const outcome = await outcomeOf(
        () => rig.handler(e, lambdaContext({ functionName: fn, deadline: Date.now() + 30_000 })),
        () => false,
      );
      spies.forEach((s) => s.mockRestore());
      const where = `${target.service}:${target.command} ${fault.name}`;
      const reached = mock.commandCalls(target.ctor as never).length > 0;
      if (!reached) problems.push(`${where}: the call was not made this time (plan is stale)`);
      if (!unchanged(before, e)) problems.push(`${where}: event mutated`);
      const texts = rig.published().slice(sentBefore);
      for (const t of texts)
        if (badTokens(t, e).length) problems.push(`${where}: notification with ${badTokens(t, e).join(',')}`);

      if (outcome.kind === 'unhandled') problems.push(`${where}: unhandled ${outcome.detail.split('\n')[0]}`);
      else if (outcome.kind === 'error') {
        const error = outcome.error as Error & { retryable: boolean };
        // Context: the message says what failed; the cause chain keeps the original.
        if (fault.mark && !errorText(error).includes(fault.mark))
          problems.push(`${where}: error lost its cause: ${errorText(error)}`);
        if (fault.error && error.retryable !== fault.retryable)
          problems.push(
            `${where}: ${error.name} (retryable ${error.retryable}) for a ${fault.retryable ? 'retryable' : 'permanent'} fault`,
          );
      } else {
        // Carried on: fine for best-effort reads, never for the publish, and never silently.
        if (target.command === 'PublishCommand' && fault.error)
          problems.push(`${where}: a failed publish did not fail the invocation`);
        const visible = [JSON.stringify(outcome.result), ...texts, ...logged].join('\n');
        if (fault.mark && !visible.includes(fault.mark))
          problems.push(`${where}: fault swallowed (not in result, notification or log)`);
      }
    }
    expect(problems).toEqual([]);
  });
});
