import { decide } from '../../../functions/deployment-guard/core';
import {
  BAD_IMAGE,
  CRASH_LOOP,
  FAILING_HEALTH_CHECKS,
  PLACEMENT_FAILURE,
  SLOW_BUT_HEALTHY,
  TIMELINES,
  circuitBreakerThreshold,
  circuitBreakerTripMinute,
  replayTimeline,
  replayTimelineDetailed,
  snapshotAt,
  triggerAt,
} from '../../../fixtures/deployment-guard/timelines';
import {
  DEFAULT_POLICY,
  type DeploymentView,
  type ServiceSnapshot,
} from '../../../functions/deployment-guard/types';
import { OLD_TD, deployment, minutes, previous, sweep } from '../../helpers/deployment-guard/fakes';

const service = (deployments: DeploymentView[], events: ServiceSnapshot['events'] = []): ServiceSnapshot => ({
  cluster: 'django-app',
  service: 'web',
  deployments,
  events,
});

describe('decide over stuck-deployment timelines (default policy, controlled clock)', () => {
  it('bad image: without actOnFirst, judged stuck on the third consecutive failed task, with the pull error as first failure', () => {
    const result = replayTimelineDetailed(BAD_IMAGE);

    expect(result).toMatchObject({
      actAtMinute: 5.1,
      reason: 'consecutive-failed-tasks',
      trigger: 'task-stopped',
    });
    if (result.decision?.verdict !== 'stuck') throw new Error('expected stuck');
    expect(result.decision.evidence).toMatchObject({
      failedTasks: 3,
      runningCount: 0,
      previousTaskDefinition: OLD_TD,
    });
    expect(result.decision.evidence.firstFailure?.detail).toContain('CannotPullContainerError');
  });

  it('bad image: with a higher failure limit, SERVICE_TASK_START_IMPAIRED alone is enough', () => {
    expect(
      replayTimelineDetailed(BAD_IMAGE, { ...DEFAULT_POLICY, maxConsecutiveFailedTasks: 50 }),
    ).toMatchObject({
      actAtMinute: 5.5,
      reason: 'start-impaired',
    });
  });

  it('bad image: when start-impaired is not enough, the guard waits for the failure count', () => {
    const policy = { ...DEFAULT_POLICY, maxConsecutiveFailedTasks: 5, startImpairedIsStuck: false };
    expect(replayTimelineDetailed(BAD_IMAGE, policy)).toMatchObject({
      actAtMinute: 16.1,
      reason: 'consecutive-failed-tasks',
    });
  });

  it('failing ELB health checks after start: stuck when the third task is killed, citing the unhealthy target', () => {
    const result = replayTimelineDetailed(FAILING_HEALTH_CHECKS);

    expect(result).toMatchObject({ actAtMinute: 3.6, reason: 'consecutive-failed-tasks' });
    if (result.decision?.verdict !== 'stuck') throw new Error('expected stuck');
    expect(result.decision.evidence.signals.map((s) => s.kind)).toEqual(['unhealthy', 'task-failed']);
    expect(result.decision.evidence.firstFailure?.detail).toContain('is unhealthy in (target-group');
  });

  it('placement failure: waits while capacity may still arrive, stuck after 10 minutes without progress', () => {
    const at = (m: number) => decide(snapshotAt(PLACEMENT_FAILURE, m), sweep(m), DEFAULT_POLICY, minutes(m));

    expect(at(9.9)).toMatchObject({ verdict: 'wait', reason: 'within-limits' });
    expect(at(10)).toMatchObject({ verdict: 'stuck', reason: 'placement-failure' });
    expect(replayTimeline(PLACEMENT_FAILURE)).toBe(10);
  });

  it('slow but healthy: never rolled back, even past the maximum duration', () => {
    const at35 = decide(snapshotAt(SLOW_BUT_HEALTHY, 35), sweep(35), DEFAULT_POLICY, minutes(35));

    expect(at35).toMatchObject({ verdict: 'wait', reason: 'slow-but-progressing' });
    expect(replayTimeline(SLOW_BUT_HEALTHY)).toBeNull();
  });

  it('crash loop that keeps resetting failedTasks: caught by the maximum duration, not the failure count', () => {
    expect(replayTimelineDetailed(CRASH_LOOP)).toMatchObject({ actAtMinute: 31.5, reason: 'max-duration' });
    expect(circuitBreakerTripMinute(CRASH_LOOP)).toBeNull();
  });

  it('every timeline is acted on exactly when a person would want it: rolled back, reported, or left alone', () => {
    for (const timeline of TIMELINES) {
      const replay = replayTimelineDetailed(timeline);
      const want = timeline.reportOnly ? 'report' : timeline.shouldAct ? 'rollback' : 'nothing';
      expect([timeline.name, replay.action ?? 'nothing']).toEqual([timeline.name, want]);
    }
  });

  it('replays an event at the time it happened, against the state at that time', () => {
    const step = BAD_IMAGE.steps.find((s) => s.at === 1.2)!;
    expect(triggerAt(BAD_IMAGE, step, 1.2)).toMatchObject({
      kind: 'task-stopped',
      deploymentId: 'ecs-svc/4925818389744553701',
    });
    expect(snapshotAt(BAD_IMAGE, 1.2).deployments[0]).toMatchObject({
      failedTasks: 1,
      updatedAt: minutes(1.2),
    });
  });
});

