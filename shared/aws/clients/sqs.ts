// Imported dynamically by lazyClient (../lazy.ts): this chunk holds the client class only.
export { SQSClient } from '@aws-sdk/client-sqs';
