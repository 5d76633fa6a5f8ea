import { runGuard } from '../../../functions/deployment-guard/core';
import { classifyStop } from '../../../shared/ecs/classify-stop';
import { BAD_IMAGE, SLOW_BUT_HEALTHY, snapshotAt } from '../../../fixtures/deployment-guard/timelines';
import type { ServiceSnapshot } from '../../../functions/deployment-guard/types';
import { PermanentError, RetryableError } from '../../../shared/errors';
import { Metric } from '../../../shared/metric-names';
import {
  MUTATING,
  OLD_TD,
  SD_ARN,
  SERVICE_ARN,
  fakeEcs,
  fakeStacks,
  guardConfig,
  harness,
  minutes,
  sweep,
} from '../../helpers/deployment-guard/fakes';

const stuck = () => snapshotAt(BAD_IMAGE, 5.5);

function completed(): ServiceSnapshot {
  const s = stuck();
  s.deployments[0] = { ...s.deployments[0]!, rolloutState: 'COMPLETED', runningCount: 4, failedTasks: 0 };
  return s;
}

describe('runGuard in rollback mode', () => {
  it('re-reads, stops the stuck deployment with ROLLBACK, marks the service and reports a timeline', async () => {
    const ecs = fakeEcs([[stuck()]], {
      stoppedTasks: [
        {
          taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/django-app/a1',
          stoppedAt: minutes(1.2),
          stopCode: 'TaskFailedToStart',
          stoppedReason:
            'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found',
        },
      ],
    });
    const h = harness(ecs, { startMinute: 5 });

    const result = await runGuard(sweep(5), h.deps, guardConfig());

    expect(ecs.calls).toEqual([
      'DescribeServices web',
      'DescribeServices web',
      'ListServiceDeployments web',
      `ListTagsForResource ${SERVICE_ARN}`,
      'ListTasks web ecs-svc/4925818389744553701',
      `DescribeServiceDeployments ${SD_ARN}`,
      `StopServiceDeployment ${SD_ARN}`,
      `TagResource ${SERVICE_ARN} ecs-svc/4925818389744553701 rolled-back web:42`,
    ]);
    expect(result.services[0]).toMatchObject({
      verdict: 'stuck',
      reason: 'deterministic-failure',
      action: 'rollback',
      result: 'requested',
    });
    const [n] = h.notifications;
    expect(n).toMatchObject({
      eventType: 'DeploymentRolledBack',
      severity: 'warning',
      title: 'web: stuck deployment rolled back',
    });
    expect(n!.details).toContain('deployment ecs-svc/4925818389744553701 started (web:43)');
    expect(n!.details).toContain(
      '10:01:12Z first failure: task could not pull its container image (TaskFailedToStart: CannotPullContainerError',
    );
    expect(n!.details).toContain(
      'judged stuck: the failures cannot succeed on retry: the image or its tag does not exist; 3 consecutive failed tasks (limit 3)',
    );
    expect(n!.details).toContain(
      `ecs:StopServiceDeployment {"serviceDeploymentArn":"${SD_ARN}","stopType":"ROLLBACK"} → rollback requested`,
    );
    expect(n!.nextSteps!.join(' ')).toContain('no retry can fix');
    const pullAdvice = classifyStop({
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: x',
    }).nextSteps;
    expect(pullAdvice.length).toBeGreaterThan(0);
    expect(n!.nextSteps).toEqual(expect.arrayContaining(pullAdvice.slice(0, 2)));
    expect(h.metrics).toEqual([
      [Metric.RollbacksIssued, 'web', 1, 'Count'],
      [Metric.DeploymentsStuck, 'web', 1, 'Count'],
      [Metric.TimeToAction, 'web', 300, 'Seconds'],
    ]);
  });

  it('falls back to UpdateService with the previous task definition when StopServiceDeployment is rejected', async () => {
    const ecs = fakeEcs([[stuck()]], {
      stopOutcome: { outcome: 'rejected', reason: 'InvalidParameterException: not supported' },
    });
    const h = harness(ecs, { startMinute: 5 });

    const result = await runGuard(sweep(5), h.deps, guardConfig());

    expect(ecs.calls.filter((c) => MUTATING.test(c))).toEqual([
      `StopServiceDeployment ${SD_ARN}`,
      `UpdateService web ${OLD_TD}`,
      `TagResource ${SERVICE_ARN} ecs-svc/4925818389744553701 rolled-back web:42`,
    ]);
    expect(result.services[0]!.calls[1]).toBe(
      `ecs:UpdateService {"cluster":"django-app","service":"web","taskDefinition":"${OLD_TD}","forceNewDeployment":true}`,
    );
    expect(h.notifications[0]!.details).toContain('rejected: InvalidParameterException: not supported');
  });

  it('uses UpdateService directly when no open service deployment matches', async () => {
    const ecs = fakeEcs([[stuck()]], { serviceDeployments: [] });
    const h = harness(ecs, { startMinute: 5 });

    await runGuard(sweep(5), h.deps, guardConfig());

    expect(ecs.calls.filter((c) => MUTATING.test(c))[0]).toBe(`UpdateService web ${OLD_TD}`);
  });

  it('does nothing when the deployment completed between detection and action', async () => {
    const ecs = fakeEcs([[stuck()], [completed()]]);
    const h = harness(ecs, { startMinute: 5 });

    const result = await runGuard(sweep(5), h.deps, guardConfig());

    expect(ecs.calls.filter((c) => MUTATING.test(c))).toEqual([]);
    expect(h.notifications).toEqual([]);
    expect(result.services[0]).toMatchObject({ verdict: 'healthy', action: 'none' });
    expect(result.services[0]!.notes[0]).toContain('state changed before action');
  });

  it('does nothing when the circuit breaker started rolling back between detection and action', async () => {
    const ecs = fakeEcs([[stuck()]], {
      serviceDeployments: [{ arn: SD_ARN, status: 'ROLLBACK_IN_PROGRESS' }],
    });
    const h = harness(ecs, { startMinute: 5 });

    const result = await runGuard(sweep(5), h.deps, guardConfig());

    expect(ecs.calls.filter((c) => MUTATING.test(c))).toEqual([]);
    expect(result.services[0]).toMatchObject({ verdict: 'wait', reason: 'rollback-in-progress' });
  });

  it('does not fall back when ECS says the deployment is already stopping (conflict)', async () => {
    const ecs = fakeEcs([[stuck()]], {
      stopOutcome: { outcome: 'conflict', reason: 'ConflictException: already stopping' },
    });
    const h = harness(ecs, { startMinute: 5 });

    await runGuard(sweep(5), h.deps, guardConfig());

    expect(ecs.calls.some((c) => c.startsWith('UpdateService'))).toBe(false);
  });

  it('reports a rollback that itself fails as critical, marks it, and does not count it as issued', async () => {
    const ecs = fakeEcs([[stuck()]], {
      stopOutcome: { outcome: 'rejected', reason: 'UnsupportedFeatureException' },
      rollbackError: new PermanentError(
        'ecs:UpdateService django-app/web failed: AccessDeniedException: not authorized',
      ),
    });
    const h = harness(ecs, { startMinute: 5 });

    const result = await runGuard(sweep(5), h.deps, guardConfig());

    expect(result.services[0]).toMatchObject({ action: 'rollback', result: 'failed' });
    expect(h.notifications[0]).toMatchObject({ eventType: 'DeploymentRollbackFailed', severity: 'critical' });
    expect(h.notifications[0]!.details).toContain(
      '→ failed: ecs:UpdateService django-app/web failed: AccessDeniedException: not authorized',
    );
    // Our own error classes are not words for a person.
    expect(h.notifications[0]!.details).not.toMatch(/PermanentError|RetryableError/);
    expect(h.notifications[0]!.nextSteps![0]).toContain('Roll back by hand');
    expect(ecs.calls).toContain(`TagResource ${SERVICE_ARN} ecs-svc/4925818389744553701 rollback-failed`);
    expect(h.metrics.map(([name]) => name)).not.toContain(Metric.RollbacksIssued);
  });

  it('throws on a retryable failure without notifying, and the retry rolls back exactly once', async () => {
    const ecs = fakeEcs([[stuck()]], {
      stopOutcome: new RetryableError('ecs:StopServiceDeployment failed: ThrottlingException'),
    });
    const h = harness(ecs, { startMinute: 5 });

    await expect(runGuard(sweep(5), h.deps, guardConfig())).rejects.toBeInstanceOf(RetryableError);
    expect(h.notifications).toEqual([]);

    ecs.stopOutcome = { outcome: 'requested' };
    h.time.set(6); // Lambda retries a failed asynchronous attempt a minute later at the earliest
    await runGuard(sweep(5), h.deps, guardConfig());
    // After the rollback, ECS lists the service deployment as rolling back: a third run does nothing.
    ecs.serviceDeployments = [{ arn: SD_ARN, status: 'ROLLBACK_REQUESTED' }];
    h.time.set(7);
    await runGuard(sweep(7), h.deps, guardConfig());

    expect(ecs.calls.filter((c) => c.startsWith('StopServiceDeployment'))).toHaveLength(2);
    expect(h.notifications).toHaveLength(1);
  });

  it('never acts twice on a deployment the marker tag says was handled', async () => {
    const ecs = fakeEcs([[stuck()]], {
      tags: { 'ops-sentinel:deployment-guard': 'ecs-svc/4925818389744553701 rolled-back' },
    });
    const h = harness(ecs, { startMinute: 5 });

    const result = await runGuard(sweep(5), h.deps, guardConfig());

    expect(ecs.calls.filter((c) => MUTATING.test(c))).toEqual([]);
    expect(h.notifications).toEqual([]);
    expect(result.services[0]).toMatchObject({ result: 'skipped' });
  });

  it('does not roll back its own rollback when that fails too, and tells a person once', async () => {
    // The guard rolled ecs-svc/4925818389744553701 back to web:42; the old ACTIVE deployment has
    // drained, and the rollback deployment (web:42) now fails as well.
    const rollback = stuck();
    rollback.deployments = [
      { ...rollback.deployments[0]!, id: 'ecs-svc/77', taskDefinition: OLD_TD },
      { ...rollback.deployments[0]!, status: 'ACTIVE', failedTasks: 0 },
    ];
    const ecs = fakeEcs([[rollback]], {
      tags: { 'ops-sentinel:deployment-guard': 'ecs-svc/4925818389744553701 rolled-back web:42' },
    });
    const h = harness(ecs, { startMinute: 5 });

    const first = await runGuard(sweep(5), h.deps, guardConfig());
    await runGuard(sweep(6), h.deps, guardConfig());

    expect(first.services[0]).toMatchObject({ verdict: 'stuck', action: 'notify' });
    expect(ecs.calls.filter((c) => MUTATING.test(c))).toEqual([
      `TagResource ${SERVICE_ARN} ecs-svc/77 notified`,
    ]);
    expect(h.notifications).toHaveLength(1);
    expect(h.notifications[0]!.details).toContain("the guard's own rollback to web:42");
  });

  it('only reports a stuck deployment of a revision that already ran (rolling back would change nothing)', async () => {
    const redeploy = stuck();
    redeploy.deployments = [
      { ...redeploy.deployments[0]!, taskDefinition: OLD_TD },
      redeploy.deployments[1]!,
    ];
    const ecs = fakeEcs([[redeploy]]);
    const h = harness(ecs, { startMinute: 5 });

    const result = await runGuard(sweep(5), h.deps, guardConfig());

    expect(result.services[0]).toMatchObject({ verdict: 'stuck', action: 'notify' });
    expect(ecs.calls.filter((c) => /^(StopServiceDeployment|UpdateService)/.test(c))).toEqual([]);
    expect(h.notifications[0]!.details).toContain('already ran this revision');
  });

  it('reports when there is nothing to roll back to', async () => {
    const alone = stuck();
    alone.deployments = alone.deployments.slice(0, 1);
    const ecs = fakeEcs([[alone]], {
      stopOutcome: { outcome: 'rejected', reason: 'InvalidParameterException: no previous revision' },
    });
    const h = harness(ecs, { startMinute: 5 });

    const result = await runGuard(sweep(5), h.deps, guardConfig());

    expect(result.services[0]).toMatchObject({ result: 'failed' });
    expect(h.notifications[0]!.details).toContain('no previous completed task definition');
  });
});

