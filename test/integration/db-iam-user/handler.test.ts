/**
 * The deployed entry point (middy + Powertools wiring, configuration from the environment) against
 * the local PostgreSQL, as `serverless invoke local --stage local` runs it: master credentials from
 * LOCAL_MASTER_CREDENTIALS_JSON (honoured only when STAGE=local).
 */
import type { Context } from 'aws-lambda';
import { asAdmin, userState } from '../../helpers/db-iam-user/databases';
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

const USER = 'dbiam_hdl_app';
const props = {
  Engine: 'postgres',
  Host: '127.0.0.1',
  Port: '5432',
  Database: 'test',
  Username: USER,
  MasterSecretArn: SECRET_ARN,
  Ssl: 'disable',
  OnDelete: 'drop',
};
const LOCAL = {
  STAGE: 'local',
  DRY_RUN: 'false',
  LOCAL_MASTER_CREDENTIALS_JSON: '{"username":"postgres","password":""}',
};

let server: ResponseServer;
beforeAll(async () => {
  server = await startResponseServer();
  await asAdmin('postgres', async (db) => {
    await db.query('CREATE ROLE rds_iam NOLOGIN').catch((e: Error) => {
      if (!/already exists/.test(e.message)) throw e;
    });
    await db.query(`DROP OWNED BY ${USER}`).catch(() => undefined);
    await db.query(`DROP ROLE IF EXISTS ${USER}`);
  });
});
afterAll(async () => {
  await server.close();
  await asAdmin('postgres', async (db) => {
    await db.query(`DROP OWNED BY ${USER}`).catch(() => undefined);
    await db.query(`DROP ROLE IF EXISTS ${USER}`);
  });
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
  expect(id).toBe(`dbiamuser:v1:postgres:127.0.0.1:5432:test:${USER}`);
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

it('ignores LOCAL_MASTER_CREDENTIALS_JSON outside the local stage (it reads Secrets Manager instead)', async () => {
  const handler = loadHandler({ ...LOCAL, STAGE: 'prod', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });

  await handler(cfnEvent('Create', server.url('prod'), props), context());

  const body = server.accepted().at(-1)!;
  expect(body.Status).toBe('FAILED');
  expect(String(body.Reason)).toContain('secretsmanager:GetSecretValue');
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
