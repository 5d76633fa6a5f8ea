// Imported dynamically by the lazy client (../lazy.ts) on its first send: this chunk holds the
// client class and the commands the functions send (../commands/cloudwatch.ts defers them).
export { CloudWatchClient, DescribeAlarmHistoryCommand } from '@aws-sdk/client-cloudwatch';
