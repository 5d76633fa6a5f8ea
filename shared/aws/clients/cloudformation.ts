// Imported dynamically by lazyClient (../lazy.ts): this chunk holds the client class only.
export { CloudFormationClient } from '@aws-sdk/client-cloudformation';
