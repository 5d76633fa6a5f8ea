// The RDS commands the functions send: `new rds.DescribeDBInstancesCommand(input)`. In the bundle they are
// deferred (../lazy.ts `deferredCommands`: built from ../clients/rds.ts on the client's first
// send, so neither the commands nor the SDK core are read at init); unbundled they are the SDK's.
import type * as clientModule from '../clients/rds';
import { deferredCommands } from '../lazy';

export const rds: typeof clientModule =
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? deferredCommands(() => import('../clients/rds'))
    : // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unbundled path (../lazy.ts)
      (require('../clients/rds') as typeof clientModule);
