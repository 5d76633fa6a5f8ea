import { quoteAccount } from '../../../shared/db/mysql-quote';
import type { Dialect, Privilege } from './types';

const ACCOUNT = '{account}';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// MariaDB's SHOW GRANTS shows the account's REQUIRE clause; it is copied with ALTER USER instead
// (MySQL 8 no longer shows it there, nor accepts it in GRANT).
const REQUIRE_CLAUSE =
  /\s+REQUIRE\s+(?:NONE|SSL|X509|(?:(?:AND\s+)?(?:ISSUER|SUBJECT|CIPHER)\s+'(?:[^']|'')*'\s*)+)(?=\s+WITH\s|\s*$)/i;

/**
 * One line of `SHOW GRANTS` made account-independent: the grantee replaced by a placeholder and
 * MariaDB's `IDENTIFIED BY PASSWORD '<hash>'` (copying it would copy the password) and `REQUIRE …` removed.
 */
export function normaliseGrant(line: string, user: string, host: string): string {
  const accountForms = [
    `\`${user.replace(/`/g, '``')}\`@\`${host.replace(/`/g, '``')}\``,
    `'${user}'@'${host}'`,
  ].map(escapeRegExp);
  return line
    .replace(new RegExp(accountForms.join('|'), 'g'), ACCOUNT)
    .replace(/\s+IDENTIFIED\s+(?:BY\s+PASSWORD\s+'[^']*'|VIA\s+.*?)(?=\s+REQUIRE\s|\s+WITH\s|$)/i, '')
    .replace(REQUIRE_CLAUSE, '')
    .trim();
}

function privilegeOf(line: string, holder: string, grantee: string, host: string): Privilege {
  const key = normaliseGrant(line, holder, host);
  const account = quoteAccount(grantee, host);
  const grant = { sql: key.split(ACCOUNT).join(account) };
  // A role grant (`GRANT role TO account`) has no ON clause and can be revoked on its own.
  const isRoleGrant = !/\sON\s/i.test(key) && /^GRANT\s/i.test(key);
  const revoke = isRoleGrant
    ? {
        sql: key
          .replace(/\s+WITH\s+ADMIN\s+OPTION\s*$/i, '')
          .replace(/^GRANT\s/i, 'REVOKE ')
          .replace(/\sTO\s/i, ' FROM ')
          .split(ACCOUNT)
          .join(account),
      }
    : undefined;
  return { key, grant, ...(revoke ? { revoke } : {}) };
}

export const mysqlDialect: Dialect = {
  engine: 'mysql',
  maxUserName: { limit: 32, unit: 'characters' },
  userNameLength: (name) => [...name].length,
  isIamUser: (user) => ({
    sql: `SELECT plugin = 'AWSAuthenticationPlugin' AS iam FROM mysql.user WHERE User = ?`,
    params: [user],
  }),
  accounts: (user) => ({
    sql: 'SELECT Host AS host FROM mysql.user WHERE User = ? ORDER BY Host',
    params: [user],
  }),
  createUser: (user, host, password) => ({
    sql: 'CREATE USER ?@? IDENTIFIED BY ?',
    params: [user, host, password],
  }),
  setPassword: (user, host, password) => ({
    sql: 'ALTER USER ?@? IDENTIFIED BY ?',
    params: [user, host, password],
  }),
  serverVersion: { sql: 'SELECT VERSION() AS version' },
  // MariaDB requires the CREATE USER privilege for ALTER USER even on oneself; SET PASSWORD does not.
  // MySQL 8 has no PASSWORD() function, and lets any user ALTER USER CURRENT_USER().
  setOwnPassword: (_user, password, version) =>
    /mariadb/i.test(version)
      ? { sql: 'SET PASSWORD = PASSWORD(?)', params: [password] }
      : { sql: 'ALTER USER CURRENT_USER() IDENTIFIED BY ?', params: [password] },
  grants: {
    listPrivileges: (user, host) => ({ sql: 'SHOW GRANTS FOR ?@?', params: [user, host] }),
    privileges: (rows, holder, grantee, host) =>
      rows
        .map((row) => String(Object.values(row)[0] ?? ''))
        .filter((line) => line.length > 0)
        .map((line) => privilegeOf(line, holder, grantee, host)),
    resetPrivileges: (user, host) => [
      { sql: 'REVOKE ALL PRIVILEGES, GRANT OPTION FROM ?@?', params: [user, host] },
    ],
    tlsRequirement: (user, host) => ({
      sql: `SELECT ssl_type, CAST(ssl_cipher AS CHAR) AS ssl_cipher, CAST(x509_issuer AS CHAR) AS x509_issuer,
              CAST(x509_subject AS CHAR) AS x509_subject FROM mysql.user WHERE User = ? AND Host = ?`,
      params: [user, host],
    }),
    requireTls: (user, host, row) => {
      const type = String(row.ssl_type ?? '').toUpperCase();
      if (type === 'ANY') return { sql: 'ALTER USER ?@? REQUIRE SSL', params: [user, host] };
      if (type === 'X509') return { sql: 'ALTER USER ?@? REQUIRE X509', params: [user, host] };
      const parts = (
        [
          ['CIPHER', row.ssl_cipher],
          ['ISSUER', row.x509_issuer],
          ['SUBJECT', row.x509_subject],
        ] as const
      ).filter(([, value]) => value !== null && value !== undefined && String(value) !== '');
      if (type !== 'SPECIFIED' || parts.length === 0)
        return { sql: 'ALTER USER ?@? REQUIRE NONE', params: [user, host] };
      return {
        sql: `ALTER USER ?@? REQUIRE ${parts.map(([k]) => `${k} ?`).join(' AND ')}`,
        params: [user, host, ...parts.map(([, v]) => String(v))],
      };
    },
  },
  test: { sql: 'SELECT 1 AS ok' },
};