describe('runGuard: CloudFormation stack', () => {
  const withStack = (name: string) => ({ 'aws:cloudformation:stack-name': name });

  it('cancels the app stack update once the rollback is under way', async () => {
    const ecs = fakeEcs([[stuck()]], { tags: withStack('django-app-prod') });
    const stacks = fakeStacks({ 'django-app-prod': 'UPDATE_IN_PROGRESS' });
    const h = harness(ecs, { startMinute: 5, stacks });

    const result = await runGuard(sweep(5), h.deps, guardConfig({ cancelStackUpdate: true }));

    expect(stacks.calls).toEqual(['DescribeStacks django-app-prod', 'CancelUpdateStack django-app-prod']);
    expect(result.services[0]!.calls).toEqual([
      expect.stringContaining('ecs:StopServiceDeployment'),
      'cloudformation:CancelUpdateStack {"StackName":"django-app-prod"}',
      expect.stringContaining('ecs:TagResource'),
    ]);
  });

  it('leaves a stack alone when it is not updating, outside the allowed prefix, or cancelling is off', async () => {
    const cases: Array<[string, Record<string, string>, boolean]> = [
      ['django-app-prod', { 'django-app-prod': 'UPDATE_COMPLETE' }, true],
      ['billing-prod', { 'billing-prod': 'UPDATE_IN_PROGRESS' }, true],
      ['django-app-prod', { 'django-app-prod': 'UPDATE_IN_PROGRESS' }, false],
    ];
    for (const [name, statuses, cancel] of cases) {
      const stacks = fakeStacks(statuses);
      const h = harness(fakeEcs([[stuck()]], { tags: withStack(name) }), { startMinute: 5, stacks });
      await runGuard(sweep(5), h.deps, guardConfig({ cancelStackUpdate: cancel }));
      expect([name, stacks.calls.filter((c) => c.startsWith('Cancel'))]).toEqual([name, []]);
    }
  });
});

