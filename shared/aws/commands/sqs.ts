// The SQS commands the functions send: `new sqs.GetQueueAttributesCommand(input)`. In the bundle they are
// deferred (../lazy.ts `deferredCommands`: built from ../clients/sqs.ts on the client's first
// send, so neither the commands nor the SDK core are read at init); unbundled they are the SDK's.
import type * as clientModule from '../clients/sqs';
import { deferredCommands } from '../lazy';

export const sqs: typeof clientModule =
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? deferredCommands(() => import('../clients/sqs'))
    : // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unbundled path (../lazy.ts)
      (require('../clients/sqs') as typeof clientModule);