describe('circuit breaker reference', () => {
  it('trips at half the desired count, clamped to [3, 200]', () => {
    expect([1, 4, 10, 11, 1000].map(circuitBreakerThreshold)).toEqual([3, 3, 5, 6, 200]);
  });

  it('placement failures never trip it (no task is ever created)', () => {
    expect(circuitBreakerTripMinute(PLACEMENT_FAILURE)).toBeNull();
    expect(circuitBreakerTripMinute(BAD_IMAGE)).toBe(5.1);
  });
});

describe('decide: never acts where acting would be wrong', () => {
  const failing = deployment({ failedTasks: 8, updatedAt: minutes(5) });

  it('does not act while the circuit breaker rolls the deployment back (ROLLBACK_IN_PROGRESS)', () => {
    const failed = {
      ...failing,
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
    };
    const snapshot = {
      ...service([failed, previous]),
      serviceDeployments: [{ arn: 'arn:sd/2', status: 'ROLLBACK_IN_PROGRESS' }],
    };
    expect(decide(snapshot, sweep(10), DEFAULT_POLICY, minutes(10))).toMatchObject({
      verdict: 'wait',
      reason: 'rollback-in-progress',
    });
  });

  // The breaker with rollback off (CDK's default) marks the deployment FAILED and "stops launching
  // new tasks"; only rollback: true returns to the last completed deployment.
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html
  // https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ecs.DeploymentCircuitBreaker.html
  it('judges a FAILED deployment with no rollback stuck once the breaker had a minute to start one', () => {
    const failed = {
      ...failing,
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
    };
    const early = decide(service([failed, previous]), sweep(5.5), DEFAULT_POLICY, minutes(5.5));
    const later = decide(service([failed, previous]), sweep(10), DEFAULT_POLICY, minutes(10));

    expect(early).toMatchObject({ verdict: 'wait', reason: 'rollback-in-progress' });
    expect(later).toMatchObject({
      verdict: 'stuck',
      reason: 'breaker-failed-no-rollback',
      evidence: { previousTaskDefinition: OLD_TD },
    });
    expect(later.summary).toContain('no rollback followed');
  });

  it('does not act on the rollback deployment itself, even when it fails too', () => {
    const rollback = deployment({
      id: 'ecs-svc/3',
      taskDefinition: OLD_TD,
      failedTasks: 5,
      createdAt: minutes(9),
      rolloutStateReason: 'ECS deployment circuit breaker: rolling back to deployment ecs-svc/1.',
    });
    const stuckOne = { ...failing, status: 'ACTIVE', rolloutState: 'FAILED' };
    expect(
      decide(service([rollback, stuckOne, previous]), sweep(12), DEFAULT_POLICY, minutes(12)),
    ).toMatchObject({
      verdict: 'wait',
      reason: 'deployment-is-rollback',
    });
  });

  it('recognises a rollback (or forced redeploy) by its task definition when ECS gives no reason', () => {
    const rollback = deployment({ id: 'ecs-svc/3', taskDefinition: OLD_TD, createdAt: minutes(9) });

    const quiet = decide(service([rollback, previous]), sweep(12), DEFAULT_POLICY, minutes(12));
    const failing = decide(
      service([{ ...rollback, failedTasks: 5 }, previous]),
      sweep(12),
      DEFAULT_POLICY,
      minutes(12),
    );

    expect(quiet).toMatchObject({ verdict: 'wait', reason: 'deployment-is-rollback' });
    // Stuck is still reported (a failing rollback matters to the on-call), marked as not rollbackable.
    expect(failing).toMatchObject({ verdict: 'stuck', evidence: { sameRevisionAs: 'ecs-svc/1' } });
  });

  it('does not act when a service deployment is already rolling back', () => {
    const snapshot = {
      ...service([failing, previous]),
      serviceDeployments: [{ arn: 'sd', status: 'ROLLBACK_IN_PROGRESS' }],
    };
    expect(decide(snapshot, sweep(10), DEFAULT_POLICY, minutes(10)).reason).toBe('rollback-in-progress');
  });

  it('does not act on a completed deployment, whatever its failure count', () => {
    const done = { ...failing, rolloutState: 'COMPLETED', runningCount: 4 };
    expect(decide(service([done]), sweep(10), DEFAULT_POLICY, minutes(10))).toMatchObject({
      verdict: 'healthy',
      reason: 'deployment-completed',
    });
  });

  it('ignores failures that happened before the deployment started', () => {
    const quiet = deployment({ createdAt: minutes(5), updatedAt: minutes(5) });
    const old = [
      { at: minutes(1), message: '(service web) is unable to consistently start tasks successfully.' },
    ];
    expect(decide(service([quiet, previous], old), sweep(6), DEFAULT_POLICY, minutes(6)).verdict).toBe(
      'wait',
    );
  });

  it('ignores a stopped task of an older deployment', () => {
    const trigger = {
      kind: 'task-stopped' as const,
      at: minutes(2),
      service: 'web',
      deploymentId: 'ecs-svc/1',
      stopCode: 'EssentialContainerExited',
    };
    const result = decide(service([deployment({}), previous]), trigger, DEFAULT_POLICY, minutes(2));
    expect(result).toMatchObject({ verdict: 'wait' });
    expect(result.verdict === 'wait' && result.evidence?.signals).toEqual([]);
  });

  it('has no rollback target when the only other deployment never completed', () => {
    const unfinished = { ...previous, rolloutState: 'IN_PROGRESS' };
    const result = decide(service([failing, unfinished]), sweep(10), DEFAULT_POLICY, minutes(10));
    expect(result.verdict === 'stuck' && result.evidence.previousTaskDefinition).toBeUndefined();
  });
});
