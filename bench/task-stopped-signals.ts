/**
 * taskStopped signal figures: replayed ECS timelines (fixtures/task-stopped/timelines.ts) run
 * through the production core, counting what a person receives. Deterministic: one run is enough.
 */
import { crashLoopMessages, replay, TIMELINES } from '../fixtures/task-stopped/timelines';

export async function measureTaskStoppedSignals() {
  const rows: Array<Record<string, string | number>> = [];
  for (const t of TIMELINES) {
    const r = await replay(t);
    const ok =
      r.messages.length <= t.expect.maxMessages &&
      crashLoopMessages(r) === t.expect.crashLoopMessages &&
      r.tasksStoppedMetric === r.distinctStoppedTasks;
    rows.push({
      timeline: t.name,
      'span (min)': Math.max(...t.steps.map((s) => s.at)),
      'stopped tasks': r.distinctStoppedTasks,
      messages: r.messages.length,
      'allowed (≤)': t.expect.maxMessages,
      'crash-loop (critical)': crashLoopMessages(r),
      sent:
        r.messages
          .map((m) => `${m.minute}′ ${m.eventType.replace(/^TaskStopped/, '') || 'first'}`)
          .join(', ') || '-',
      'TasksStopped points': r.tasksStoppedMetric,
      correct: ok ? 'yes' : 'NO',
    });
  }
  return rows;
}
