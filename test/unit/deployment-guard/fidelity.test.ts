/**
 * deploymentGuard against what ECS and CloudFormation really do: each test models an
 * AWS behaviour, cited beside it, that the guard used to get wrong.
 */
import { decide, runGuard } from '../../../functions/deployment-guard/core';
import { buildNotification } from '../../../functions/deployment-guard/messages';
import {
  BAD_IMAGE,
  BREAKER_NO_ROLLBACK,
  CAPACITY_START_IMPAIRED,
  ROLLBACK_POLICY,
  circuitBreakerTripMinute,
  replayTimelineDetailed,
  simulateGuard,
  snapshotAt,
  type Timeline,
} from '../../../fixtures/deployment-guard/timelines';
import {
  DEFAULT_POLICY,
  resolvePolicy,
  type DeploymentView,
  type ServiceSnapshot,
  type Trigger,
} from '../../../functions/deployment-guard/types';
import { PermanentError } from '../../../shared/errors';
import { Metric } from '../../../shared/metric-names';
import {
  CFN_ROLE,
  MUTATING,
  OLD_TD,
  SD_ARN,
  SERVICE_ARN,
  deployment,
  fakeEcs,
  fakeStacks,
  guardConfig,
  harness,
  minutes,
  previous,
  sweep,
} from '../../helpers/deployment-guard/fakes';

const service = (
  deployments: DeploymentView[],
  events: ServiceSnapshot['events'] = [],
  extra: Partial<ServiceSnapshot> = {},
): ServiceSnapshot => ({
  cluster: 'django-app',
  service: 'web',
  serviceArn: SERVICE_ARN,
  deployments,
  events,
  ...extra,
});
const stopped = (minute: number, stopCode: string, stoppedReason: string, exitCode?: number): Trigger => ({
  kind: 'task-stopped',
  at: minutes(minute),
  service: 'web',
  deploymentId: 'ecs-svc/2',
  stopCode,
  stoppedReason,
  containers: exitCode === undefined ? [] : [{ name: 'web', exitCode }],
});

/** Minutes between successive failures of a timeline (task stops, or placement failures). */
function failureGaps(timeline: Timeline): number[] {
  const times = timeline.steps
    .filter((s) => s.trigger?.kind === 'task-stopped' || s.serviceEvent?.includes('unable to place'))
    .map((s) => s.at);
  return times.slice(1).map((t, i) => Math.round((t - times[i]!) * 10) / 10);
}

describe('circuit breaker with rollback off (CDK default)', () => {
  // "If it is turned on, a service deployment will transition to a failed state and stop launching
  // new tasks"; rolling back is a separate option, off by default in CDK.
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html
  // https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ecs.DeploymentCircuitBreaker.html
  it('replayed: FAILED with no rollback deployment is stuck, and the guard rolls back exactly once', async () => {
    const replay = replayTimelineDetailed(BREAKER_NO_ROLLBACK, ROLLBACK_POLICY);
    const run = await simulateGuard(BREAKER_NO_ROLLBACK);

    expect(replay).toMatchObject({
      actAtMinute: 5,
      reason: 'breaker-failed-no-rollback',
      action: 'rollback',
    });
    // The FAILED service deployment is over: StopServiceDeployment no longer applies, UpdateService does.
    expect(run.rollbacks).toEqual([{ minute: 5, call: `UpdateService web ${OLD_TD}` }]);
    expect(run.notifications).toEqual([{ minute: 5, title: 'web: stuck deployment rolled back' }]);
  });

  it('event: SERVICE_DEPLOYMENT_FAILED, then the sweep rolls back to the previous revision and says why', async () => {
    const failed = deployment({
      failedTasks: 3,
      runningCount: 1,
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      updatedAt: minutes(3.6),
    });
    const ecs = fakeEcs([[service([failed, previous])]], { serviceDeployments: [] });
    const h = harness(ecs, { startMinute: 3.7 });
    const event: Trigger = {
      kind: 'deployment-state',
      at: minutes(3.7),
      service: 'web',
      eventName: 'SERVICE_DEPLOYMENT_FAILED',
      reason: 'ECS deployment circuit breaker: tasks failed to start.',
    };

    const onEvent = await runGuard(event, h.deps, guardConfig());
    h.time.set(5);
    const onSweep = await runGuard(sweep(5), h.deps, guardConfig());

    expect(onEvent.services[0]).toMatchObject({ verdict: 'wait', reason: 'rollback-in-progress' });
    expect(onSweep.services[0]).toMatchObject({ reason: 'breaker-failed-no-rollback', result: 'requested' });
    expect(ecs.calls.filter((c) => MUTATING.test(c))).toEqual([
      `UpdateService web ${OLD_TD}`,
      `TagResource ${SERVICE_ARN} ecs-svc/2 rolled-back web:42`,
    ]);
    expect(h.notifications[0]!.summary).toContain('no rollback followed');
    expect(h.notifications[0]!.nextSteps!.join(' ')).toContain('rollback: true');
  });
});

