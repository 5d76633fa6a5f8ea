import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient, DescribeAlarmHistoryCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudWatchAlarmHistory } from '../../../functions/health-alarm/adapters/alarm-history';
import { ecsTasks } from '../../../functions/health-alarm/adapters/ecs';
import { elbTargetHealth } from '../../../functions/health-alarm/adapters/elb';
import { healthProbe } from '../../../functions/health-alarm/adapters/probe';
import { ecsCalls } from '../../../shared/aws/ecs';
import { PermanentError } from '../../../shared/errors';
import { TG_ARN } from '../../helpers/health-alarm/fakes';

const signal = new AbortController().signal;
const denied = (name: string) =>
  Object.assign(new Error('User is not authorized'), { name, $metadata: { httpStatusCode: 403 } });

describe('elbTargetHealth', () => {
  const elb = mockClient(ElasticLoadBalancingV2Client);
  afterEach(() => elb.reset());

  it('asks for the target group and returns each target with state and reason', async () => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        {
          Target: { Id: '10.0.1.23', Port: 8000, AvailabilityZone: 'us-east-1a' },
          TargetHealth: {
            State: 'unhealthy',
            Reason: 'Target.ResponseCodeMismatch',
            Description: 'Health checks failed with these codes: [500]',
          },
        },
        { Target: { Id: '10.0.2.40', Port: 8000 }, TargetHealth: { State: 'healthy' } },
      ],
    });

    const targets = await elbTargetHealth(new ElasticLoadBalancingV2Client({})).describeTargetHealth(
      TG_ARN,
      signal,
    );

    expect(elb).toHaveReceivedCommandWith(DescribeTargetHealthCommand, { TargetGroupArn: TG_ARN });
    expect(targets).toEqual([
      {
        id: '10.0.1.23',
        port: 8000,
        availabilityZone: 'us-east-1a',
        state: 'unhealthy',
        reason: 'Target.ResponseCodeMismatch',
        description: 'Health checks failed with these codes: [500]',
      },
      { id: '10.0.2.40', port: 8000, state: 'healthy' },
    ]);
  });

  it('wraps a denial in a PermanentError that keeps the AWS error as cause', async () => {
    elb.on(DescribeTargetHealthCommand).rejects(denied('AccessDenied'));
    const error = await elbTargetHealth(new ElasticLoadBalancingV2Client({}))
      .describeTargetHealth(TG_ARN, signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe(
      `elasticloadbalancing:DescribeTargetHealth ${TG_ARN} failed: AccessDenied: User is not authorized`,
    );
  });
});

describe('ecsTasks', () => {
  const ecs = mockClient(ECSClient);
  afterEach(() => ecs.reset());

  it('lists the service tasks with the desired status and describes them', async () => {
    const arn = 'arn:aws:ecs:us-east-1:123456789012:task/django-app/0123456789abcdef';
    ecs.on(ListTasksCommand).resolves({ taskArns: [arn] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: arn,
          lastStatus: 'STOPPED',
          desiredStatus: 'STOPPED',
          group: 'service:web',
          stopCode: 'ServiceSchedulerInitiated',
          stoppedReason: 'Task failed ELB health checks in (target-group x)',
          stoppedAt: new Date('2026-11-24T02:48:00Z'),
          memory: '512',
          attachments: [
            {
              type: 'ElasticNetworkInterface',
              details: [
                { name: 'privateIPv4Address', value: '10.0.3.77' },
                { name: 'subnetId', value: 's' },
              ],
            },
          ],
          containers: [
            {
              name: 'web',
              exitCode: 137,
              lastStatus: 'STOPPED',
              networkInterfaces: [{ privateIpv4Address: '10.0.3.77' }],
            },
          ],
        },
      ],
    });

    const tasks = await ecsTasks(ecsCalls(new ECSClient({}))).listServiceTasks(
      'django-app',
      'web',
      'STOPPED',
      signal,
    );

    expect(ecs).toHaveReceivedCommandWith(ListTasksCommand, {
      cluster: 'django-app',
      serviceName: 'web',
      desiredStatus: 'STOPPED',
      maxResults: 100,
    });
    expect(ecs).toHaveReceivedCommandWith(DescribeTasksCommand, { cluster: 'django-app', tasks: [arn] });
    expect(tasks).toEqual([
      expect.objectContaining({
        taskArn: arn,
        taskId: '0123456789abcdef',
        privateIps: ['10.0.3.77'],
        lastStatus: 'STOPPED',
        stopCode: 'ServiceSchedulerInitiated',
        stoppedAt: '2026-11-24T02:48:00.000Z',
        containers: [{ name: 'web', exitCode: 137, lastStatus: 'STOPPED', reason: null, memory: null }],
      }),
    ]);
  });

  it('does not call DescribeTasks when there are no tasks', async () => {
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    await expect(
      ecsTasks(ecsCalls(new ECSClient({}))).listServiceTasks('django-app', 'web', 'RUNNING', signal),
    ).resolves.toEqual([]);
    expect(ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 0);
  });

  it('names the calls in its error', async () => {
    ecs.on(ListTasksCommand).rejects(denied('AccessDeniedException'));
    await expect(
      ecsTasks(ecsCalls(new ECSClient({}))).listServiceTasks('django-app', 'web', 'STOPPED', signal),
    ).rejects.toThrow('ecs:ListTasks/DescribeTasks django-app/web STOPPED failed: AccessDeniedException');
  });
});

