// Imported dynamically by the lazy client (../lazy.ts) on its first send: this chunk holds the
// client class and the commands the functions send (../commands/elbv2.ts defers them).
export {
  ElasticLoadBalancingV2Client,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
