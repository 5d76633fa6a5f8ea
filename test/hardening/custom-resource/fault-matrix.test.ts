/**
 * Custom::DbIamUser fault matrix: every fault the resource can meet on its way — Secrets Manager,
 * RDS, the database (refused, hanging, resetting, wrong password, real success), the properties,
 * the ResponseURL (5xx, resets, hangs, 4xx, closed) and the Lambda deadline. In every case that
 * has somewhere to answer, CloudFormation gets exactly one answer before the Lambda deadline;
 * when the answer cannot be delivered, the invocation throws a project error (Lambda retries,
 * then the on-failure destination keeps the event), and the event is never mutated. The master
 * is RDS-shaped and the schema Django-migrated (local/rds-world), on PostgreSQL and MariaDB.
 */
import { RDSClient, DescribeDBInstancesCommand, DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { connect } from '../../../shared/db/driver';
import {
  invocationPorts,
  rdsEndpointResolver,
  secretsManagerCredentials,
} from '../../../functions/db-iam-user/adapters';
import type { CoreDeps } from '../../../functions/db-iam-user/core';
import { cfnResponder } from '../../../functions/db-iam-user/adapters/cfn-response';
import {
  handleEvent,
  type InvocationDeps,
  misconfigured,
} from '../../../functions/db-iam-user/custom-resource';
import { authMethod } from '../../../functions/db-iam-user/dialects/mysql';
import type { Engine } from '../../../shared/db/driver';
import { MARIADB_AUTH_CLAUSE } from '../../helpers/db-iam-user/databases';
import { createWorld, dropWorld, type World } from '../../../local/rds-world';
import { cfnEvent, type RequestType } from '../../helpers/db-iam-user/events';
import { awsError, econnreset } from '../../helpers/hardening/faults';
import { badTokens, deepCopy, isProjectError, unchanged } from '../../helpers/hardening/outcome';
import {
  closedPort,
  hangingServer,
  resettingServer,
  scriptedResponseServer,
  type Closable,
  type ScriptedServer,
  type Step,
} from '../../helpers/hardening/servers';
import { lambdaContext } from '../../../local/lambda-context';

const sm = mockClient(SecretsManagerClient);
const rds = mockClient(RDSClient);
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-hard-0a1b-AbCdEf';
const PREFIX = 'hard_cr';
const USER = `${PREFIX}_user`;
const worlds: Partial<Record<Engine, World>> = {};
const world = (engine: Engine = 'postgres'): World => worlds[engine]!;

let response: ScriptedServer;
let hanging: Closable;
let resetting: Closable;
let closed: number;

beforeAll(async () => {
  response = await scriptedResponseServer();
  hanging = await hangingServer();
  resetting = await resettingServer();
  closed = await closedPort();
  worlds.postgres = await createWorld('postgres', PREFIX);
  worlds.mysql = await createWorld('mysql', PREFIX);
}, 120_000);
afterAll(async () => {
  sm.restore();
  rds.restore();
  await dropWorld('postgres', PREFIX);
  await dropWorld('mysql', PREFIX);
  await Promise.all([response.close(), hanging.close(), resetting.close()]);
});

const props = (overrides: Record<string, unknown> = {}) => ({
  Engine: 'postgres',
  Host: '127.0.0.1',
  Port: '5432',
  Database: PREFIX,
  Username: USER,
  MasterSecretArn: ARN,
  Ssl: 'disable',
  OnDelete: 'drop',
  ConnectTimeoutSeconds: '10',
  ...overrides,
});

type Fault =
  | { secret: 'ok' }
  | { secret: 'reject'; error: () => Error }
  | { secret: 'value'; value: string | undefined }
  | { secret: 'never' };

interface Case {
  name: string;
  /** Whose master the secret holds (default postgres). */
  engine?: Engine;
  type?: RequestType;
  properties?: Record<string, unknown> | (() => Record<string, unknown>);
  physicalResourceId?: string | (() => string);
  fault?: Fault;
  /** Script of the ResponseURL server. */
  responses?: Step[];
  remainingMs?: number;
  marginMs?: number;
  deps?: Partial<CoreDeps>;
  /** Event without a usable ResponseURL. */
  event?: (url: string) => Record<string, unknown>;
  expect:
    | { answer: 'SUCCESS' | 'FAILED'; reason: RegExp; attempts?: number }
    | {
        throws: 'RetryableError' | 'PermanentError' | 'InvalidEventError' | 'EndpointUnreachableError';
        message: RegExp;
      };
}

const pgWith = (port: () => number) => () => props({ Port: String(port()), ConnectTimeoutSeconds: '2' });

const CASES: Case[] = [
  {
    name: 'Secrets Manager throttles',
    fault: {
      secret: 'reject',
      error: () => awsError('ThrottlingException', 400, { $retryable: { throttling: true } }),
    },
    expect: { answer: 'FAILED', reason: /ThrottlingException/ },
  },
  {
    name: 'Secrets Manager denies access',
    fault: { secret: 'reject', error: () => awsError('AccessDeniedException', 400) },
    expect: { answer: 'FAILED', reason: /AccessDeniedException/ },
  },
  {
    name: 'Secrets Manager times out',
    fault: { secret: 'reject', error: () => awsError('TimeoutError', 0) },
    expect: { answer: 'FAILED', reason: /TimeoutError/ },
  },
  {
    name: 'Secrets Manager 500 InternalFailure',
    fault: { secret: 'reject', error: () => awsError('InternalFailure', 500) },
    expect: { answer: 'FAILED', reason: /InternalFailure/ },
  },
  {
    name: 'Secrets Manager connection reset',
    fault: { secret: 'reject', error: econnreset },
    expect: { answer: 'FAILED', reason: /ECONNRESET|socket hang up/ },
  },
  {
    name: 'secret without SecretString (partial response)',
    fault: { secret: 'value', value: undefined },
    expect: { answer: 'FAILED', reason: /no SecretString/ },
  },
  {
    name: 'secret that is not JSON',
    fault: { secret: 'value', value: 'not-json{' },
    expect: { answer: 'FAILED', reason: /not JSON/ },
  },
  {
    name: 'secret without password (partial response)',
    fault: { secret: 'value', value: '{"username":"postgres"}' },
    expect: { answer: 'FAILED', reason: /password/ },
  },
  {
    name: 'Secrets Manager never answers: deadline',
    fault: { secret: 'never' },
    remainingMs: 4_000,
    marginMs: 2_000,
    expect: { answer: 'FAILED', reason: /Timed out .* before the Lambda deadline/ },
  },
  {
    name: 'database refuses the connection',
    properties: pgWith(() => closed),
    expect: { answer: 'FAILED', reason: /ECONNREFUSED|refused/i },
  },
  {
    name: 'database accepts and hangs: deadline',
    properties: () => props({ Port: String(hanging.port), ConnectTimeoutSeconds: '60' }),
    remainingMs: 4_000,
    marginMs: 2_000,
    expect: { answer: 'FAILED', reason: /Timed out .* before the Lambda deadline/ },
  },
  {
    name: 'database resets the connection',
    properties: pgWith(() => resetting.port),
    expect: { answer: 'FAILED', reason: /ECONNRESET|closed|terminated|reset/i },
  },
  {
    name: 'MariaDB rejects the master password',
    properties: props({ Engine: 'mysql', Port: '3306' }),
    fault: { secret: 'value', value: JSON.stringify({ username: 'root', password: 'wrong-master' }) },
    expect: { answer: 'FAILED', reason: /denied|ER_ACCESS/i },
  },
  {
    name: 'invalid properties (typo, bad engine)',
    properties: { ...props(), Engine: 'oracle', OnDeleet: 'drop' },
    expect: { answer: 'FAILED', reason: /Invalid properties: .*Engine/ },
  },
  {
    name: 'hostile Username is rejected before any SQL',
    properties: props({ Username: "x'; DROP ROLE postgres; --" }),
    expect: { answer: 'FAILED', reason: /Username/ },
  },
  {
    name: 'misconfigured function still answers',
    deps: misconfigured(new Error('MYSQL_IAM_AUTH_CLAUSE is invalid')),
    expect: { answer: 'FAILED', reason: /misconfigured/ },
  },
  {
    name: 'RDS endpoint lookup throttled (secret without host)',
    properties: (() => {
      const p: Record<string, unknown> = props();
      delete p.Host;
      delete p.Port;
      return p;
    })(),
    fault: { secret: 'ok' },
    deps: {
      endpoints: rdsEndpointResolver(
        new SecretsManagerClient({ region: 'us-east-1' }),
        new RDSClient({ region: 'us-east-1' }),
      ),
    },
    expect: { answer: 'FAILED', reason: /Throttling|RDS|endpoint|host/i },
  },
  {
    name: 'ResponseURL answers 500 twice, then 200',
    responses: [500, 503],
    properties: pgWith(() => closed),
    expect: { answer: 'FAILED', reason: /ECONNREFUSED|refused/i, attempts: 3 },
  },
  {
    name: 'ResponseURL resets the connection once',
    responses: ['reset'],
    properties: pgWith(() => closed),
    expect: { answer: 'FAILED', reason: /ECONNREFUSED|refused/i, attempts: 2 },
  },
  {
    name: 'ResponseURL 429 then 200',
    responses: [429],
    properties: pgWith(() => closed),
    expect: { answer: 'FAILED', reason: /refused/i, attempts: 2 },
  },
  {
    name: 'ResponseURL 403 (expired URL): the invocation fails',
    responses: [403],
    properties: pgWith(() => closed),
    expect: { throws: 'PermanentError', message: /rejected: HTTP 403/ },
  },
  {
    name: 'ResponseURL always 500: the invocation fails retryably within the deadline',
    responses: [500, 500, 500, 500, 500, 500, 500],
    remainingMs: 8_000,
    marginMs: 2_000,
    properties: pgWith(() => closed),
    expect: { throws: 'RetryableError', message: /not delivered: HTTP 500/ },
  },
  {
    name: 'event without ResponseURL: InvalidEventError (ends in the DLQ)',
    event: () => ({ RequestType: 'Create', StackId: 'x', RequestId: 'r', LogicalResourceId: 'L' }),
    expect: { throws: 'InvalidEventError', message: /ResponseURL/ },
  },
  {
    name: 'Delete of an id it never created',
    type: 'Delete',
    physicalResourceId: 'some-other-id',
    expect: { answer: 'SUCCESS', reason: /Nothing to delete/ },
  },
  {
    name: 'Delete when the database is down (the id names a closed port)',
    type: 'Delete',
    physicalResourceId: () => `dbiamuser:v1:postgres:127.0.0.1:${closed}:test:${USER}`,
    properties: pgWith(() => closed),
    expect: { answer: 'FAILED', reason: /refused/i },
  },
  {
    name: 'Update when the database is down keeps the old id',
    type: 'Update',
    physicalResourceId: `dbiamuser:v1:postgres:127.0.0.1:5432:${PREFIX}:${USER}`,
    properties: pgWith(() => closed),
    expect: { answer: 'FAILED', reason: /refused/i },
  },
  {
    name: 'real Create against PostgreSQL (RDS master, app-owned tables)',
    properties: props(),
    expect: { answer: 'SUCCESS', reason: /IAM user hard_cr_user/ },
  },
  {
    name: 'real Delete against PostgreSQL (RDS master, app-owned tables)',
    type: 'Delete',
    physicalResourceId: `dbiamuser:v1:postgres:127.0.0.1:5432:${PREFIX}:${USER}`,
    properties: props(),
    expect: { answer: 'SUCCESS', reason: /Dropped user hard_cr_user/ },
  },
  {
    name: 'real Create against MariaDB (RDS master privilege list)',
    engine: 'mysql',
    properties: props({ Engine: 'mysql', Port: '3306' }),
    expect: { answer: 'SUCCESS', reason: /IAM user hard_cr_user/ },
  },
  {
    name: 'real Delete against MariaDB (RDS master privilege list)',
    engine: 'mysql',
    type: 'Delete',
    physicalResourceId: `dbiamuser:v1:mysql:127.0.0.1:3306:${PREFIX}:${USER}`,
    properties: props({ Engine: 'mysql', Port: '3306' }),
    expect: { answer: 'SUCCESS', reason: /Dropped user hard_cr_user/ },
  },
  {
    name: 'ResponseURL refuses every connection: the invocation fails at the second attempt, naming the S3 gateway endpoint',
    event: (url) => cfnEvent('Create', url.replace(/:\d+/, `:${closed}`), pgWith(() => closed)()),
    properties: pgWith(() => closed),
    expect: { throws: 'EndpointUnreachableError', message: /com\.amazonaws\.<region>\.s3/ },
  },
];

beforeEach(() => {
  sm.reset();
  rds.reset();
  // An RDS-managed secret: its tag names the instance, whose DescribeDBInstances is throttled.
  sm.on(DescribeSecretCommand).resolves({
    Tags: [{ Key: 'aws:rds:primaryDBInstanceArn', Value: 'arn:aws:rds:us-east-1:123456789012:db:app' }],
  });
  rds.on(DescribeDBInstancesCommand).rejects(awsError('Throttling', 400));
  rds.on(DescribeDBClustersCommand).rejects(awsError('Throttling', 400));
});

it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
  const fault = c.fault ?? { secret: 'ok' };
  if (fault.secret === 'ok')
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        username: world(c.engine).master,
        password: world(c.engine).masterPassword,
      }),
    });
  if (fault.secret === 'reject') sm.on(GetSecretValueCommand).rejects(fault.error());
  if (fault.secret === 'value') sm.on(GetSecretValueCommand).resolves({ SecretString: fault.value });
  if (fault.secret === 'never') sm.on(GetSecretValueCommand).callsFake(() => new Promise(() => undefined));
  response.script(...(c.responses ?? []));
  const physicalResourceId =
    typeof c.physicalResourceId === 'function' ? c.physicalResourceId() : c.physicalResourceId;
  const properties = typeof c.properties === 'function' ? c.properties() : (c.properties ?? props());

  const deps: InvocationDeps = {
    ...invocationPorts(),
    credentials: secretsManagerCredentials(new SecretsManagerClient({ region: 'us-east-1' })),
    endpoints: { endpointForSecret: async () => undefined },
    connect,
    mysqlAuth: authMethod(MARIADB_AUTH_CLAUSE),
    ...c.deps,
  };
  const event =
    c.event?.(response.url()) ??
    cfnEvent(c.type ?? 'Create', response.url(), properties, { physicalResourceId });
  const before = deepCopy(event);
  const remainingMs = c.remainingMs ?? 20_000;
  const context = lambdaContext({ deadline: Date.now() + remainingMs });
  const deadline = Date.now() + remainingMs;
  const accepted = response.accepted.length;
  const attempts = response.attempts;

  let error: unknown;
  try {
    await handleEvent(
      event,
      context,
      { ...deps, respond: cfnResponder({ sleep: async () => undefined }) },
      {
        dryRun: false,
        marginMs: c.marginMs ?? 5_000,
      },
    );
  } catch (e) {
    error = e;
  }
  const answeredBy = Date.now();

  expect(unchanged(before, event)).toBe(true);
  if ('answer' in c.expect) {
    expect(error).toBeUndefined();
    expect(response.accepted.length).toBe(accepted + 1);
    const body = response.accepted[response.accepted.length - 1] as {
      Status: string;
      Reason: string;
      PhysicalResourceId: string;
    };
    expect(body).toMatchObject({ Status: c.expect.answer, Reason: expect.stringMatching(c.expect.reason) });
    expect(badTokens(body.Reason, event)).toEqual([]);
    expect(body.Reason).not.toContain(world('postgres').masterPassword);
    expect(body.Reason).not.toContain(world('mysql').masterPassword);
    if (c.type !== 'Create' && physicalResourceId) expect(body.PhysicalResourceId).toBe(physicalResourceId);
    if (c.expect.attempts) expect(response.attempts - attempts).toBe(c.expect.attempts);
    // In time: the answer was delivered before the Lambda deadline.
    expect(answeredBy).toBeLessThan(deadline);
  } else {
    expect(isProjectError(error)).toBe(true);
    expect((error as Error).name).toBe(c.expect.throws);
    expect((error as Error).message).toMatch(c.expect.message);
    expect(response.accepted.length).toBe(accepted);
    expect(answeredBy).toBeLessThan(deadline);
  }
});
