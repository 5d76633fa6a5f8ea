import {
  CancelUpdateStackCommand,
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ECSServiceException,
  ListServiceDeploymentsCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  StopServiceDeploymentCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { dynamoClaims } from '../../../functions/deployment-guard/adapters/claims';
import { stackAdapter } from '../../../functions/deployment-guard/adapters/cloudformation';
import { ecsAdapter } from '../../../functions/deployment-guard/adapters/ecs';
import { runGuard } from '../../../functions/deployment-guard/core';
import { ecsCalls } from '../../../shared/aws/ecs';
import { PermanentError, RetryableError } from '../../../shared/errors';
import {
  NEW_TD,
  OLD_TD,
  SD_ARN,
  SERVICE_ARN,
  fakeStacks,
  guardConfig,
  harness,
  minutes,
} from '../../helpers/deployment-guard/fakes';

const ecsMock = mockClient(ECSClient);
const cfnMock = mockClient(CloudFormationClient);
const ecs = ecsAdapter(ecsCalls(new ECSClient({ region: 'us-east-1' })));
const stacks = stackAdapter(new CloudFormationClient({ region: 'us-east-1' }));

const ecsError = (name: string, status = 400) =>
  new ECSServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} message`,
  });

const stuckService = {
  serviceName: 'web',
  serviceArn: SERVICE_ARN,
  status: 'ACTIVE',
  deployments: [
    {
      id: 'ecs-svc/2',
      status: 'PRIMARY',
      taskDefinition: NEW_TD,
      rolloutState: 'IN_PROGRESS' as const,
      desiredCount: 4,
      runningCount: 0,
      pendingCount: 1,
      failedTasks: 5,
      createdAt: minutes(0),
      updatedAt: minutes(4),
    },
    {
      id: 'ecs-svc/1',
      status: 'ACTIVE',
      taskDefinition: OLD_TD,
      rolloutState: 'COMPLETED' as const,
      desiredCount: 4,
      runningCount: 4,
      pendingCount: 0,
      failedTasks: 0,
      createdAt: minutes(-600),
      updatedAt: minutes(-590),
    },
  ],
  events: [
    {
      id: 'e1',
      createdAt: minutes(4.5),
      message: '(service web) is unable to consistently start tasks successfully.',
    },
  ],
};

beforeEach(() => {
  ecsMock.reset();
  cfnMock.reset();
});

describe('ecsAdapter', () => {
  it('describes services in batches of 10 and maps deployments and the event log', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [stuckService] });
    const names = Array.from({ length: 12 }, (_, i) => (i === 0 ? 'web' : `svc${i}`));

    const [snapshot] = await ecs.describeServices('django-app', names);

    expect(ecsMock).toHaveReceivedCommandTimes(DescribeServicesCommand, 2);
    expect(ecsMock).toHaveReceivedNthCommandWith(1, DescribeServicesCommand, {
      cluster: 'django-app',
      services: names.slice(0, 10),
    });
    expect(ecsMock).toHaveReceivedNthCommandWith(2, DescribeServicesCommand, {
      cluster: 'django-app',
      services: names.slice(10),
    });
    expect(snapshot).toMatchObject({
      cluster: 'django-app',
      service: 'web',
      serviceArn: SERVICE_ARN,
      deployments: [
        { id: 'ecs-svc/2', failedTasks: 5, rolloutState: 'IN_PROGRESS', updatedAt: minutes(4) },
        { status: 'ACTIVE' },
      ],
      events: [{ at: minutes(4.5) }],
    });
  });

  it('turns throttling into a RetryableError and access denied into a PermanentError', async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .rejectsOnce(ecsError('ThrottlingException'))
      .rejects(ecsError('AccessDeniedException'));

    await expect(ecs.describeServices('django-app', ['web'])).rejects.toBeInstanceOf(RetryableError);
    const denied = ecs.describeServices('django-app', ['web']);
    await expect(denied).rejects.toBeInstanceOf(PermanentError);
    await expect(denied).rejects.toThrow(
      'ecs:DescribeServices django-app/web failed: AccessDeniedException: AccessDeniedException message',
    );
  });

  it('lists the open service deployments of the service', async () => {
    ecsMock.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [{ serviceDeploymentArn: SD_ARN, status: 'IN_PROGRESS', startedAt: minutes(0) }],
    });

    const open = await ecs.listOpenServiceDeployments('django-app', 'web');

    expect(ecsMock).toHaveReceivedCommandWith(ListServiceDeploymentsCommand, {
      cluster: 'django-app',
      service: 'web',
      status: ['PENDING', 'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'STOP_REQUESTED'],
      maxResults: 20,
    });
    expect(open).toEqual([
      {
        arn: SD_ARN,
        status: 'IN_PROGRESS',
        startedAt: minutes(0),
        createdAt: undefined,
        statusReason: undefined,
      },
    ]);
  });

  it('treats a region without ListServiceDeployments as "no service deployment" (fallback path)', async () => {
    ecsMock.on(ListServiceDeploymentsCommand).rejects(ecsError('UnsupportedFeatureException'));
    await expect(ecs.listOpenServiceDeployments('django-app', 'web')).resolves.toEqual([]);
  });

  it('fails loudly when ListServiceDeployments is denied (a missing permission is not a missing API)', async () => {
    ecsMock.on(ListServiceDeploymentsCommand).rejects(ecsError('AccessDeniedException'));
    await expect(ecs.listOpenServiceDeployments('django-app', 'web')).rejects.toMatchObject({
      name: 'PermanentError',
      message: expect.stringContaining(
        'ecs:ListServiceDeployments django-app/web failed: AccessDeniedException',
      ),
    });
  });

  it('sends StopServiceDeployment with stopType ROLLBACK', async () => {
    ecsMock.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: SD_ARN });

    await expect(ecs.stopWithRollback(SD_ARN)).resolves.toEqual({ outcome: 'requested' });
    expect(ecsMock).toHaveReceivedCommandWith(StopServiceDeploymentCommand, {
      serviceDeploymentArn: SD_ARN,
      stopType: 'ROLLBACK',
    });
  });

  it('classifies StopServiceDeployment errors: conflict, rejection, retryable', async () => {
    ecsMock
      .on(StopServiceDeploymentCommand)
      .rejectsOnce(ecsError('ConflictException'))
      .rejectsOnce(ecsError('InvalidParameterException'))
      .rejectsOnce(ecsError('ServerException', 500));

    await expect(ecs.stopWithRollback(SD_ARN)).resolves.toMatchObject({ outcome: 'conflict' });
    await expect(ecs.stopWithRollback(SD_ARN)).resolves.toEqual({
      outcome: 'rejected',
      reason: 'InvalidParameterException: InvalidParameterException message',
    });
    await expect(ecs.stopWithRollback(SD_ARN)).rejects.toBeInstanceOf(RetryableError);
  });

  it('rolls back with UpdateService to the previous task definition and a new deployment', async () => {
    ecsMock.on(UpdateServiceCommand).resolves({});

    await ecs.rollbackService('django-app', 'web', OLD_TD);

    expect(ecsMock).toHaveReceivedCommandWith(UpdateServiceCommand, {
      cluster: 'django-app',
      service: 'web',
      taskDefinition: OLD_TD,
      forceNewDeployment: true,
    });
  });

  it('writes only the marker tag and reads tags as a map', async () => {
    ecsMock.on(TagResourceCommand).resolves({});
    ecsMock
      .on(ListTagsForResourceCommand)
      .resolves({ tags: [{ key: 'aws:cloudformation:stack-name', value: 'django-app-prod' }] });

    await ecs.markHandled(SERVICE_ARN, 'ecs-svc/2 rolled-back');

    expect(ecsMock).toHaveReceivedCommandWith(TagResourceCommand, {
      resourceArn: SERVICE_ARN,
      tags: [{ key: 'ops-sentinel:deployment-guard', value: 'ecs-svc/2 rolled-back' }],
    });
    await expect(ecs.listTags(SERVICE_ARN)).resolves.toEqual({
      'aws:cloudformation:stack-name': 'django-app-prod',
    });
  });

  // ListTasks: "When you specify startedBy as the filter, it must be the only filter that you
  // use", and without desiredStatus it lists RUNNING tasks only.
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html
  const listTasksAsAws = () =>
    ecsMock.on(ListTasksCommand).callsFake((input: Record<string, unknown>) => {
      const filters = ['containerInstance', 'family', 'serviceName', 'desiredStatus', 'launchType'];
      if (input.startedBy !== undefined && filters.some((f) => input[f] !== undefined)) {
        throw ecsError('InvalidParameterException');
      }
      if (input.startedBy !== undefined) return { taskArns: [] }; // RUNNING tasks: none of the failed ones
      return { taskArns: ['arn:task/old', 'arn:task/1', 'arn:task/2'] };
    });

  it("reads the deployment's stopped tasks through a filter ECS accepts, newest first, with the container reason", async () => {
    listTasksAsAws();
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: 'arn:task/old',
          startedBy: 'ecs-svc/1',
          stoppedAt: minutes(-30),
          stopCode: 'ServiceSchedulerInitiated',
          stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/2)',
        },
        {
          taskArn: 'arn:task/1',
          startedBy: 'ecs-svc/2',
          stoppedAt: minutes(1.2),
          stopCode: 'TaskFailedToStart',
          stoppedReason: 'CannotPullContainerError: not found',
          containers: [{ name: 'web', reason: 'CannotPullContainerError: not found' }],
        },
        {
          taskArn: 'arn:task/2',
          startedBy: 'ecs-svc/2',
          stoppedAt: minutes(2.4),
          stopCode: 'TaskFailedToStart',
          stoppedReason: 'CannotPullContainerError: not found',
        },
      ],
    });

    const stopped = await ecs.listStoppedTasks('django-app', 'web', 'ecs-svc/2');

    expect(ecsMock).toHaveReceivedCommandWith(ListTasksCommand, {
      cluster: 'django-app',
      serviceName: 'web',
      desiredStatus: 'STOPPED',
      maxResults: 100,
    });
    expect(ecsMock).toHaveReceivedCommandWith(DescribeTasksCommand, {
      cluster: 'django-app',
      tasks: ['arn:task/old', 'arn:task/1', 'arn:task/2'],
    });
    expect(stopped.map((t) => t.taskArn)).toEqual(['arn:task/2', 'arn:task/1']);
    expect(stopped[1]).toEqual({
      taskArn: 'arn:task/1',
      stoppedAt: minutes(1.2),
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: not found',
      containerReason: 'web: CannotPullContainerError: not found',
      containers: [{ name: 'web', reason: 'CannotPullContainerError: not found', exitCode: undefined }],
    });
  });

  it('throws a named error when ListTasks is refused, so the guard can say its evidence is incomplete', async () => {
    ecsMock.on(ListTasksCommand).rejects(ecsError('AccessDeniedException'));

    await expect(ecs.listStoppedTasks('django-app', 'web', 'ecs-svc/2')).rejects.toThrow(
      /ecs:ListTasks\/DescribeTasks django-app\/web .*AccessDeniedException/,
    );
  });

  it('reads the status of one service deployment (DescribeServiceDeployments)', async () => {
    ecsMock.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [{ serviceDeploymentArn: SD_ARN, status: 'ROLLBACK_IN_PROGRESS' }],
    });

    await expect(ecs.serviceDeploymentStatus(SD_ARN)).resolves.toBe('ROLLBACK_IN_PROGRESS');
    expect(ecsMock).toHaveReceivedCommandWith(DescribeServiceDeploymentsCommand, {
      serviceDeploymentArns: [SD_ARN],
    });
  });
});

describe('dynamoClaims', () => {
  const ddbMock = mockClient(DynamoDBClient);
  const claims = dynamoClaims(new DynamoDBClient({ region: 'us-east-1' }), 'claims', () => minutes(6));
  beforeEach(() => ddbMock.reset());

  it('claims with a conditional put that only an absent or expired claim lets through', async () => {
    ddbMock.on(PutItemCommand).resolves({});

    await expect(claims.claim('django-app/web/ecs-svc/2', 60)).resolves.toBe(true);

    const now = Math.floor(minutes(6).getTime() / 1000);
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'claims',
      Item: { pk: { S: 'django-app/web/ecs-svc/2' }, expiresAt: { N: String(now + 60) } },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': { N: String(now) } },
    });
  });

  it('answers false when another invocation holds the claim, and throws on anything else', async () => {
    ddbMock
      .on(PutItemCommand)
      .rejectsOnce(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      )
      .rejectsOnce(ecsError('AccessDeniedException'));

    await expect(claims.claim('k', 60)).resolves.toBe(false);
    await expect(claims.claim('k', 60)).rejects.toThrow(
      /dynamodb:PutItem claims \(claim k\) failed: AccessDeniedException/,
    );
  });
});

describe('stackAdapter', () => {
  it('reads the stack (status, root, service role) and cancels the update', async () => {
    const root = 'arn:aws:cloudformation:us-east-1:123456789012:stack/django-app-prod/1a2b';
    cfnMock.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'django-app-prod-WebNestedStack-1ABC',
          StackId:
            'arn:aws:cloudformation:us-east-1:123456789012:stack/django-app-prod-WebNestedStack-1ABC/3c4d',
          StackStatus: 'UPDATE_IN_PROGRESS',
          RootId: root,
          ParentId: root,
          RoleARN: 'arn:aws:iam::123456789012:role/cfn',
          CreationTime: minutes(0),
        },
      ],
    });
    cfnMock.on(CancelUpdateStackCommand).resolves({});

    await expect(stacks.describe('django-app-prod')).resolves.toEqual({
      name: 'django-app-prod-WebNestedStack-1ABC',
      stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/django-app-prod-WebNestedStack-1ABC/3c4d',
      status: 'UPDATE_IN_PROGRESS',
      rootId: root,
      roleArn: 'arn:aws:iam::123456789012:role/cfn',
    });
    await stacks.cancelUpdate('django-app-prod');

    expect(cfnMock).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'django-app-prod' });
    expect(cfnMock).toHaveReceivedCommandWith(CancelUpdateStackCommand, { StackName: 'django-app-prod' });
  });

  it('answers undefined for a stack that does not exist', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({
        name: 'ValidationError',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Stack with id django-app-prod does not exist',
      }),
    );
    await expect(stacks.describe('django-app-prod')).resolves.toBeUndefined();
  });
});

describe('guard over the real ECS adapter', () => {
  it('falls back to UpdateService when StopServiceDeployment is rejected, then cancels the stack update', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [stuckService] });
    ecsMock.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [{ serviceDeploymentArn: SD_ARN, status: 'IN_PROGRESS', startedAt: minutes(0) }],
    });
    ecsMock
      .on(ListTagsForResourceCommand)
      .resolves({ tags: [{ key: 'aws:cloudformation:stack-name', value: 'django-app-prod' }] });
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] });
    ecsMock.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [{ serviceDeploymentArn: SD_ARN, status: 'IN_PROGRESS' }],
    });
    ecsMock.on(StopServiceDeploymentCommand).rejects(ecsError('InvalidParameterException'));
    ecsMock.on(UpdateServiceCommand).resolves({});
    ecsMock.on(TagResourceCommand).resolves({});
    cfnMock.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'django-app-prod',
          StackStatus: 'UPDATE_IN_PROGRESS',
          RoleARN: 'arn:aws:iam::123456789012:role/cfn',
          CreationTime: minutes(0),
        },
      ],
    });
    cfnMock.on(CancelUpdateStackCommand).resolves({});
    const h = harness(fakeEcsUnused(), { startMinute: 6, stacks: fakeStacks() });

    const result = await runGuard(
      { kind: 'sweep', at: minutes(6) },
      { ...h.deps, ecs, stacks },
      guardConfig({ cancelStackUpdate: true }),
    );

    expect(result.services[0]).toMatchObject({ action: 'rollback', result: 'requested' });
    expect(ecsMock).toHaveReceivedCommandWith(StopServiceDeploymentCommand, {
      serviceDeploymentArn: SD_ARN,
      stopType: 'ROLLBACK',
    });
    expect(ecsMock).toHaveReceivedCommandWith(UpdateServiceCommand, {
      cluster: 'django-app',
      service: 'web',
      taskDefinition: OLD_TD,
      forceNewDeployment: true,
    });
    expect(cfnMock).toHaveReceivedCommandWith(CancelUpdateStackCommand, { StackName: 'django-app-prod' });
    const order = ecsMock.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('UpdateServiceCommand')).toBeGreaterThan(
      order.indexOf('StopServiceDeploymentCommand'),
    );
  });
});

function fakeEcsUnused() {
  // harness() needs an EcsPort; the test replaces it with the real adapter.
  return { calls: [] } as unknown as Parameters<typeof harness>[0];
}
