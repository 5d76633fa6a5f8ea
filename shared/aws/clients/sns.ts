// Imported dynamically by the lazy client (../lazy.ts) on its first send: this chunk holds the
// client class and the commands the functions send (../commands/sns.ts defers them).
export { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
