import type { Engine } from '../../../shared/db/driver';
import { mysqlDialect } from './mysql';
import { postgresDialect } from './postgres';
import type { Dialect } from './types';

export type { Dialect, GrantCopy, Privilege, Statement } from './types';

export function dialectFor(engine: Engine): Dialect {
  return engine === 'postgres' ? postgresDialect : mysqlDialect;
}
