import type { AttributeValue, DeleteItemCommandInput, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';

type DynamoDbModule = typeof import('@aws-sdk/client-dynamodb');

type Item = Record<string, AttributeValue>;

/**
 * Backs a mocked DynamoDBClient with a Map, so handler tests see a table that keeps state across
 * invocations. It evaluates only the two conditions the incident store may send and fails the
 * test on any other, so a changed condition cannot slip through. `sdk` is the module whose
 * command classes the code under test uses (jest.isolateModules gives each load its own).
 */
export function statefulTable(
  ddb: AwsStub<any, any, any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  sdk: DynamoDbModule,
  /** Milliseconds each call takes (a function: random latency), so concurrent writers interleave. */
  latency: () => number = () => 0,
): Map<string, Item> {
  const { ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand, ScanCommand } =
    sdk;
  const items = new Map<string, Item>();
  const pk = (key: Item | undefined) => key?.pk?.S ?? '';
  const check = (input: PutItemCommandInput | DeleteItemCommandInput, key: string) => {
    const current = items.get(key);
    if (input.ConditionExpression === 'attribute_not_exists(pk)') return current === undefined;
    if (input.ConditionExpression === '#version = :expected') {
      expect(input.ExpressionAttributeNames).toEqual({ '#version': 'version' });
      return (
        current?.version?.N !== undefined &&
        current.version.N === input.ExpressionAttributeValues?.[':expected']?.N
      );
    }
    throw new Error(`unexpected condition: ${input.ConditionExpression}`);
  };
  const failed = () =>
    new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

  const wait = async () => {
    const ms = latency();
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  };
  ddb.on(GetItemCommand).callsFake(async (input) => {
    await wait();
    return { Item: items.get(pk(input.Key)) };
  });
  ddb.on(PutItemCommand).callsFake(async (input: PutItemCommandInput) => {
    await wait();
    const key = pk(input.Item);
    if (!check(input, key)) throw failed();
    items.set(key, input.Item!);
    return {};
  });
  ddb.on(DeleteItemCommand).callsFake(async (input: DeleteItemCommandInput) => {
    await wait();
    const key = pk(input.Key);
    if (!check(input, key)) throw failed();
    items.delete(key);
    return {};
  });
  ddb.on(ScanCommand).callsFake(async () => ({ Items: [...items.values()] }));
  return items;
}
