// Imported dynamically by the lazy client (../lazy.ts) on its first send: this chunk holds the
// client class and the commands the functions send (../commands/dynamodb.ts defers them).
export {
  DynamoDBClient,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