describe('SERVICE_TASK_START_IMPAIRED is not proof the revision is bad', () => {
  // ECS emits it when it cannot start tasks, lack of capacity (CPU, memory, ENIs, IPs) included.
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_events.html
  const NO_ENI =
    "(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 0a1b2c3d) encountered error 'RESOURCE:ENI'.";
  const impaired: Trigger = {
    kind: 'service-action',
    at: minutes(4),
    service: 'web',
    eventName: 'SERVICE_TASK_START_IMPAIRED',
  };

  it('alone, with no failed task of this revision: not stuck, and called capacity', () => {
    const snapshot = service([deployment({}), previous], [{ at: minutes(3.3), message: NO_ENI }]);

    const decision = decide(snapshot, impaired, DEFAULT_POLICY, minutes(4));

    expect(decision).toMatchObject({ verdict: 'wait', reason: 'capacity' });
    expect(decision.summary).toContain('capacity, not the revision');
    expect(decision.summary).toContain('RESOURCE:ENI');
  });

  it('with a failed task of this revision: stuck, and the failure is the evidence', () => {
    const snapshot = service([deployment({ failedTasks: 1 }), previous], [], {
      stoppedTasks: [
        {
          taskArn: 'arn:task/1',
          stoppedAt: minutes(2),
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
          containers: [{ name: 'web', exitCode: 1 }],
        },
      ],
    });

    const decision = decide(snapshot, impaired, DEFAULT_POLICY, minutes(4));

    expect(decision).toMatchObject({ verdict: 'stuck', reason: 'start-impaired' });
    if (decision.verdict !== 'stuck') throw new Error('expected stuck');
    expect(decision.evidence.revisionFault).toContain('a task of this revision failed');
    expect(decision.evidence.capacity).toBeUndefined();
  });

  it("a placement failure is the revision's when the previous revision runs all its tasks on the same capacity", () => {
    const memory =
      '(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 0a1b2c3d) has insufficient memory available.';
    const at = (message: string) =>
      decide(
        service([deployment({}), previous], [{ at: minutes(0.3), message }]),
        sweep(10),
        DEFAULT_POLICY,
        minutes(10),
      );

    expect(at(memory)).toMatchObject({ verdict: 'stuck', evidence: { capacity: undefined } });
    expect(at(NO_ENI)).toMatchObject({ verdict: 'stuck', evidence: { capacity: NO_ENI } });
  });

  it('replayed lack of ENIs with throttled retries: reported once as capacity, never rolled back', async () => {
    // Placement is retried with growing gaps (ECS service throttle logic, up to about 27 min).
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html
    expect(Math.max(...failureGaps(CAPACITY_START_IMPAIRED))).toBe(27);

    const run = await simulateGuard(CAPACITY_START_IMPAIRED);

    expect(run.rollbacks).toEqual([]);
    expect(run.notifications).toEqual([
      { minute: 10, title: 'web: deployment stuck on capacity, not the revision' },
    ]);
  });

  it('the capacity report says what to check and that the guard did not roll back', async () => {
    const ecs = fakeEcs([[snapshotAt(CAPACITY_START_IMPAIRED, 10)]]);
    const h = harness(ecs, { startMinute: 10 });

    await runGuard(sweep(10), h.deps, guardConfig());

    expect(ecs.calls.filter((c) => /^(StopServiceDeployment|UpdateService)/.test(c))).toEqual([]);
    const [n] = h.notifications;
    expect(n!.summary).toContain('Capacity, not the revision: the guard did not roll back.');
    expect(n!.details).toContain('capacity: (service web) was unable to place a task');
    expect(n!.details).not.toMatch(/\.\.(?!\.)/);
    expect(n!.nextSteps![0]).toContain('free IP addresses');
  });
});

