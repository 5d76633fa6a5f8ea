/**
 * The RDS-shaped world itself (local/rds-world): the master is what RDS hands out, and the
 * app's tables belong to the app user because Django's migrations ran as it. If one of these
 * fails, every dbIamUser / rotateSecret test built on the world would be kinder than RDS.
 */
import type { Engine } from '../../../shared/db/driver';
import {
  as,
  asAdmin,
  createWorld,
  dropWorld,
  migrate,
  rdsManagedSecret,
  relationOwners,
  type World,
} from '../../../local/rds-world';

describe.each<Engine>(['postgres', 'mysql'])('RDS world on %s', (engine) => {
  const prefix = `world_${engine === 'postgres' ? 'pg' : 'my'}`;
  let world: World;
  beforeAll(async () => {
    world = await createWorld(engine, prefix);
  }, 120_000);
  afterAll(() => dropWorld(engine, prefix));

  if (engine === 'postgres') {
    it('master: LOGIN CREATEROLE CREATEDB, not a superuser, member of rds_superuser (which holds rds_iam WITH ADMIN OPTION)', async () => {
      const [row] = await asAdmin(engine, (db) =>
        db.query<Record<string, boolean>>(
          `SELECT rolsuper, rolcanlogin, rolcreaterole, rolcreatedb,
                  pg_has_role(rolname, 'rds_superuser', 'MEMBER') AS in_rds_superuser,
                  EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.roleid = 'rds_iam'::regrole
                          AND m.member = 'rds_superuser'::regrole AND m.admin_option) AS rds_iam_admin
             FROM pg_roles WHERE rolname = $1`,
          [world.master],
        ),
      );
      expect(row).toEqual({
        rolsuper: false,
        rolcanlogin: true,
        rolcreaterole: true,
        rolcreatedb: true,
        in_rds_superuser: true,
        rds_iam_admin: true,
      });
    });
    it('the app user owns the tables and sequences Django created; the master may not read them', async () => {
      const owners = await relationOwners(world);
      expect(owners).toMatchObject({
        django_migrations: world.app,
        django_migrations_id_seq: world.app,
        items: world.app,
        items_id_seq: world.app,
        auth_user: world.app,
      });
      await expect(
        as(
          engine,
          world.master,
          world.masterPassword,
          (db) => db.query('SELECT * FROM items'),
          world.database,
        ),
      ).rejects.toThrow(/permission denied for table items/);
    });
  } else {
    it('master holds the RDS list WITH GRANT OPTION and no SUPER, FILE or SHUTDOWN', async () => {
      const grants = await as(engine, world.master, world.masterPassword, (db) =>
        db.query<Record<string, string>>('SHOW GRANTS'),
      );
      const text = grants.map((g) => Object.values(g).join(' ')).join('\n');
      expect(text).toMatch(/CREATE USER/);
      expect(text).toMatch(/RELOAD, PROCESS/);
      expect(text).toMatch(/WITH GRANT OPTION/);
      expect(text).not.toMatch(/\bSUPER\b|\bFILE\b|SHUTDOWN|ALL PRIVILEGES/);
    });
  }

  it('a later migration, run as the app user, creates a table the app owns', async () => {
    await migrate(world, 'shop', '0002_orders');
    const tables = await as(
      engine,
      world.app,
      world.appPassword,
      (db) =>
        db.query<{ n: number | string }>(
          engine === 'postgres'
            ? `SELECT count(*) AS n FROM pg_tables WHERE tablename = 'orders' AND tableowner = current_user`
            : `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'orders'`,
        ),
      world.database,
    );
    expect(Number(tables[0]?.n)).toBe(1);
  });
});

describe('RDS-managed master secret', () => {
  it.each(['instance', 'cluster'] as const)(
    '%s: only username/password, tagged, resolved through Describe',
    (kind) => {
      const world = {
        engine: 'postgres' as const,
        host: '127.0.0.1',
        port: 5432,
        master: 'm',
        masterPassword: 'pw-unit-M4ster',
        database: 'appdb',
      };
      const secret = rdsManagedSecret(world, kind);
      expect(Object.keys(JSON.parse(secret.secretString) as object).sort()).toEqual(['password', 'username']);
      expect(secret.name).toMatch(kind === 'instance' ? /^rds!db-/ : /^rds!cluster-/);
      expect(secret.tags).toContainEqual({
        Key: kind === 'instance' ? 'aws:rds:primaryDBInstanceArn' : 'aws:rds:primaryDBClusterArn',
        Value: secret.dbArn,
      });
      const described = kind === 'instance' ? secret.describe.DBInstances : secret.describe.DBClusters;
      expect(described?.[0]).toMatchObject({ MasterUserSecret: { SecretArn: secret.arn } });
    },
  );
});