describe('cloudWatchAlarmHistory', () => {
  const cw = mockClient(CloudWatchClient);
  afterEach(() => cw.reset());
  const before = new Date('2026-11-24T03:04:42.345Z');
  const item = (at: string, from: string, to: string) => ({
    Timestamp: new Date(at),
    HistoryItemType: 'StateUpdate' as const,
    HistorySummary: `Alarm updated from ${from} to ${to}`,
    HistoryData: JSON.stringify({
      version: '1.0',
      oldState: { stateValue: from },
      newState: { stateValue: to },
    }),
  });

  it('finds the latest transition into ALARM before the OK', async () => {
    cw.on(DescribeAlarmHistoryCommand).resolves({
      AlarmHistoryItems: [
        item('2026-11-24T03:04:42.345Z', 'ALARM', 'OK'),
        item('2026-11-24T02:50:12.345Z', 'OK', 'ALARM'),
        item('2026-11-23T02:00:00.000Z', 'OK', 'ALARM'),
      ],
    });

    const since = await cloudWatchAlarmHistory(new CloudWatchClient({})).lastEnteredState(
      'a',
      'ALARM',
      before,
      signal,
    );

    expect(since).toBe('2026-11-24T02:50:12.345Z');
    expect(cw).toHaveReceivedCommandWith(DescribeAlarmHistoryCommand, {
      AlarmName: 'a',
      HistoryItemType: 'StateUpdate',
      EndDate: before,
      ScanBy: 'TimestampDescending',
      MaxRecords: 20,
    });
  });

  it('lists the state changes newest first with where they came from (summary when the data is not JSON)', async () => {
    cw.on(DescribeAlarmHistoryCommand).resolves({
      AlarmHistoryItems: [
        item('2026-11-24T02:50:12.345Z', 'OK', 'ALARM'),
        item('2026-11-24T03:04:42.345Z', 'ALARM', 'INSUFFICIENT_DATA'),
        { ...item('2026-11-24T02:00:00.000Z', 'INSUFFICIENT_DATA', 'OK'), HistoryData: 'n/a' },
        { Timestamp: new Date('2026-11-24T01:00:00.000Z'), HistorySummary: 'Alarm updated' },
      ],
    });

    const transitions = await cloudWatchAlarmHistory(new CloudWatchClient({})).recentTransitions(
      'a',
      before,
      signal,
    );

    expect(transitions).toEqual([
      { at: '2026-11-24T03:04:42.345Z', from: 'ALARM', to: 'INSUFFICIENT_DATA' },
      { at: '2026-11-24T02:50:12.345Z', from: 'OK', to: 'ALARM' },
      { at: '2026-11-24T02:00:00.000Z', from: 'INSUFFICIENT_DATA', to: 'OK' },
    ]);
    expect(cw).toHaveReceivedCommandWith(DescribeAlarmHistoryCommand, {
      AlarmName: 'a',
      HistoryItemType: 'StateUpdate',
      EndDate: before,
      ScanBy: 'TimestampDescending',
    });
  });

  it('reads the summary when the history data is not JSON, and returns undefined when nothing matches', async () => {
    cw.on(DescribeAlarmHistoryCommand)
      .resolvesOnce({
        AlarmHistoryItems: [{ ...item('2026-11-24T02:00:00.000Z', 'OK', 'ALARM'), HistoryData: 'n/a' }],
      })
      .resolves({ AlarmHistoryItems: [item('2026-11-24T02:00:00.000Z', 'ALARM', 'OK')] });
    const history = cloudWatchAlarmHistory(new CloudWatchClient({}));
    await expect(history.lastEnteredState('a', 'ALARM', before, signal)).resolves.toBe(
      '2026-11-24T02:00:00.000Z',
    );
    await expect(history.lastEnteredState('a', 'ALARM', before, signal)).resolves.toBeUndefined();
  });
});

describe('healthProbe (real probeTarget against a local django-health-check lookalike)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          DatabaseBackend: 'unavailable: Database error',
          'Cache backend: default': 'working',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ht/?format=json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('probes the named target from HEALTH_TARGETS and reports its failing components', async () => {
    const probe = healthProbe(JSON.stringify([{ name: 'local-app', url }]));
    const result = await probe.probe('local-app', 2_000);
    expect(result).toMatchObject({ target: 'local-app', healthy: false, status: 500 });
    expect(result.components).toContainEqual({
      name: 'DatabaseBackend',
      state: 'unavailable',
      message: 'Database error',
    });
  });

  it.each([
    [undefined, 'HEALTH_TARGETS is not set'],
    ['{', 'HEALTH_TARGETS is not valid JSON'],
    ['[{"name":"local-app","url":"ftp://x"}]', /HEALTH_TARGETS is invalid: 0.url/],
    ['[]', 'target "local-app" is not in HEALTH_TARGETS'],
  ])('refuses %j clearly', async (json, message) => {
    await expect(healthProbe(json).probe('local-app', 1_000)).rejects.toThrow(message);
  });
});
