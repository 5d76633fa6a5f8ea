// The DynamoDB commands the functions send: `new dynamoDb.DeleteItemCommand(input)`. In the bundle they are
// deferred (../lazy.ts `deferredCommands`: built from ../clients/dynamodb.ts on the client's first
// send, so neither the commands nor the SDK core are read at init); unbundled they are the SDK's.
import type * as clientModule from '../clients/dynamodb';
import { deferredCommands } from '../lazy';

export const dynamoDb: typeof clientModule =
  process.env.OPS_SENTINEL_BUNDLE === 'esm'
    ? deferredCommands(() => import('../clients/dynamodb'))
    : // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unbundled path (../lazy.ts)
      (require('../clients/dynamodb') as typeof clientModule);
