import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DeploymentGuardConfig, parseEvent, policiesFrom } from '../../../functions/deployment-guard/schema';
import { DEFAULT_POLICY } from '../../../functions/deployment-guard/types';
import { loadConfig } from '../../../shared/config';
import { ConfigError, InvalidEventError } from '../../../shared/errors';

const NOW = new Date('2026-11-24T03:30:00Z');
const sample = (name: string) =>
  JSON.parse(
    readFileSync(path.join(__dirname, '../../../events/deployment-guard', `${name}.json`), 'utf8'),
  ) as Record<string, unknown>;

describe('parseEvent: every sample trigger', () => {
  it.each([
    ['scheduled-sweep', { kind: 'sweep', at: new Date('2026-11-24T03:05:00Z') }],
    [
      'deployment-in-progress',
      {
        kind: 'deployment-state',
        service: 'web',
        eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS',
        deploymentId: 'ecs-svc/4925818389744553701',
      },
    ],
    [
      'deployment-failed',
      {
        kind: 'deployment-state',
        eventName: 'SERVICE_DEPLOYMENT_FAILED',
        reason: expect.stringContaining('circuit breaker'),
      },
    ],
    [
      'service-task-start-impaired',
      { kind: 'service-action', service: 'web', eventName: 'SERVICE_TASK_START_IMPAIRED' },
    ],
    [
      'service-task-placement-failure',
      { kind: 'service-action', eventName: 'SERVICE_TASK_PLACEMENT_FAILURE' },
    ],
    [
      'service-task-configuration-failure',
      { kind: 'service-action', eventName: 'SERVICE_TASK_CONFIGURATION_FAILURE' },
    ],
    [
      'task-stopped-image-pull',
      {
        kind: 'task-stopped',
        service: 'web',
        deploymentId: 'ecs-svc/4925818389744553701',
        stopCode: 'TaskFailedToStart',
        at: new Date('2026-11-24T03:01:10Z'),
        containerReason: expect.stringMatching(/^web: CannotPullContainerError/),
      },
    ],
    [
      'task-stopped-elb-health',
      {
        kind: 'task-stopped',
        stoppedReason: expect.stringContaining('ELB health checks'),
        containerReason: 'web: exit code 137',
      },
    ],
  ])('%s', (name, expected) => {
    expect(parseEvent(sample(name), 'django-app', NOW)).toEqual({
      trigger: expect.objectContaining(expected),
    });
  });
});

describe('parseEvent: skips and errors', () => {
  it('skips events of another cluster', () => {
    const event = sample('task-stopped-image-pull');
    (event.detail as Record<string, unknown>).clusterArn = 'arn:aws:ecs:us-east-1:123456789012:cluster/other';
    expect(parseEvent(event, 'django-app', NOW)).toEqual({ skip: 'task of cluster other, not django-app' });
    expect(parseEvent(sample('deployment-in-progress'), 'billing', NOW)).toEqual({
      skip: 'service of cluster django-app, not billing',
    });
  });

  it('skips a stopped task that no service deployment launched', () => {
    const event = sample('task-stopped-image-pull');
    (event.detail as Record<string, unknown>).startedBy = 'celery-beat-cron';
    expect(parseEvent(event, 'django-app', NOW)).toEqual({
      skip: 'task not started by a service deployment (startedBy celery-beat-cron)',
    });
  });

  it('skips service actions that are not failure signals', () => {
    const event = sample('service-task-start-impaired');
    (event.detail as Record<string, unknown>).eventName = 'SERVICE_STEADY_STATE';
    expect(parseEvent(event, 'django-app', NOW)).toEqual({
      skip: 'service action SERVICE_STEADY_STATE is not a failure signal',
    });
  });

  it('names what is missing in a malformed event', () => {
    expect(() => parseEvent({ hello: 'world' }, 'django-app', NOW)).toThrow(
      new InvalidEventError(
        'not an EventBridge event: detail-type Invalid input: expected string, received undefined',
      ),
    );
    const noService = { ...sample('service-task-start-impaired'), resources: [] };
    expect(() => parseEvent(noService, 'django-app', NOW)).toThrow(
      'ECS Service Action: resources[] holds no service ARN',
    );
    const noCluster = sample('task-stopped-image-pull');
    delete (noCluster.detail as Record<string, unknown>).clusterArn;
    expect(() => parseEvent(noCluster, 'django-app', NOW)).toThrow(
      /^ECS Task State Change detail: clusterArn/,
    );
    expect(() => parseEvent({ ...noCluster, source: 'aws.s3' }, 'django-app', NOW)).toThrow(
      'unexpected event source aws.s3',
    );
  });
});

describe('configuration', () => {
  const env = {
    CLUSTER_NAME: 'django-app',
    SERVICES: JSON.stringify([
      { name: 'web', targetGroupArn: '', deployment: { mode: 'rollback', maxConsecutiveFailedTasks: 5 } },
      { name: 'worker' },
    ]),
    APP_STACK_PREFIX: 'django-app,legacy-app',
  };

  it('fills every policy field the stage params leave out with the documented defaults', () => {
    const config = loadConfig(DeploymentGuardConfig, env);
    expect(policiesFrom(config.SERVICES)).toEqual({
      // actOnFirst defaults to on in rollback mode only.
      web: { ...DEFAULT_POLICY, mode: 'rollback', maxConsecutiveFailedTasks: 5, actOnFirst: true },
      worker: DEFAULT_POLICY,
    });
    expect(DEFAULT_POLICY).toEqual({
      actOnFirst: false,
      mode: 'notify',
      maxDurationMinutes: 30,
      maxConsecutiveFailedTasks: 3,
      startImpairedIsStuck: true,
      stallMinutes: 10,
      cancelStackUpdate: false,
    });
    expect(config).toMatchObject({ DRY_RUN: false, APP_STACK_PREFIX: ['django-app', 'legacy-app'] });
  });

  it('refuses an unknown mode, naming the variable', () => {
    const bad = { ...env, SERVICES: JSON.stringify([{ name: 'web', deployment: { mode: 'yolo' } }]) };
    expect(() => loadConfig(DeploymentGuardConfig, bad)).toThrow(ConfigError);
    expect(() => loadConfig(DeploymentGuardConfig, bad)).toThrow(/SERVICES\.0\.deployment\.mode is invalid/);
  });
});