describe('notify mode: the notification is the only output', () => {
  it('a failed publish writes no marker, so the retry notifies (the old order lost the message)', async () => {
    const ecs = fakeEcs([[snapshotAt(BAD_IMAGE, 6)]]);
    const h = harness(ecs, { startMinute: 6 });
    const delivered = h.notifications;
    let failNext = true;
    h.deps.notifier = {
      async notify(n) {
        if (failNext) {
          failNext = false;
          throw new PermanentError('sns:Publish failed: KMSAccessDeniedException');
        }
        delivered.push(n);
        return { channel: 'sns', subject: n.title };
      },
    };
    const config = guardConfig({ mode: 'notify' });

    await expect(runGuard(sweep(6), h.deps, config)).rejects.toThrow(/KMSAccessDenied/);
    expect(ecs.calls.filter((c) => c.startsWith('TagResource'))).toEqual([]);
    h.time.set(7);
    await runGuard(sweep(6), h.deps, config); // Lambda's retry, a minute later
    h.time.set(8);
    await runGuard(sweep(8), h.deps, config); // the next sweep

    expect(delivered).toHaveLength(1);
    expect(ecs.calls.filter((c) => c.startsWith('TagResource'))).toEqual([
      `TagResource ${SERVICE_ARN} ecs-svc/4925818389744553701 notified`,
    ]);
    expect(h.metrics.filter(([name]) => name === Metric.DeploymentsStuck)).toHaveLength(1);
  });
});

