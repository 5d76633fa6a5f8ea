// Imported dynamically by lazyClient (../lazy.ts): this chunk holds the client class only.
export { SNSClient } from '@aws-sdk/client-sns';
