import type { Dialect, Privilege } from './types';

const ACCOUNT = '{account}';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `'user'@'host'` with quotes escaped, for statements where placeholders are not allowed. */
export function quoteAccount(user: string, host: string): string {
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `${q(user)}@${q(host)}`;
}

/**
 * One line of `SHOW GRANTS` made account-independent: the grantee replaced by a placeholder and
 * MariaDB's `IDENTIFIED BY PASSWORD '<hash>'` removed (copying it would copy the password).
 */
export function normaliseGrant(line: string, user: string, host: string): string {
  const accountForms = [
    `\`${user.replace(/`/g, '``')}\`@\`${host.replace(/`/g, '``')}\``,
    `'${user}'@'${host}'`,
  ].map(escapeRegExp);
  return line
    .replace(new RegExp(accountForms.join('|'), 'g'), ACCOUNT)
    .replace(/\s+IDENTIFIED\s+(?:BY\s+PASSWORD\s+'[^']*'|VIA\s+.*?)(?=\s+WITH\s|$)/i, '')
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
  listPrivileges: (user, host) => ({ sql: 'SHOW GRANTS FOR ?@?', params: [user, host] }),
  privileges: (rows, holder, grantee, host) =>
    rows
      .map((row) => String(Object.values(row)[0] ?? ''))
      .filter((line) => line.length > 0)
      .map((line) => privilegeOf(line, holder, grantee, host)),
  resetPrivileges: (user, host) => [
    { sql: 'REVOKE ALL PRIVILEGES, GRANT OPTION FROM ?@?', params: [user, host] },
  ],
  test: { sql: 'SELECT 1 AS ok' },
};
