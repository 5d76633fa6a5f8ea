/**
 * Replays stuck-deployment timelines through the guard's decision core and compares when it acts
 * with when the ECS circuit breaker would trip (documented threshold: half the desired count,
 * clamped to [3, 200] failed tasks) and with CloudFormation's three-hour wait.
 */
import {
  circuitBreakerThreshold,
  circuitBreakerTripMinute,
  CLOUDFORMATION_WAIT_MINUTES,
  replayTimelineDetailed,
  TIMELINES,
} from '../functions/deployment-guard/timelines';

export function measureTimeToAct() {
  return TIMELINES.map((t) => {
    const guard = replayTimelineDetailed(t);
    const breaker = circuitBreakerTripMinute(t);
    return {
      timeline: t.name,
      'should act': t.shouldAct ? 'yes' : 'no',
      'guard acts at (min)': guard.actAtMinute ?? 'never',
      'guard trigger': guard.trigger ?? '-',
      [`circuit breaker (min)`]:
        breaker ?? `never (needs ${circuitBreakerThreshold(t.desiredCount)} failed tasks)`,
      'CloudFormation (min)': t.shouldAct ? CLOUDFORMATION_WAIT_MINUTES : '-',
      'vs CloudFormation':
        t.shouldAct && guard.actAtMinute
          ? `${Math.round(CLOUDFORMATION_WAIT_MINUTES / guard.actAtMinute)}x sooner`
          : '-',
      correct: (guard.actAtMinute !== null) === t.shouldAct ? 'yes' : 'NO',
    };
  });
}
