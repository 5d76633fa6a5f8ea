/**
 * Replays stuck-deployment timelines through the guard and compares when it acts with when the
 * ECS circuit breaker would trip (documented threshold: half the desired count, clamped to
 * [3, 200] failed tasks) and with CloudFormation's three-hour wait. The guard runs as a team in
 * rollback mode configures it; "messages" and "rollbacks" count what the real guard
 * (`simulateGuard`: re-read, marker, actions, notification) did over the whole story.
 */
import {
  circuitBreakerThreshold,
  circuitBreakerTripMinute,
  CLOUDFORMATION_WAIT_MINUTES,
  replayTimelineDetailed,
  ROLLBACK_POLICY,
  simulateGuard,
  TIMELINES,
} from '../fixtures/deployment-guard/timelines';

export async function measureTimeToAct() {
  const rows = [];
  for (const t of TIMELINES) {
    const guard = replayTimelineDetailed(t, ROLLBACK_POLICY);
    const run = await simulateGuard(t, ROLLBACK_POLICY);
    const breaker = circuitBreakerTripMinute(t);
    const rolledBack = run.rollbacks.length > 0;
    // The breaker with rollback off trips, marks the deployment FAILED and recovers nothing.
    const breakerOnly = t.steps.some((s) => s.primary?.rolloutState === 'FAILED');
    const correct = t.reportOnly
      ? !rolledBack && run.notifications.length === 1
      : rolledBack === t.shouldAct && run.notifications.length === (t.shouldAct ? 1 : 0);
    rows.push({
      timeline: t.name,
      'should act': t.reportOnly ? 'report only' : t.shouldAct ? 'roll back' : 'no',
      'guard acts at (min)': guard.actAtMinute ?? 'never',
      'guard rule': guard.reason ?? '-',
      rollbacks: run.rollbacks.length,
      messages: run.notifications.length,
      [`circuit breaker (min)`]: breakerOnly
        ? `${breaker} (FAILED, rollback off: never recovers)`
        : (breaker ?? `never (needs ${circuitBreakerThreshold(t.desiredCount)} failed tasks)`),
      'vs breaker':
        guard.actAtMinute && breaker && !breakerOnly
          ? `${(breaker / guard.actAtMinute).toFixed(1)}x sooner`
          : '-',
      'CloudFormation (min)': t.shouldAct ? CLOUDFORMATION_WAIT_MINUTES : '-',
      'vs CloudFormation':
        t.shouldAct && guard.actAtMinute
          ? `${Math.round(CLOUDFORMATION_WAIT_MINUTES / guard.actAtMinute)}x sooner`
          : '-',
      correct: correct ? 'yes' : 'NO',
    });
  }
  return rows;
}
