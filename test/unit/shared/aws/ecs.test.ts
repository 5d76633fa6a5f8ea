import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ecsCalls } from '../../../../shared/aws/ecs';

const ecs = mockClient(ECSClient);
beforeEach(() => ecs.reset());

describe('ecsCalls', () => {
  it('describes services in batches of 10 (the DescribeServices maximum) and keeps the failures', async () => {
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
    ecs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
      services: input.services.filter((s) => s !== 's3').map((s) => ({ serviceName: s })),
      failures: input.services.includes('s3') ? [{ arn: 's3', reason: 'MISSING' }] : [],
    }));
    const names = Array.from({ length: 12 }, (_, i) => `s${i}`);

    const out = await ecsCalls(new ECSClient({})).describeServices('django-app', names);

    expect(ecs).toHaveReceivedCommandTimes(DescribeServicesCommand, 2);
    expect(ecs).toHaveReceivedNthSpecificCommandWith(2, DescribeServicesCommand, {
      cluster: 'django-app',
      services: ['s10', 's11'],
    });
    expect(out.services).toHaveLength(11);
    expect(out.failures).toEqual([{ arn: 's3', reason: 'MISSING' }]);
  });

  it('lists and describes the tasks of one service, and skips DescribeTasks when none is listed', async () => {
    ecs
      .on(ListTasksCommand)
      .resolvesOnce({ taskArns: ['t1'] })
      .resolvesOnce({ taskArns: [] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: 't1', lastStatus: 'STOPPED' }] });
    const calls = ecsCalls(new ECSClient({}));

    await expect(calls.listServiceTasks('django-app', 'web', 'STOPPED')).resolves.toEqual([
      { taskArn: 't1', lastStatus: 'STOPPED' },
    ]);
    await expect(calls.listServiceTasks('django-app', 'web', 'RUNNING', { maxResults: 10 })).resolves.toEqual(
      [],
    );

    expect(ecs).toHaveReceivedNthSpecificCommandWith(1, ListTasksCommand, {
      cluster: 'django-app',
      serviceName: 'web',
      desiredStatus: 'STOPPED',
      maxResults: 100,
    });
    expect(ecs).toHaveReceivedCommandWith(DescribeTasksCommand, { cluster: 'django-app', tasks: ['t1'] });
    expect(ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 1);
  });

  it('forceNewDeployment returns the service UpdateService answers with (its new PRIMARY deployment)', async () => {
    const service = { serviceName: 'web', deployments: [{ id: 'ecs-svc/2', status: 'PRIMARY' }] };
    ecs.on(UpdateServiceCommand).resolvesOnce({ service }).resolvesOnce({});
    const calls = ecsCalls(new ECSClient({}));

    await expect(calls.forceNewDeployment('django-app', 'web')).resolves.toEqual(service);
    await expect(calls.forceNewDeployment('django-app', 'web', 'web:42')).resolves.toBeUndefined();
    expect(ecs).toHaveReceivedNthSpecificCommandWith(2, UpdateServiceCommand, {
      cluster: 'django-app',
      service: 'web',
      taskDefinition: 'web:42',
      forceNewDeployment: true,
    });
  });

  it("translates SDK errors into the project's errors, keeping the SDK error as cause", async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    ecs.on(UpdateServiceCommand).rejectsOnce(throttled).rejectsOnce(denied);
    const calls = ecsCalls(new ECSClient({}));

    await expect(calls.forceNewDeployment('django-app', 'web')).rejects.toMatchObject({
      name: 'RetryableError',
      message: 'ecs:UpdateService django-app/web failed: ThrottlingException: Rate exceeded',
      cause: throttled,
    });
    await expect(calls.forceNewDeployment('django-app', 'web', 'web:42')).rejects.toMatchObject({
      name: 'PermanentError',
      message: 'ecs:UpdateService django-app/web -> web:42 failed: AccessDeniedException: not authorized',
    });
    expect(ecs).toHaveReceivedNthSpecificCommandWith(1, UpdateServiceCommand, {
      cluster: 'django-app',
      service: 'web',
      forceNewDeployment: true,
    });
  });
});
