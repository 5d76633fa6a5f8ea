/**
 * DynamoDB tables on a full emulator (AWS_ENDPOINT_URL set: LocalStack, moto), shaped like the
 * stack's (resources/*.yml), so the functions keep their state there instead of in memory.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { clientConfig } from '../../../shared/aws/client-config';
import type { SandboxContext } from './types';

/** Creates the table (deleted again at the end) and returns its name. */
export async function emulatorTable(
  ctx: SandboxContext,
  name: string,
  keys: { hash: string; range?: string },
): Promise<string> {
  const client = new DynamoDBClient(clientConfig());
  const table = `${name}-${ctx.suffix}`;
  const attributes = [keys.hash, ...(keys.range ? [keys.range] : [])];
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributes.map((a) => ({ AttributeName: a, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: keys.hash, KeyType: 'HASH' },
        ...(keys.range ? [{ AttributeName: keys.range, KeyType: 'RANGE' as const }] : []),
      ],
    }),
  );
  ctx.onCleanup(`DynamoDB table ${table} on the emulator`, async () => {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
  });
  // The SDK waiter polls every 20 s; emulators create tables at once.
  for (let waited = 0; ; waited += 200) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === 'ACTIVE') break;
    if (waited > 15_000)
      throw new Error(`table ${table} is still ${Table?.TableStatus ?? 'missing'} after 15 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  ctx.progress(`created DynamoDB table ${table} on the emulator`);
  return table;
}
