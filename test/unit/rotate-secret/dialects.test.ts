import { mysqlDialect, normaliseGrant } from '../../../functions/rotate-secret/dialects/mysql';
import { postgresDialect } from '../../../functions/rotate-secret/dialects/postgres';
import { quoteIdent, quoteLiteral } from '../../../shared/db/postgres-quote';

describe('postgres dialect', () => {
  it('quotes identifiers and literals so a password cannot end the statement', () => {
    expect(quoteIdent('app"x')).toBe('"app""x"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral('a\\b')).toBe("E'a\\\\b'");
    expect(postgresDialect.createUser('app_clone', '', "p'w").sql).toBe(
      `CREATE ROLE "app_clone" WITH LOGIN PASSWORD 'p''w'`,
    );
  });

  it("makes the clone a member of the base user that acts as it, as AWS's template grants membership", () => {
    // https://github.com/aws-samples/aws-secrets-manager-rotation-lambdas/blob/master/SecretsManagerRDSPostgreSQLRotationMultiUser/lambda_function.py
    expect(postgresDialect.cloneOf!('app', 'app_clone').map((s) => s.sql)).toEqual([
      'GRANT "app" TO "app_clone"',
      `ALTER ROLE "app_clone" SET role = 'app'`,
    ]);
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
    const privileges = mysqlDialect.grants!.privileges(rows, 'app', 'app_clone', '%');
    expect(privileges.map((p) => p.grant.sql)).toEqual([
      "GRANT SELECT, INSERT ON `db`.`items` TO 'app_clone'@'%'",
      "GRANT `reporting` TO 'app_clone'@'%'",
    ]);
    expect(privileges[0]!.revoke).toBeUndefined();
    expect(privileges[1]!.revoke?.sql).toBe("REVOKE `reporting` FROM 'app_clone'@'%'");
  });

  it("drops MariaDB's REQUIRE clause and password hash from copied grants (before: the hash stayed when REQUIRE followed)", () => {
    const line =
      "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*B69027D44F6E5EDC07F1AEAD1477967B16F28227' REQUIRE ISSUER 'a''b' SUBJECT 'c' WITH MAX_QUERIES_PER_HOUR 10";
    expect(normaliseGrant(line, 'app', '%')).toBe(
      'GRANT USAGE ON *.* TO {account} WITH MAX_QUERIES_PER_HOUR 10',
    );
    expect(normaliseGrant('GRANT USAGE ON *.* TO `app`@`%` REQUIRE SSL', 'app', '%')).toBe(
      'GRANT USAGE ON *.* TO {account}',
    );
  });

  it("gives the clone the current user's REQUIRE SSL / X509 / ISSUER…SUBJECT with ALTER USER (MySQL 8 shows it in no grant)", () => {
    const tls = mysqlDialect.grants!;
    const req = (row: Record<string, unknown>) => tls.requireTls('app_clone', '%', row);
    expect(req({ ssl_type: 'ANY' })).toEqual({
      sql: 'ALTER USER ?@? REQUIRE SSL',
      params: ['app_clone', '%'],
    });
    expect(req({ ssl_type: 'X509' }).sql).toBe('ALTER USER ?@? REQUIRE X509');
    expect(req({ ssl_type: '' }).sql).toBe('ALTER USER ?@? REQUIRE NONE');
    expect(req({ ssl_type: 'SPECIFIED', ssl_cipher: '', x509_issuer: "a'b", x509_subject: 'c' })).toEqual({
      sql: 'ALTER USER ?@? REQUIRE ISSUER ? AND SUBJECT ?',
      params: ['app_clone', '%', "a'b", 'c'],
    });
    expect(tls.tlsRequirement('app', '%').params).toEqual(['app', '%']);
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
