/**
 * The deployed entry point (middy + Powertools wiring, configuration from the environment) against
 * the local PostgreSQL, as `serverless invoke local --stage local` runs it: master credentials from
 * LOCAL_MASTER_CREDENTIALS_JSON (honoured only when STAGE=local). The master is the RDS-shaped
 * one (local/rds-world: not a superuser) and the app's tables belong to the app user.
 */
import type { Context } from 'aws-lambda';
import { createFixture, dropFixture, type Fixture, userState } from '../../helpers/db-iam-user/databases';
import { cfnEvent, SECRET_ARN } from '../../helpers/db-iam-user/events';
import { type ResponseServer, startResponseServer } from '../../../local/db-iam-user/response-server';

type Handler = (event: unknown, context: Context) => Promise<{ status: string; changes: string[] }>;

function loadHandler(env: Record<string, string>): Handler {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  let handler: Handler | undefined;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = (require('../../../functions/db-iam-user/handler') as { handler: Handler }).handler;
    });
  } finally {
    process.env = saved;
  }
  return handler!;
}

function context(): Context {
  const deadline = Date.now() + 30_000;
  return {
    functionName: 'ops-sentinel-local-dbIamUser',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ops-sentinel-local-dbIamUser',
    memoryLimitInMB: '256',
    awsRequestId: 'req-1',
    logGroupName: '/aws/lambda/ops-sentinel-local-dbIamUser',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const PREFIX = 'dbiam_hdl';
const USER = `${PREFIX}_iam`;
const props = {
  Engine: 'postgres',
  Host: '127.0.0.1',
  Port: '5432',
  Database: PREFIX,
  Username: USER,
  MasterSecretArn: SECRET_ARN,
  Ssl: 'disable',
  OnDelete: 'drop',
};
let LOCAL: Record<string, string>;

let server: ResponseServer;
let world: Fixture;
beforeAll(async () => {
  server = await startResponseServer();
  world = await createFixture('postgres', PREFIX);
  LOCAL = {
    STAGE: 'local',
    DRY_RUN: 'false',
    LOCAL_MASTER_CREDENTIALS_JSON: JSON.stringify({ username: world.master, password: world.masterPassword }),
  };
}, 120_000);
afterAll(async () => {
  await server.close();
  await dropFixture('postgres', PREFIX);
});

it('creates then drops the user on the local PostgreSQL and answers CloudFormation each time', async () => {
  const handler = loadHandler(LOCAL);

  const created = await handler(cfnEvent('Create', server.url('create'), props), context());
  const afterCreate = await userState('postgres', USER);
  const id = String(server.accepted().at(-1)?.PhysicalResourceId);
  const deleted = await handler(
    cfnEvent('Delete', server.url('delete'), props, { physicalResourceId: id }),
    context(),
  );

  expect(created.status).toBe('SUCCESS');
  expect(afterCreate).toEqual({ exists: true, iam: true, locked: false });
  expect(id).toBe(`dbiamuser:v1:postgres:127.0.0.1:5432:${PREFIX}:${USER}`);
  expect(deleted.status).toBe('SUCCESS');
  expect((await userState('postgres', USER)).exists).toBe(false);
  expect(
    server
      .accepted()
      .slice(-2)
      .map((b) => b.Status),
  ).toEqual(['SUCCESS', 'SUCCESS']);
});

it('in dry run (the local stage default) plans the SQL and sends nothing', async () => {
  const handler = loadHandler({ ...LOCAL, DRY_RUN: 'true' });
  const before = server.requests.length;

  const result = await handler(cfnEvent('Create', server.url('dry'), props), context());

  expect(result.status).toBe('SUCCESS');
  expect(result.changes).toContain(`CREATE ROLE "${USER}" LOGIN`);
  expect(server.requests.length).toBe(before);
  expect((await userState('postgres', USER)).exists).toBe(false);
});

it('ignores LOCAL_MASTER_CREDENTIALS_JSON outside the local stage (it reads Secrets Manager instead); an unreachable Secrets Manager fails at once, naming the endpoint', async () => {
  const handler = loadHandler({ ...LOCAL, STAGE: 'prod' });
  // The SDK reads AWS_ENDPOINT_URL when the first request resolves its endpoint.
  process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1';
  const started = Date.now();
  try {
    await handler(cfnEvent('Create', server.url('prod'), props), context());
  } finally {
    delete process.env.AWS_ENDPOINT_URL;
  }

  const body = server.accepted().at(-1)!;
  expect(body.Status).toBe('FAILED');
  // https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
  expect(String(body.Reason)).toBe(
    'Cannot reach Secrets Manager at 127.0.0.1 from this function (ECONNREFUSED): in private subnets, add the ' +
      'Secrets Manager interface VPC endpoint com.amazonaws.us-east-1.secretsmanager (private DNS on, security ' +
      'group allowing HTTPS from the function), or a NAT gateway',
  );
  expect(Date.now() - started).toBeLessThan(5_000);
});

it('answers FAILED, naming the bad variable, when the function is misconfigured', async () => {
  const handler = loadHandler({ ...LOCAL, MYSQL_IAM_AUTH_CLAUSE: "IDENTIFIED BY 'x'; DROP USER root" });

  const result = await handler(cfnEvent('Create', server.url('misconfigured'), props), context());

  expect(result.status).toBe('FAILED');
  expect(String(server.accepted().at(-1)?.Reason)).toMatch(/misconfigured: MYSQL_IAM_AUTH_CLAUSE is invalid/);
});

it('throws (nothing to answer) for an event that is not a custom resource request', async () => {
  const handler = loadHandler(LOCAL);
  await expect(handler({ source: 'aws.ecs' }, context())).rejects.toThrow(
    /Not a CloudFormation custom resource event: ResponseURL/,
  );
});
