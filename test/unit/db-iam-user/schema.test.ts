import {
  DbIamUserConfig,
  DbIamUserProperties,
  describePropertyIssues,
  settingsFrom,
} from '../../../functions/db-iam-user/schema';
import { loadConfig } from '../../../shared/config';
import { failedCreateId, parsePhysicalId, physicalIdOf } from '../../../functions/db-iam-user/physical-id';

const base = {
  Engine: 'postgres',
  Database: 'app',
  Username: 'django',
  MasterSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-1a2b-XyZ',
};

const problems = (props: Record<string, unknown>) => {
  const parsed = DbIamUserProperties.safeParse(props);
  return parsed.success ? '' : describePropertyIssues(parsed.error);
};

describe('resource properties', () => {
  it('fills the documented defaults', () => {
    expect(DbIamUserProperties.parse(base)).toEqual({
      ...base,
      Schema: 'public',
      Privileges: ['ALL'],
      Ssl: 'verify-full',
      OnDelete: 'retain',
      ExistingUser: 'fail',
      ConnectTimeoutSeconds: 30,
    });
  });

  it('parses the strings CloudFormation sends', () => {
    const parsed = DbIamUserProperties.parse({
      ...base,
      Engine: 'aurora-mysql',
      Port: '3306',
      ConnectTimeoutSeconds: '45',
      Ssl: 'false',
      OnDelete: 'DROP',
      Privileges: 'select, insert , create temporary   tables',
    });
    expect(parsed).toMatchObject({
      Engine: 'mysql',
      Port: 3306,
      ConnectTimeoutSeconds: 45,
      Ssl: 'disable',
      OnDelete: 'drop',
      Privileges: ['SELECT', 'INSERT', 'CREATE TEMPORARY TABLES'],
    });
    expect(DbIamUserProperties.parse({ ...base, Ssl: 'true' }).Ssl).toBe('verify-full');
    expect(DbIamUserProperties.parse({ ...base, Privileges: ['all privileges'] }).Privileges).toEqual([
      'ALL',
    ]);
  });

  it.each([
    [{ Username: "x'; DROP TABLE t; --" }, /^Username: must contain only letters/],
    [{ Database: 'app-db' }, /^Database: must contain only letters/],
    [{ Username: '1abc' }, /^Username: must contain only letters/],
    [{ Engine: 'mysql', Username: 'a'.repeat(33) }, /^Username: must be at most 32 characters/],
    [{ Username: 'a'.repeat(64) }, /^Username: must be at most 63 characters/],
    [{ Username: 'rdsadmin' }, /^Username: is a built-in or reserved account/],
    [{ Username: 'pg_monitor' }, /^Username: is a built-in or reserved account/],
    [{ Engine: 'oracle' }, /^Engine: /],
    [{ Port: '99999' }, /^Port: /],
    [{ MasterSecretArn: 'my-secret' }, /^MasterSecretArn: must be a Secrets Manager secret ARN/],
    [{ OnDelete: 'destroy' }, /^OnDelete: /],
    [{ Privileges: ['SUPER'] }, /^Privileges: not allowed for postgres: SUPER/],
    [{ Engine: 'mysql', Privileges: ['TRUNCATE'] }, /^Privileges: not allowed for mysql: TRUNCATE/],
    [{ Privileges: ['ALL', 'SELECT'] }, /^Privileges: ALL cannot be combined/],
    [{ OnDeleet: 'drop' }, /Unrecognized key.*OnDeleet/],
    [{ ConnectTimeoutSeconds: '0' }, /^ConnectTimeoutSeconds: /],
  ])('rejects %o', (override, message) => {
    expect(problems({ ...base, ...override })).toMatch(message);
  });

  it('reports every problem at once', () => {
    expect(problems({ ...base, Username: 'bad name', OnDelete: 'x' }).split('; ')).toHaveLength(2);
  });
});

describe('PhysicalResourceId', () => {
  const identity = {
    engine: 'postgres' as const,
    host: 'DB.abc.eu-west-1.rds.amazonaws.com',
    port: 5432,
    database: 'app',
    user: 'django',
  };

  it('is deterministic and round-trips', () => {
    const id = physicalIdOf(identity);
    expect(id).toBe('dbiamuser:v1:postgres:db.abc.eu-west-1.rds.amazonaws.com:5432:app:django');
    expect(physicalIdOf({ ...identity })).toBe(id);
    expect(parsePhysicalId(id)).toEqual({ ...identity, host: 'db.abc.eu-west-1.rds.amazonaws.com' });
  });

  it('round-trips an IPv6 host', () => {
    expect(parsePhysicalId(physicalIdOf({ ...identity, host: '::1' }))).toEqual({ ...identity, host: '::1' });
  });

  it.each([
    failedCreateId('AppDbUser'),
    'ops-sentinel-dev-dbIamUser-2026/11/24/[$LATEST]abc',
    'dbiamuser:v1:oracle:h:1:app:django',
    'dbiamuser:v1:postgres:h:0:app:django',
    "dbiamuser:v1:postgres:h:5432:app:x'; DROP TABLE t; --",
    'dbiamuser:v1:mysql:h:3306:my-db:django',
  ])('treats %s as not ours', (id) => {
    expect(parsePhysicalId(id)).toBeUndefined();
  });
});

describe('numbers from CloudFormation strings', () => {
  it('says a non-numeric Port or timeout must be a whole number instead of "received NaN"', () => {
    const reason = problems({ ...base, Port: 'five-four-three-two', ConnectTimeoutSeconds: '1.5' });
    expect(reason).toContain('Port');
    expect(reason).toContain('must be a whole number');
    expect(reason).not.toContain('NaN');
  });
});

describe('settingsFrom (the request lifecycle options)', () => {
  it('keeps the CA bundle only when the file exists (the region is that of the respond port: adapters.test)', () => {
    const config = loadConfig(DbIamUserConfig, {
      DRY_RUN: 'true',
      RESPONSE_MARGIN_MS: '2500',
      DB_CA_BUNDLE_PATH: __filename,
    });
    expect(settingsFrom(config)).toEqual({
      dryRun: true,
      caBundlePath: __filename,
      marginMs: 2_500,
    });
    expect(settingsFrom(loadConfig(DbIamUserConfig, { DB_CA_BUNDLE_PATH: '/nonexistent/ca.pem' }))).toEqual({
      dryRun: false,
      caBundlePath: undefined,
      marginMs: 5_000,
    });
  });
});
