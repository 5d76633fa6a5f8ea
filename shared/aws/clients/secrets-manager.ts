// Imported dynamically by the lazy client (../lazy.ts) on its first send: this chunk holds the
// client class and the commands the functions send (../commands/secrets-manager.ts defers them).
export { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