describe('runGuard in notify and dry-run modes', () => {
  it('notify: tells a person once, writes the marker, never rolls back', async () => {
    const ecs = fakeEcs([[stuck()]]);
    const h = harness(ecs, { startMinute: 5 });

    await runGuard(sweep(5), h.deps, guardConfig({ mode: 'notify' }));
    await runGuard(sweep(6), h.deps, guardConfig({ mode: 'notify' }));

    expect(ecs.calls.filter((c) => MUTATING.test(c))).toEqual([
      `TagResource ${SERVICE_ARN} ecs-svc/4925818389744553701 notified`,
    ]);
    expect(h.notifications).toHaveLength(1);
    expect(h.notifications[0]).toMatchObject({ eventType: 'DeploymentStuck', severity: 'critical' });
  });

  it('DRY_RUN: makes no mutating call, says which calls it would make, and reports once per container', async () => {
    const ecs = fakeEcs([[stuck()]], { tags: { 'aws:cloudformation:stack-name': 'django-app-prod' } });
    const stacks = fakeStacks({ 'django-app-prod': 'UPDATE_IN_PROGRESS' });
    const h = harness(ecs, { startMinute: 5, stacks });
    const config = guardConfig({ cancelStackUpdate: true }, { dryRun: true });

    const result = await runGuard(sweep(5), h.deps, config);
    await runGuard(sweep(6), h.deps, config);

    expect(ecs.calls.filter((c) => MUTATING.test(c))).toEqual([]);
    expect(stacks.calls).toEqual(['DescribeStacks django-app-prod']);
    expect(result).toMatchObject({ dryRun: true, services: [{ action: 'dry-run', result: 'reported' }] });
    expect(result.services[0]!.calls).toEqual([
      `ecs:StopServiceDeployment {"serviceDeploymentArn":"${SD_ARN}","stopType":"ROLLBACK"}`,
      'cloudformation:CancelUpdateStack {"StackName":"django-app-prod"}',
      expect.stringContaining('ecs:TagResource'),
    ]);
    expect(h.notifications).toHaveLength(1);
    expect(h.notifications[0]!.title).toContain('dry run');
  });

  it('mode dry-run for one service behaves like DRY_RUN for that service', async () => {
    const ecs = fakeEcs([[stuck()]]);
    const h = harness(ecs, { startMinute: 5 });

    const result = await runGuard(sweep(5), h.deps, guardConfig({ mode: 'dry-run' }));

    expect(ecs.calls.filter((c) => MUTATING.test(c))).toEqual([]);
    expect(result.services[0]!.action).toBe('dry-run');
  });
});

