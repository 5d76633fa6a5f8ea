// Imported dynamically by lazyClient (../lazy.ts): this chunk holds the client class only.
export { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
