// The SNS commands the functions send: `new sns.PublishCommand(input)`. In the bundle they are
// deferred (../lazy.ts `deferredCommands`: built from ../clients/sns.ts on the client's first
// send, so neither the commands nor the SDK core are read at init); unbundled they are the SDK's.
import type * as clientModule from '../clients/sns';
import { deferredCommands } from '../lazy';

export const sns: typeof clientModule =
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? deferredCommands(() => import('../clients/sns'))
    : // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unbundled path (../lazy.ts)
      (require('../clients/sns') as typeof clientModule);
