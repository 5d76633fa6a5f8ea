/** One SQL statement with positional parameters. Text only: drivers run it. */
export interface Statement {
  sql: string;
  params?: unknown[];
}

/** A privilege held by a user, in a form that can be compared between two users. */
export interface Privilege {
  /** Stable key: equal for the same privilege held by two different users. */
  key: string;
  grant: Statement;
  /** How to take it away; absent when only `resetPrivileges` can (MySQL object grants). */
  revoke?: Statement;
}

/** The SQL a rotation needs, per engine. Every method returns text; nothing here connects. */
export interface Dialect {
  readonly engine: 'postgres' | 'mysql';
  /** Longest user name the engine accepts, and its unit. */
  readonly maxUserName: { limit: number; unit: 'bytes' | 'characters' };
  userNameLength(name: string): number;
  /** Rows with a boolean-ish `iam` column: true when the user authenticates with IAM. */
  isIamUser(user: string): Statement;
  /** Rows naming each account of `user` (`host` for MySQL; one row for PostgreSQL). */
  accounts(user: string): Statement;
  createUser(user: string, host: string, password: string): Statement;
  setPassword(user: string, host: string, password: string): Statement;
  /** Rows with a `version` column (`SELECT version()`). */
  readonly serverVersion: Statement;
  /** Changes the logged-in user's own password (single-user strategy); `version` from `serverVersion`. */
  setOwnPassword(user: string, password: string, version: string): Statement;
  /**
   * PostgreSQL: statements that make `clone` a member of `base` acting as `base` (run by the master
   * at every rotation to the clone). Absent where privileges are copied instead (`grants`).
   */
  cloneOf?(base: string, clone: string): Statement[];
  /** MySQL: how the current user's privileges are copied to the other one. */
  grants?: GrantCopy;
  readonly test: Statement;
}

/** Copying a user's privileges to another user, grant by grant (MySQL: no ownership, no roles needed). */
export interface GrantCopy {
  /** Query listing `user`'s privileges; rows are turned into `Privilege`s by `privileges`. */
  listPrivileges(user: string, host: string): Statement;
  /** Rows listed for `holder`, as privileges whose grant/revoke statements name `grantee`. */
  privileges(
    rows: Array<Record<string, unknown>>,
    holder: string,
    grantee: string,
    host: string,
  ): Privilege[];
  /**
   * When privileges differ: statements that drop every object privilege before all of the
   * source's privileges are granted again.
   */
  resetPrivileges(user: string, host: string): Statement[];
  /** Rows with `ssl_type`, `ssl_cipher`, `x509_issuer`, `x509_subject` of the account (its REQUIRE clause). */
  tlsRequirement(user: string, host: string): Statement;
  /** `ALTER USER … REQUIRE …` giving `user`@`host` the requirement read by `tlsRequirement`. */
  requireTls(user: string, host: string, row: Record<string, unknown>): Statement;
}
