// Imported dynamically by lazyClient (../lazy.ts): this chunk holds the client class only.
export { RDSClient } from '@aws-sdk/client-rds';
