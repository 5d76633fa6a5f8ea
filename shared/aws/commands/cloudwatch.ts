// The CloudWatch commands the functions send: `new cloudWatch.DescribeAlarmHistoryCommand(input)`. In the bundle they are
// deferred (../lazy.ts `deferredCommands`: built from ../clients/cloudwatch.ts on the client's first
// send, so neither the commands nor the SDK core are read at init); unbundled they are the SDK's.
import type * as clientModule from '../clients/cloudwatch';
import { deferredCommands } from '../lazy';

export const cloudWatch: typeof clientModule =
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? deferredCommands(() => import('../clients/cloudwatch'))
    : // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unbundled path (../lazy.ts)
      (require('../clients/cloudwatch') as typeof clientModule);
