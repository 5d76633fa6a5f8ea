import { memoryIncidentStore } from '../../../functions/task-stopped/adapters/memory-incident-store';
import type { TaskStoppedDeps, TaskStoppedSettings } from '../../../functions/task-stopped/ports';
import type { StopCategory } from '../../../shared/ecs/stop-types';
import type { Notification } from '../../../shared/notify';

export const T0 = Date.parse('2026-11-20T10:00:00Z');

/** Deps with in-memory fakes and a clock the test moves. */
export function fakeDeps() {
  const clock = { now: T0 };
  const notifications: Notification[] = [];
  const metrics: Array<{ metric: string; service: string; category?: StopCategory }> = [];
  const store = memoryIncidentStore();
  /** Backoff waits asked for between conflicting writes (resolved at once). */
  const waits: number[] = [];
  const deps: TaskStoppedDeps = {
    store,
    now: () => clock.now,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    notifier: {
      async notify(n) {
        notifications.push(n);
        return { channel: 'console', subject: n.title };
      },
    },
    metrics: {
      taskStopped: (service, category) => metrics.push({ metric: 'TasksStopped', service, category }),
      notification: (service, sent) => metrics.push({ metric: sent ? 'Sent' : 'Suppressed', service }),
    },
  };
  return {
    deps,
    store,
    clock,
    notifications,
    metrics,
    waits,
    advance: (minutes: number) => {
      clock.now += minutes * 60_000;
    },
  };
}

export const settings = (overrides: Partial<TaskStoppedSettings> = {}): TaskStoppedSettings => ({
  stage: 'prod',
  region: 'us-east-1',
  services: ['web', 'worker'],
  notifyRoutine: false,
  escalateAfter: 3,
  quietMs: 15 * 60_000,
  ...overrides,
});
