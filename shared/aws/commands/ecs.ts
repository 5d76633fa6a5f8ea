// The ECS commands the functions send: `new ecs.DescribeServiceDeploymentsCommand(input)`. In the bundle they are
// deferred (../lazy.ts `deferredCommands`: built from ../clients/ecs.ts on the client's first
// send, so neither the commands nor the SDK core are read at init); unbundled they are the SDK's.
import type * as clientModule from '../clients/ecs';
import { deferredCommands } from '../lazy';

export const ecs: typeof clientModule =
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? deferredCommands(() => import('../clients/ecs'))
    : // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unbundled path (../lazy.ts)
      (require('../clients/ecs') as typeof clientModule);
