// Imported dynamically by lazyClient (../lazy.ts): this chunk holds the client class only.
export { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
