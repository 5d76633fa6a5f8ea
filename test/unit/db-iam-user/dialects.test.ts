import * as mysql from '../../../functions/db-iam-user/dialects/mysql';
import * as postgres from '../../../functions/db-iam-user/dialects/postgres';
import * as mysqlQuote from '../../../shared/db/mysql-quote';
import * as postgresQuote from '../../../shared/db/postgres-quote';

describe('MySQL dialect', () => {
  const aws = mysql.authMethod();

  it('creates the user with exactly the RDS IAM clause by default', () => {
    expect(mysql.AWS_IAM_AUTH_CLAUSE).toBe("IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'");
    expect(aws).toEqual({
      clause: "IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'",
      plugin: 'AWSAuthenticationPlugin',
    });
    expect(mysql.createUser('django', aws)).toBe(
      "CREATE USER IF NOT EXISTS 'django'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'",
    );
    expect(mysql.convertUser('django', aws)).toBe(
      "ALTER USER 'django'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'",
    );
  });

  it('accepts another plugin clause for test servers, and refuses a clause that carries other SQL', () => {
    expect(mysql.authMethod('IDENTIFIED VIA unix_socket')).toEqual({
      clause: 'IDENTIFIED VIA unix_socket',
      plugin: 'unix_socket',
    });
    expect(() => mysql.authMethod("IDENTIFIED VIA unix_socket; DROP USER 'root'@'%'")).toThrow(
      /not of the form/,
    );
    expect(() => mysql.authMethod("IDENTIFIED BY 'password'")).toThrow(/not of the form/);
  });

  it('grants on the database with _ escaped, so my_db does not also match myXdb', () => {
    // ALL as the explicit list: the RDS for MariaDB master lacks DELETE HISTORY, part of ALL there.
    expect(mysql.grant('django', 'my_app', ['ALL'])).toBe(
      'GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, REFERENCES, CREATE TEMPORARY TABLES, ' +
        'LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER ' +
        "ON `my\\_app`.* TO 'django'@'%'",
    );
    expect(mysql.grant('django', 'main', ['SELECT', 'INSERT'])).toBe(
      "GRANT SELECT, INSERT ON `main`.* TO 'django'@'%'",
    );
    expect(mysql.isSameDatabase('my\\_app', 'my_app')).toBe(true);
    expect(mysql.isSameDatabase('my_app', 'my_app')).toBe(true);
    expect(mysql.isSameDatabase('other', 'my_app')).toBe(false);
  });

  it('locks, unlocks and drops only the % account', () => {
    expect(mysql.lockUser('django')).toBe("ALTER USER IF EXISTS 'django'@'%' ACCOUNT LOCK");
    expect(mysql.unlockUser('django')).toBe("ALTER USER 'django'@'%' ACCOUNT UNLOCK");
    expect(mysql.dropUser('django')).toBe("DROP USER IF EXISTS 'django'@'%'");
    expect(mysql.revokeStored('django', 'my\\_app')).toBe(
      `REVOKE ${mysql.ALL_DATABASE_PRIVILEGES.join(', ')} ON \`my\\_app\`.* FROM 'django'@'%'`,
    );
  });

  it('quotes hostile text so it stays inside its literal or identifier', () => {
    // mysql2's escape (the same as its `?` values): quotes and backslashes backslash-escaped.
    expect(mysqlQuote.quoteString("x'; DROP TABLE t; --")).toBe("'x\\'; DROP TABLE t; --'");
    expect(mysqlQuote.quoteString("a\\'b")).toBe("'a\\\\\\'b'");
    expect(mysqlQuote.quoteIdent('x`; DROP TABLE t; --')).toBe('`x``; DROP TABLE t; --`');
    expect(mysql.lookupUser("x'; DROP TABLE t; --")).toBe(
      "SELECT plugin FROM mysql.user WHERE User = 'x\\'; DROP TABLE t; --' AND Host = '%'",
    );
  });
});

