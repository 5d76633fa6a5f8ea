// The Elastic Load Balancing commands the functions send: `new elbv2.DescribeTargetHealthCommand(input)`. In the bundle they are
// deferred (../lazy.ts `deferredCommands`: built from ../clients/elbv2.ts on the client's first
// send, so neither the commands nor the SDK core are read at init); unbundled they are the SDK's.
import type * as clientModule from '../clients/elbv2';
import { deferredCommands } from '../lazy';

export const elbv2: typeof clientModule =
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? deferredCommands(() => import('../clients/elbv2'))
    : // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unbundled path (../lazy.ts)
      (require('../clients/elbv2') as typeof clientModule);