describe('a sweep racing an event', () => {
  it('four tasks failing together bring four events at once: one invocation acts, once', async () => {
    const ecs = fakeEcs([[snapshotAt(BAD_IMAGE, 6)]]);
    const h = harness(ecs, { startMinute: 6 });
    const event = (n: number): Trigger => ({
      ...(stopped(6, 'TaskFailedToStart', 'CannotPullContainerError: ref web:43: not found') as Extract<
        Trigger,
        { kind: 'task-stopped' }
      >),
      deploymentId: 'ecs-svc/4925818389744553701',
      taskArn: `arn:task/${n}`,
    });

    const results = await Promise.all([
      runGuard(sweep(6), h.deps, guardConfig()),
      ...[1, 2, 3, 4].map((n) => runGuard(event(n), h.deps, guardConfig())),
    ]);

    expect(ecs.calls.filter((c) => c.startsWith('StopServiceDeployment'))).toEqual([
      `StopServiceDeployment ${SD_ARN}`,
    ]);
    expect(h.notifications).toHaveLength(1);
    expect(h.metrics.filter(([name]) => name === Metric.RollbacksIssued)).toHaveLength(1);
    expect(results.flatMap((r) => r.services.map((s) => s.result)).sort()).toEqual([
      'requested',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
  });

  // StopServiceDeployment on a deployment in ROLLBACK_REQUESTED or ROLLBACK_IN_PROGRESS "continues
  // the rollback operation": no error tells the second caller it came second.
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html
  it('a later invocation whose listing and tags lag reads the service deployment state and does not stop it again', async () => {
    const ecs = fakeEcs([[snapshotAt(BAD_IMAGE, 6)]]);
    // ListServiceDeployments and the marker tag still show the state before the first rollback.
    ecs.markHandled = async (arn, value) => {
      ecs.calls.push(`TagResource ${arn} ${value}`);
    };
    const h = harness(ecs, { startMinute: 6 });
    const event: Trigger = {
      kind: 'service-action',
      at: minutes(7.5),
      service: 'web',
      eventName: 'SERVICE_TASK_START_IMPAIRED',
    };

    await runGuard(sweep(6), h.deps, guardConfig());
    h.time.set(7.5);
    const second = await runGuard(event, h.deps, guardConfig());

    expect(ecs.calls.filter((c) => c.startsWith('StopServiceDeployment'))).toEqual([
      `StopServiceDeployment ${SD_ARN}`,
    ]);
    expect(h.notifications).toHaveLength(1);
    expect(h.metrics.filter(([name]) => name === Metric.RollbacksIssued)).toHaveLength(1);
    expect(second.services[0]).toMatchObject({ action: 'none', result: 'skipped' });
    expect(second.services[0]!.notes.join(' ')).toContain('already ROLLBACK_REQUESTED');
  });
});

describe('stopped tasks as evidence', () => {
  it('a failed read is said in the notification, not silently empty evidence', async () => {
    const ecs = fakeEcs([[snapshotAt(BAD_IMAGE, 6)]], {
      stoppedTasksError: new PermanentError(
        'ecs:ListTasks/DescribeTasks django-app/web failed: InvalidParameterException: startedBy must be the only filter',
      ),
    });
    const h = harness(ecs, { startMinute: 6 });

    await runGuard(sweep(6), h.deps, guardConfig());

    expect(h.notifications[0]!.details).toContain(
      'the stopped tasks of this deployment could not be read (ecs:ListTasks/DescribeTasks django-app/web failed: InvalidParameterException',
    );
    expect(h.notifications[0]!.details).toContain('the evidence below is incomplete');
  });
});

describe('CloudFormation interplay', () => {
  const ROOT_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/django-app-prod/5e6f';
  const NESTED = 'django-app-prod-WebNestedStack-1ABCDEF';
  const nested = {
    stackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${NESTED}/7a8b`,
    status: 'UPDATE_IN_PROGRESS',
    rootId: ROOT_ID,
    roleArn: CFN_ROLE,
  };
  const withStack = (name: string) => ({ 'aws:cloudformation:stack-name': name });

  // The tag names the service's own stack; DescribeStacks gives a nested stack's RootId.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html
  it('nested (CDK) stack: cancels the root stack update, not the nested one', async () => {
    const stacks = fakeStacks({
      [NESTED]: nested,
      'django-app-prod': { stackId: ROOT_ID, status: 'UPDATE_IN_PROGRESS', roleArn: CFN_ROLE },
    });
    const h = harness(fakeEcs([[snapshotAt(BAD_IMAGE, 6)]], { tags: withStack(NESTED) }), {
      startMinute: 6,
      stacks,
    });

    await runGuard(sweep(6), h.deps, guardConfig({ cancelStackUpdate: true }));

    expect(stacks.calls).toEqual([
      `DescribeStacks ${NESTED}`,
      `DescribeStacks ${ROOT_ID}`,
      'CancelUpdateStack django-app-prod',
    ]);
    expect(h.notifications[0]!.details).toContain(`stack ${NESTED} is nested in django-app-prod`);
  });

  // Without a service role CloudFormation runs stack operations with a session from the caller.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html
  it('stack without a service role: not cancelled, and the message says why', async () => {
    const stacks = fakeStacks({ 'django-app-prod': { status: 'UPDATE_IN_PROGRESS' } });
    const h = harness(fakeEcs([[snapshotAt(BAD_IMAGE, 6)]], { tags: withStack('django-app-prod') }), {
      startMinute: 6,
      stacks,
    });

    await runGuard(sweep(6), h.deps, guardConfig({ cancelStackUpdate: true }));

    expect(stacks.calls).toEqual(['DescribeStacks django-app-prod']);
    expect(h.notifications[0]!.details).toContain('stack django-app-prod has no service role');
    expect(h.notifications[0]!.details).toContain('drift: the guard rolled back outside CloudFormation');
  });

  it('cancelStackUpdate off: the rollback outside CloudFormation leaves drift, and the message says so', async () => {
    const h = harness(fakeEcs([[snapshotAt(BAD_IMAGE, 6)]], { tags: withStack('django-app-prod') }), {
      startMinute: 6,
    });

    await runGuard(sweep(6), h.deps, guardConfig({ cancelStackUpdate: false }));

    expect(h.notifications[0]!.details).toContain(
      'drift: the guard rolled back outside CloudFormation (cancelStackUpdate is off), so stack django-app-prod still declares web:43 while the service returns to web:42',
    );
  });

  it('no drift note when the stack update was cancelled, or the service has no stack', async () => {
    for (const tags of [withStack('django-app-prod'), {}]) {
      const stacks = fakeStacks({ 'django-app-prod': 'UPDATE_IN_PROGRESS' });
      const h = harness(fakeEcs([[snapshotAt(BAD_IMAGE, 6)]], { tags }), { startMinute: 6, stacks });
      await runGuard(sweep(6), h.deps, guardConfig({ cancelStackUpdate: true }));
      expect(h.notifications[0]!.details).not.toContain('drift');
    }
  });
});

describe('deterministic failures: act on the first one', () => {
  const at1 = (trigger: Trigger, policy = ROLLBACK_POLICY) =>
    decide(service([deployment({ failedTasks: 1 }), previous]), trigger, policy, minutes(1.2));

  it.each([
    [
      'missing image tag',
      'TaskFailedToStart',
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:release-43: not found',
    ],
    [
      'missing secret',
      'TaskFailedToStart',
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:123456789012:secret:panelapp/prod/db-AbCdEf from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    ],
    [
      'missing JSON key',
      'TaskFailedToStart',
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key DATABASE_URL',
    ],
    [
      'command not in the image',
      'TaskFailedToStart',
      'CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "gunicorn": executable file not found in $PATH: unknown',
    ],
  ])('%s: stuck on the first failure, saying why it did not wait', (_name, stopCode, reason) => {
    const decision = at1(stopped(1.2, stopCode, reason));

    expect(decision).toMatchObject({ verdict: 'stuck', reason: 'deterministic-failure' });
    expect(decision.summary).toMatch(
      /^the first failure cannot succeed on retry: .+ \(acting on failed task 1 instead of waiting for 3\)$/,
    );
  });

  it('exit code 127 (command not found) is deterministic; a single exit 1 or a pull timeout is not', () => {
    expect(
      at1(stopped(1.2, 'EssentialContainerExited', 'Essential container in task exited', 127)),
    ).toMatchObject({
      reason: 'deterministic-failure',
    });
    expect(
      at1(stopped(1.2, 'EssentialContainerExited', 'Essential container in task exited', 1)).verdict,
    ).toBe('wait');
    expect(
      at1(
        stopped(
          1.2,
          'TaskFailedToStart',
          'CannotPullContainerError: failed to do request: dial tcp 52.0.0.1:443: i/o timeout',
        ),
      ).verdict,
    ).toBe('wait');
  });

  it('an essential container exiting with the same code on every start (two in a row, none ran) is deterministic', () => {
    const snapshot = service([deployment({ failedTasks: 2 }), previous], [], {
      stoppedTasks: [
        {
          taskArn: 'arn:task/1',
          stoppedAt: minutes(1),
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
          containers: [{ name: 'web', exitCode: 3 }],
        },
      ],
    });
    const decision = decide(
      snapshot,
      stopped(1.5, 'EssentialContainerExited', 'Essential container in task exited', 3),
      ROLLBACK_POLICY,
      minutes(1.5),
    );

    expect(decision).toMatchObject({ verdict: 'stuck', reason: 'deterministic-failure' });
    expect(decision.summary).toContain('exits with code 3 on every start');
  });

  it('not once a task of the revision runs, nor when a later stop was an ordinary one', () => {
    const trigger = stopped(1.2, 'TaskFailedToStart', 'CannotPullContainerError: ref web:43: not found');
    const running = decide(
      service([deployment({ failedTasks: 1, runningCount: 2 }), previous]),
      trigger,
      ROLLBACK_POLICY,
      minutes(1.2),
    );
    const later = decide(
      service([deployment({ failedTasks: 1 }), previous], [], {
        stoppedTasks: [
          {
            taskArn: 'arn:task/0',
            stoppedAt: minutes(0.5),
            stopCode: 'TaskFailedToStart',
            stoppedReason: 'CannotPullContainerError: ref web:43: not found',
          },
        ],
      }),
      stopped(1.2, 'EssentialContainerExited', 'Essential container in task exited', 1),
      ROLLBACK_POLICY,
      minutes(1.2),
    );

    expect(running.verdict).toBe('wait');
    expect(later.verdict).toBe('wait');
  });

  it('actOnFirst is on by default in rollback mode only, and can be turned off', () => {
    const trigger = stopped(1.2, 'TaskFailedToStart', 'CannotPullContainerError: ref web:43: not found');
    expect(resolvePolicy({ mode: 'rollback' }).actOnFirst).toBe(true);
    expect(resolvePolicy({ mode: 'notify' }).actOnFirst).toBe(false);
    expect(at1(trigger, resolvePolicy({ mode: 'rollback', actOnFirst: false })).verdict).toBe('wait');
  });

  it('replayed bad image (ECS relaunching with growing gaps): acts at least 3x sooner than the breaker, once', async () => {
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html
    expect(Math.max(...failureGaps(BAD_IMAGE))).toBe(27);
    const guard = replayTimelineDetailed(BAD_IMAGE, ROLLBACK_POLICY);
    const breaker = circuitBreakerTripMinute(BAD_IMAGE)!;

    expect(guard).toMatchObject({ actAtMinute: 1.2, reason: 'deterministic-failure' });
    expect(breaker / guard.actAtMinute!).toBeGreaterThanOrEqual(3);
    const run = await simulateGuard(BAD_IMAGE);
    expect(run.rollbacks).toEqual([{ minute: 1.2, call: `StopServiceDeployment ${SD_ARN}` }]);
    expect(run.notifications).toHaveLength(1);
  });
});

describe('words a person reads', () => {
  it('the timeline lists "judged stuck" before the calls it led to, in time order', async () => {
    const ecs = fakeEcs([[snapshotAt(BAD_IMAGE, 6)]]);
    const h = harness(ecs, { startMinute: 6 });
    const stop = ecs.stopWithRollback;
    ecs.stopWithRollback = async (arn) => {
      h.time.set(6.5); // the call takes a while
      return stop(arn);
    };

    await runGuard(sweep(6), h.deps, guardConfig());

    const lines = h.notifications[0]!.details!.split('\n').filter((l) => /^- \d{4}-/.test(l));
    const timeline = lines.slice(0, lines.findIndex((l) => l.includes('TagResource')) + 1);
    const times = timeline.map((l) => l.slice(2, 22));
    expect(times).toEqual([...times].sort());
    const judged = timeline.findIndex((l) => l.includes('judged stuck'));
    expect(judged).toBeGreaterThan(-1);
    expect(judged).toBeLessThan(timeline.findIndex((l) => l.includes('ecs:StopServiceDeployment')));
    expect(timeline[judged]).toContain('2026-01-05T10:06:00Z judged stuck');
  });

  describe('every kind of message, with missing and odd fields', () => {
    const bare = service([deployment({ id: 'unknown', taskDefinition: 'unknown' })], [], {
      serviceArn: undefined,
      service: 'web (blue)',
    });
    const decision = decide(
      { ...bare, deployments: [{ ...bare.deployments[0]!, failedTasks: 4 }] },
      {
        kind: 'service-action',
        at: minutes(5),
        service: 'web (blue)',
        eventName: 'SERVICE_TASK_START_IMPAIRED',
      },
      DEFAULT_POLICY,
      minutes(5),
    );
    if (decision.verdict !== 'stuck') throw new Error('expected stuck');
    const capacity = {
      ...decision,
      evidence: {
        ...decision.evidence,
        capacity: 'ECS cannot start or place tasks',
        rules: [],
        firstFailure: undefined,
        signals: [],
      },
    };

    it.each([
      ['dry run', decision, { mode: 'dry-run' as const, steps: [], notes: [] }],
      ['notify', decision, { mode: 'notify' as const, steps: [], notes: [] }],
      ['capacity', capacity, { mode: 'notify' as const, steps: [], notes: [] }],
      [
        'rolled back, no previous revision known',
        decision,
        { mode: 'rollback' as const, steps: [], notes: [], outcome: 'requested' as const },
      ],
      [
        'rollback failed',
        decision,
        { mode: 'rollback' as const, steps: [], notes: [], outcome: 'failed' as const },
      ],
    ])('%s', (_name, d, report) => {
      const n = buildNotification({
        snapshot: { ...bare, deployments: [{ ...bare.deployments[0]!, failedTasks: 4 }] },
        decision: d,
        report,
        config: guardConfig(),
        judgedAt: minutes(5),
      });
      const text = [
        n.title,
        n.summary,
        n.details,
        ...(n.nextSteps ?? []),
        ...(n.facts ?? []).map(([k, v]) => `${k} ${v ?? ''}`),
      ].join('\n');
      expect(text).not.toMatch(/undefined|null|NaN|\(\)|\s\.|\.\.(?!\.)|: \./);
      expect(n.title).toMatch(/^web \(blue\): /);
      expect(n.summary).toMatch(/^Deployment unknown of web \(blue\) is stuck: .+\. .+\.$/);
    });
  });
});