describe('runGuard: triggers and services', () => {
  it('ignores an event for a service it does not monitor, without reading anything', async () => {
    const ecs = fakeEcs([[stuck()]]);
    const h = harness(ecs);

    const result = await runGuard(
      { kind: 'service-action', at: minutes(1), service: 'admin', eventName: 'SERVICE_TASK_START_IMPAIRED' },
      h.deps,
      guardConfig(),
    );

    expect(result.services).toEqual([]);
    expect(ecs.calls).toEqual([]);
  });

  it('sweeps every monitored service and leaves a healthy one alone', async () => {
    const worker = { ...snapshotAt(SLOW_BUT_HEALTHY, 20), service: 'worker', serviceArn: undefined };
    const ecs = fakeEcs([[stuck(), worker]]);
    const h = harness(ecs, { startMinute: 5 });
    const config = guardConfig();
    config.policies.worker = { ...config.policies.web! };

    const result = await runGuard(sweep(5), h.deps, config);

    expect(ecs.calls[0]).toBe('DescribeServices web,worker');
    expect(result.services.map((s) => [s.service, s.verdict])).toEqual([
      ['web', 'stuck'],
      ['worker', 'wait'],
    ]);
  });

  it('handles the other services when one fails, then throws so the invocation is retried', async () => {
    const broken = { ...stuck(), service: 'worker' };
    const ecs = fakeEcs([[stuck(), broken]]);
    const h = harness(ecs, { startMinute: 5 });
    const listTags = ecs.listTags;
    ecs.listTags = async (arn) => {
      if (ecs.calls.filter((c) => c.startsWith('ListTags')).length > 0)
        throw new RetryableError('ecs:ListTagsForResource failed: ThrottlingException');
      return listTags(arn);
    };
    const config = guardConfig();
    config.policies.worker = { ...config.policies.web! };

    await expect(runGuard(sweep(5), h.deps, config)).rejects.toThrow(
      /failed for 1 service\(s\).*ThrottlingException/,
    );
    expect(ecs.calls.filter((c) => c.startsWith('StopServiceDeployment'))).toHaveLength(1);
  });
});
