// Imported dynamically by the lazy client (../lazy.ts) on its first send: this chunk holds the
// client class and the commands the functions send (../commands/cloudformation.ts defers them).
export {
  CloudFormationClient,
  CancelUpdateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