describe('PostgreSQL dialect', () => {
  it('creates a login role and makes it an IAM user with rds_iam', () => {
    expect(postgres.createUser('django')).toBe('CREATE ROLE "django" LOGIN');
    expect(postgres.grantIam('django')).toBe('GRANT "rds_iam" TO "django"');
    expect(postgres.removePassword('django')).toBe('ALTER ROLE "django" PASSWORD NULL');
  });

  it('grants ALL on the database, the schema and its tables and sequences', () => {
    expect(postgres.grant('django', 'app', 'public', ['ALL'])).toEqual([
      'GRANT ALL PRIVILEGES ON DATABASE "app" TO "django"',
      'GRANT ALL PRIVILEGES ON SCHEMA "public" TO "django"',
      'GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA "public" TO "django"',
      'GRANT ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA "public" TO "django"',
    ]);
  });

  it('grants a read-only list with CONNECT, USAGE and SELECT on sequences only', () => {
    expect(postgres.grant('reporting', 'app', 'public', ['SELECT'])).toEqual([
      'GRANT CONNECT, TEMPORARY ON DATABASE "app" TO "reporting"',
      'GRANT USAGE ON SCHEMA "public" TO "reporting"',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "reporting"',
      'GRANT SELECT ON ALL SEQUENCES IN SCHEMA "public" TO "reporting"',
    ]);
    expect(postgres.grant('w', 'app', 's', ['INSERT', 'CREATE'])).toEqual([
      'GRANT CONNECT, TEMPORARY ON DATABASE "app" TO "w"',
      'GRANT USAGE, CREATE ON SCHEMA "s" TO "w"',
      'GRANT INSERT ON ALL TABLES IN SCHEMA "s" TO "w"',
      'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "s" TO "w"',
    ]);
  });

  it('revokes only on objects the role does not own (its own tables keep working)', () => {
    const [db, schema, objects] = postgres.revokeManaged('django', 'app', 'public');
    expect(db).toBe('REVOKE ALL PRIVILEGES ON DATABASE "app" FROM "django"');
    expect(schema).toBe('REVOKE ALL PRIVILEGES ON SCHEMA "public" FROM "django"');
    expect(objects).toContain("c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = 'django')");
    expect(objects).toContain("n.nspname = 'public'");
  });

  it('drops after reassigning owned objects to the master, joining the role first when not a superuser', () => {
    expect(postgres.dropUser('django', true)).toEqual([
      'GRANT "django" TO CURRENT_USER',
      'REASSIGN OWNED BY "django" TO CURRENT_USER',
      'DROP OWNED BY "django"',
      'DROP ROLE IF EXISTS "django"',
    ]);
    expect(postgres.dropUser('django', false)[0]).toBe('REASSIGN OWNED BY "django" TO CURRENT_USER');
    expect(postgres.lockUser('django')).toBe('ALTER ROLE "django" NOLOGIN');
  });

  it('quotes hostile text so it stays inside its literal or identifier', () => {
    expect(postgresQuote.quoteIdent('x"; DROP TABLE t; --')).toBe('"x""; DROP TABLE t; --"');
    expect(postgresQuote.quoteLiteral("x'; DROP TABLE t; --")).toBe("'x''; DROP TABLE t; --'");
    expect(postgresQuote.quoteLiteral("a\\'")).toBe("E'a\\\\'''");
    expect(postgres.lookupUser("x'; DROP TABLE t; --")).toContain(
      "WHERE r.rolname = 'x''; DROP TABLE t; --'",
    );
  });

  // RDS: the master is no superuser; it grants on the app user's tables as a member of their owner.
  it('joins and leaves an owning role, and sets default privileges for future tables', () => {
    expect(postgres.adoptOwner('app')).toBe('GRANT "app" TO CURRENT_USER');
    expect(postgres.releaseOwner('app')).toBe('REVOKE "app" FROM CURRENT_USER');
    expect(postgres.grantDefaultPrivileges('app', 'public', 'reporting', ['SELECT'])).toEqual([
      'ALTER DEFAULT PRIVILEGES FOR ROLE "app" IN SCHEMA "public" GRANT SELECT ON TABLES TO "reporting"',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "app" IN SCHEMA "public" GRANT SELECT ON SEQUENCES TO "reporting"',
    ]);
    expect(postgres.grantDefaultPrivileges('app', 'public', 'django', ['ALL'])).toEqual([
      'ALTER DEFAULT PRIVILEGES FOR ROLE "app" IN SCHEMA "public" GRANT ALL PRIVILEGES ON TABLES TO "django"',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "app" IN SCHEMA "public" GRANT ALL PRIVILEGES ON SEQUENCES TO "django"',
    ]);
    expect(postgres.grantDefaultPrivileges('app', 's', 'w', ['CREATE'])).toEqual([]);
    expect(postgres.revokeDefaultPrivileges('app', 'public', 'django')).toEqual([
      'ALTER DEFAULT PRIVILEGES FOR ROLE "app" IN SCHEMA "public" REVOKE ALL PRIVILEGES ON TABLES FROM "django"',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "app" IN SCHEMA "public" REVOKE ALL PRIVILEGES ON SEQUENCES FROM "django"',
    ]);
  });

  it('finds the owners of the schema objects with quoted names, without superusers or pg_ roles', () => {
    const sql = postgres.objectOwners("x'; DROP TABLE t; --", ['public', "s'q"]);
    expect(sql).toMatch(/^SELECT r\.rolname AS role, pg_has_role\(current_user, r\.oid, 'MEMBER'\) AS held/);
    expect(sql).toContain("ARRAY['public', 's''q']::text[]");
    expect(sql).toContain("r.rolname <> 'x''; DROP TABLE t; --'");
    expect(sql).toContain("rolname = 'pg_database_owner'");
    expect(sql).toContain("NOT r.rolsuper AND r.rolname NOT LIKE 'pg\\_%'");
  });
});
