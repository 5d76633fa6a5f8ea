/**
 * Decisions of core.processRequest with in-memory fakes: a recording database connection,
 * fixed credentials and an RDS endpoint lookup.
 */
import type { DbConnection, DbConnectOptions } from '../../../shared/db/driver';
import { processRequest, type CoreDeps, type CoreOptions } from '../../../functions/db-iam-user/core';
import { misconfigured } from '../../../functions/db-iam-user/custom-resource';
import { ALL_DATABASE_PRIVILEGES, authMethod } from '../../../functions/db-iam-user/dialects/mysql';
import { CustomResourceEvent } from '../../../functions/db-iam-user/schema';
import { cfnEvent, SECRET_ARN } from '../../helpers/db-iam-user/events';

type Rows = Array<Record<string, unknown>>;

function fakeDatabase(answer: (sql: string) => Rows = () => []) {
  const executed: string[] = [];
  const opened: DbConnectOptions[] = [];
  const connect = jest.fn(async (options: DbConnectOptions): Promise<DbConnection> => {
    opened.push(options);
    return {
      engine: options.engine,
      async query<T>(sql: string) {
        executed.push(sql);
        return answer(sql) as T[];
      },
      close: async () => undefined,
    };
  });
  return { connect, executed, opened };
}

function setup(
  answer?: (sql: string) => Rows,
  secret: Record<string, unknown> = { username: 'master', password: 'm-pw-123' },
) {
  const db = fakeDatabase(answer);
  const credentials = { get: jest.fn(async () => ({ ...secret }) as { username: string; password: string }) };
  const endpoints = {
    endpointForSecret: jest.fn(async () => ({
      host: 'app.cluster-abc.eu-west-1.rds.amazonaws.com',
      port: 5432,
    })),
  };
  const deps: CoreDeps = { credentials, endpoints, connect: db.connect, mysqlAuth: authMethod() };
  return { db, credentials, endpoints, deps };
}

const options = (overrides: Partial<CoreOptions> = {}): CoreOptions => ({
  dryRun: false,
  timeLeftMs: () => 60_000,
  ...overrides,
});
const props = (overrides: Record<string, unknown> = {}) => ({
  Engine: 'postgres',
  Host: 'db.example',
  Database: 'app',
  Username: 'django',
  MasterSecretArn: SECRET_ARN,
  ...overrides,
});
const event = (type: 'Create' | 'Update' | 'Delete', p: Record<string, unknown>, id?: string) =>
  CustomResourceEvent.parse(cfnEvent(type, 'https://example.com/r', p, id ? { physicalResourceId: id } : {}));

