// Imported dynamically by lazyClient (../lazy.ts): this chunk holds the client class only.
export { ECSClient } from '@aws-sdk/client-ecs';
