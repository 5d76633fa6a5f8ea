import { mysqlDialect, normaliseGrant } from '../../../functions/rotate-secret/dialects/mysql';
import {
  postgresDialect,
  quoteIdent,
  quoteLiteral,
} from '../../../functions/rotate-secret/dialects/postgres';

describe('postgres dialect', () => {
  it('quotes identifiers and literals so a password cannot end the statement', () => {
    expect(quoteIdent('app"x')).toBe('"app""x"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral('a\\b')).toBe("E'a\\\\b'");
    expect(postgresDialect.createUser('app_clone', '', "p'w").sql).toBe(
      `CREATE ROLE "app_clone" WITH LOGIN PASSWORD 'p''w'`,
    );
  });

  it('turns privilege rows into grants naming the grantee, with keys that compare across users', () => {
    const rows = [
      { kind: 'TABLE', object: 'public.items', privilege: 'SELECT', grantable: false },
      { kind: 'ROLE', object: 'app_owner', privilege: '', grantable: false },
    ];
    const forClone = postgresDialect.privileges(rows, 'app', 'app_clone', '');
    const forApp = postgresDialect.privileges(rows, 'app', 'app', '');
    expect(forClone.map((p) => p.key)).toEqual(forApp.map((p) => p.key));
    expect(forClone.map((p) => p.grant.sql)).toEqual([
      'GRANT SELECT ON TABLE public.items TO "app_clone"',
      'GRANT app_owner TO "app_clone"',
    ]);
    expect(forClone.map((p) => p.revoke?.sql)).toEqual([
      'REVOKE SELECT ON TABLE public.items FROM "app_clone"',
      'REVOKE app_owner FROM "app_clone"',
    ]);
  });

  it("never revokes an owner's own privileges", () => {
    const [owned] = postgresDialect.privileges(
      [{ kind: 'TABLE', object: 'public.made_by_app', privilege: 'SELECT', grantable: true, owned: true }],
      'app',
      'app',
      '',
    );
    expect(owned!.revoke).toBeUndefined();
    expect(owned!.grant.sql).toBe('GRANT SELECT ON TABLE public.made_by_app TO "app" WITH GRANT OPTION');
  });

  it('limits user names to 63 bytes, counting multi-byte characters as bytes', () => {
    expect(postgresDialect.maxUserName).toEqual({ limit: 63, unit: 'bytes' });
    expect(postgresDialect.userNameLength('é'.repeat(10))).toBe(20);
  });
});

describe('mysql dialect', () => {
  it('drops the password hash MariaDB prints in SHOW GRANTS, so copying grants never copies a password', () => {
    const line =
      "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'";
    expect(normaliseGrant(line, 'app', '%')).toBe('GRANT USAGE ON *.* TO {account}');
    expect(normaliseGrant("GRANT SELECT ON `db`.* TO 'app'@'%' WITH GRANT OPTION", 'app', '%')).toBe(
      'GRANT SELECT ON `db`.* TO {account} WITH GRANT OPTION',
    );
  });

  it("re-grants the holder's lines to the grantee; role grants can be revoked on their own", () => {
    const rows = [
      { 'Grants for app@%': 'GRANT SELECT, INSERT ON `db`.`items` TO `app`@`%`' },
      { 'Grants for app@%': 'GRANT `reporting` TO `app`@`%`' },
    ];
    const privileges = mysqlDialect.privileges(rows, 'app', 'app_clone', '%');
    expect(privileges.map((p) => p.grant.sql)).toEqual([
      "GRANT SELECT, INSERT ON `db`.`items` TO 'app_clone'@'%'",
      "GRANT `reporting` TO 'app_clone'@'%'",
    ]);
    expect(privileges[0]!.revoke).toBeUndefined();
    expect(privileges[1]!.revoke?.sql).toBe("REVOKE `reporting` FROM 'app_clone'@'%'");
  });

  it('changes its own password with SET PASSWORD on MariaDB and ALTER USER on MySQL', () => {
    expect(mysqlDialect.setOwnPassword('app', 'pw', '10.11.19-MariaDB-0+deb12u1').sql).toBe(
      'SET PASSWORD = PASSWORD(?)',
    );
    expect(mysqlDialect.setOwnPassword('app', 'pw', '8.0.36').sql).toBe(
      'ALTER USER CURRENT_USER() IDENTIFIED BY ?',
    );
  });

  it('limits user names to 32 characters and detects IAM users by their plugin', () => {
    expect(mysqlDialect.maxUserName).toEqual({ limit: 32, unit: 'characters' });
    expect(mysqlDialect.isIamUser('app').sql).toContain("'AWSAuthenticationPlugin'");
  });
});