describe('processRequest', () => {
  it('rejects a hostile Username before reading the secret or connecting', async () => {
    const { deps, credentials, db } = setup();

    const outcome = await processRequest(
      event('Create', props({ Username: "x'; DROP TABLE t; --" })),
      deps,
      options(),
    );

    expect(outcome).toMatchObject({
      status: 'FAILED',
      physicalResourceId: 'dbiamuser:create-failed:AppDbUser',
    });
    expect(outcome.reason).toMatch(/^Invalid properties: Username: must contain only letters/);
    expect(credentials.get).not.toHaveBeenCalled();
    expect(db.connect).not.toHaveBeenCalled();
  });

  it('refuses to turn the master user into an IAM user', async () => {
    const { deps, db } = setup();

    const outcome = await processRequest(event('Create', props({ Username: 'master' })), deps, options());

    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toMatch(/is the master user/);
    expect(db.connect).not.toHaveBeenCalled();
  });

  it('resolves the endpoint through RDS when neither the properties nor the secret have a host', async () => {
    const { deps, db, endpoints } = setup();

    const outcome = await processRequest(event('Create', props({ Host: undefined })), deps, options());

    expect(endpoints.endpointForSecret).toHaveBeenCalledWith(SECRET_ARN);
    expect(db.opened[0]).toMatchObject({
      host: 'app.cluster-abc.eu-west-1.rds.amazonaws.com',
      port: 5432,
      database: 'app',
    });
    expect(outcome.physicalResourceId).toBe(
      'dbiamuser:v1:postgres:app.cluster-abc.eu-west-1.rds.amazonaws.com:5432:app:django',
    );
  });

  it('prefers the secret host and port over RDS', async () => {
    const { deps, db, endpoints } = setup(undefined, {
      username: 'master',
      password: 'pw-1234',
      host: 'from.secret',
      port: 6543,
    });

    await processRequest(event('Create', props({ Host: undefined })), deps, options());

    expect(endpoints.endpointForSecret).not.toHaveBeenCalled();
    expect(db.opened[0]).toMatchObject({ host: 'from.secret', port: 6543 });
  });

  it('fails clearly when no endpoint can be found', async () => {
    const { deps } = setup();
    deps.endpoints.endpointForSecret = async () => undefined;

    const outcome = await processRequest(event('Create', props({ Host: undefined })), deps, options());

    expect(outcome.reason).toMatch(
      /not a secret RDS manages \(no aws:rds:primaryDBInstanceArn or aws:rds:primaryDBClusterArn tag/,
    );
  });

  it('connects with TLS verify-full and the CA bundle by default, and lets the deadline timer answer when less time is left than ConnectTimeoutSeconds', async () => {
    const { deps, db } = setup();

    await processRequest(
      event('Create', props({ ConnectTimeoutSeconds: '300' })),
      deps,
      options({ caBundlePath: '/ca.pem', timeLeftMs: () => 7_000 }),
    );

    expect(db.opened[0]).toMatchObject({
      ssl: 'verify-full',
      caBundlePath: '/ca.pem',
      // 1 s past the deadline timer, which then answers FAILED with its explanation first.
      connectTimeoutMs: 8_000,
      user: 'master',
    });
  });

  it('in dry run reads but changes nothing, and lists the statements it would run', async () => {
    const { deps, db } = setup();

    const outcome = await processRequest(event('Create', props()), deps, options({ dryRun: true }));

    expect(outcome.status).toBe('SUCCESS');
    expect(outcome.reason).toMatch(/^\[dry run\] Created IAM user django/);
    expect(outcome.changes).toContain('CREATE ROLE "django" LOGIN');
    expect(db.executed.every((sql) => sql.startsWith('SELECT'))).toBe(true);
  });

  it('Delete with OnDelete retain reads no secret and touches no database', async () => {
    const { deps, credentials, db } = setup();
    const id = 'dbiamuser:v1:postgres:db.example:5432:app:django';

    const outcome = await processRequest(event('Delete', props(), id), deps, options());

    expect(outcome).toMatchObject({
      status: 'SUCCESS',
      physicalResourceId: id,
      reason: 'User django retained (OnDelete: retain)',
    });
    expect(credentials.get).not.toHaveBeenCalled();
    expect(db.connect).not.toHaveBeenCalled();
  });

  it('Delete of our id with properties that no longer parse retains the user and succeeds', async () => {
    const { deps, db } = setup();
    const id = 'dbiamuser:v1:postgres:db.example:5432:app:django';

    const outcome = await processRequest(
      event('Delete', props({ OnDelete: 'explode' }), id),
      deps,
      options(),
    );

    expect(outcome.status).toBe('SUCCESS');
    expect(outcome.reason).toMatch(/retained: properties are invalid \(OnDelete/);
    expect(db.connect).not.toHaveBeenCalled();
  });

  it('Delete acts on the user named in the id (the old one after a rename), not on the properties', async () => {
    const { deps, db } = setup((sql) =>
      sql.includes('FROM mysql.user') ? [{ plugin: 'AWSAuthenticationPlugin' }] : [],
    );
    const id = 'dbiamuser:v1:mysql:db.example:3306:app:old_name';

    const outcome = await processRequest(
      event('Delete', props({ Engine: 'mysql', Username: 'new_name', OnDelete: 'drop' }), id),
      deps,
      options(),
    );

    expect(outcome.status).toBe('SUCCESS');
    expect(db.executed).toContain("DROP USER IF EXISTS 'old_name'@'%'");
    expect(db.executed.join('\n')).not.toContain('new_name');
  });

  it('Delete keeps a MySQL user that still has access to another database, revoking only this one', async () => {
    const { deps, db } = setup((sql) => {
      if (sql.includes('FROM mysql.user')) return [{ plugin: 'AWSAuthenticationPlugin' }];
      if (sql.includes('FROM mysql.db')) return [{ db: 'app' }, { db: 'other\\_db' }];
      return [];
    });
    const id = 'dbiamuser:v1:mysql:db.example:3306:app:django';

    const outcome = await processRequest(
      event('Delete', props({ Engine: 'mysql', OnDelete: 'drop' }), id),
      deps,
      options(),
    );

    expect(outcome.reason).toMatch(/Revoked django's access to app only: it still has access to other_db/);
    expect(db.executed).toContain(
      `REVOKE ${ALL_DATABASE_PRIVILEGES.join(', ')} ON \`app\`.* FROM 'django'@'%'`,
    );
    expect(db.executed.some((sql) => sql.startsWith('DROP USER'))).toBe(false);
  });

  it('makes no further change once the response was sent (deadline)', async () => {
    const controller = new AbortController();
    controller.abort();
    const { deps, db } = setup();

    const outcome = await processRequest(
      event('Create', props()),
      deps,
      options({ signal: controller.signal }),
    );

    expect(outcome.status).toBe('FAILED');
    expect(db.executed).toEqual([]);
  });

  it('when misconfigured, fails Create with the configuration error but still lets a retained Delete succeed', async () => {
    const deps = misconfigured(new Error('MYSQL_IAM_AUTH_CLAUSE is invalid'));

    const create = await processRequest(event('Create', props()), deps, options());
    const del = await processRequest(
      event('Delete', props(), 'dbiamuser:v1:postgres:db.example:5432:app:django'),
      deps,
      options(),
    );

    expect(create.reason).toMatch(/misconfigured: MYSQL_IAM_AUTH_CLAUSE is invalid/);
    expect(del.status).toBe('SUCCESS');
  });
});
