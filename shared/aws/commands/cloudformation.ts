// The CloudFormation commands the functions send: `new cloudFormation.CancelUpdateStackCommand(input)`. In the bundle they are
// deferred (../lazy.ts `deferredCommands`: built from ../clients/cloudformation.ts on the client's first
// send, so neither the commands nor the SDK core are read at init); unbundled they are the SDK's.
import type * as clientModule from '../clients/cloudformation';
import { deferredCommands } from '../lazy';

export const cloudFormation: typeof clientModule =
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? deferredCommands(() => import('../clients/cloudformation'))
    : // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unbundled path (../lazy.ts)
      (require('../clients/cloudformation') as typeof clientModule);
