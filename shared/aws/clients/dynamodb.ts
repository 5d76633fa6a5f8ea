// Imported dynamically by lazyClient (../lazy.ts): this chunk holds the client class only.
export { DynamoDBClient } from '@aws-sdk/client-dynamodb';
