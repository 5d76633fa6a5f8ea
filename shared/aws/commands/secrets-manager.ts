// The Secrets Manager commands the functions send: `new secretsManager.GetSecretValueCommand(input)`. In the bundle they are
// deferred (../lazy.ts `deferredCommands`: built from ../clients/secrets-manager.ts on the client's first
// send, so neither the commands nor the SDK core are read at init); unbundled they are the SDK's.
import type * as clientModule from '../clients/secrets-manager';
import { deferredCommands } from '../lazy';

export const secretsManager: typeof clientModule =
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? deferredCommands(() => import('../clients/secrets-manager'))
    : // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unbundled path (../lazy.ts)
      (require('../clients/secrets-manager') as typeof clientModule);
