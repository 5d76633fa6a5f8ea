/** Event throughput of the pure cores, measured in-process (no I/O). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { classifyStop } from '../shared/ecs/classify-stop';
import type { StoppedTaskFacts } from '../shared/ecs/stop-types';
import { formatChatbot, formatEmail } from '../shared/notify/format';
import { parseEvent } from '../functions/task-stopped/schema';
import { stopMessage, taskContext } from '../functions/task-stopped/messages';
import { decide } from '../functions/deployment-guard/decide';
import { DEFAULT_POLICY } from '../functions/deployment-guard/types';
import { snapshotAt, TIMELINES, TIMELINE_START, triggerAt } from '../fixtures/deployment-guard/timelines';
import { round, opsPerSecond } from './stats';

const EVENTS = path.resolve(__dirname, '..', 'events', 'task-stopped');

export function measureThroughput(ms: number) {
  const events = readdirSync(EVENTS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => parseEvent(JSON.parse(readFileSync(path.join(EVENTS, f), 'utf8'))))
    .flatMap((e) => (e.kind === 'task-stopped' ? [e.event] : []));
  let i = 0;
  const classifyAndFormat = () => {
    const event = events[i++ % events.length]!;
    const detail = event.detail;
    const classification = classifyStop(detail as StoppedTaskFacts);
    const message = stopMessage(taskContext(detail, event.region, 'us-east-1'), classification, 'bench');
    formatChatbot(message, 'bench');
    formatEmail(message, 'bench');
  };

  const moments = TIMELINES.flatMap((t) =>
    t.steps.map((step) => ({
      snapshot: snapshotAt(t, step.at),
      trigger: triggerAt(t, step, step.at),
      now: new Date(TIMELINE_START.getTime() + step.at * 60_000),
    })),
  );
  let j = 0;
  const decideOne = () => {
    const m = moments[j++ % moments.length]!;
    decide(m.snapshot, m.trigger, DEFAULT_POLICY, m.now);
  };
  return [
    {
      core: 'taskStopped: classify + build message + format (email and chat)',
      'events/s': Math.round(opsPerSecond(classifyAndFormat, ms)),
      'µs/event': round(1e6 / opsPerSecond(classifyAndFormat, ms / 2), 1),
      inputs: `${events.length} sample events`,
    },
    {
      core: 'deploymentGuard: decide (service snapshot + trigger → verdict)',
      'events/s': Math.round(opsPerSecond(decideOne, ms)),
      'µs/event': round(1e6 / opsPerSecond(decideOne, ms / 2), 1),
      inputs: `${moments.length} timeline moments`,
    },
  ];
}
