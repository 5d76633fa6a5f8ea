// Imported dynamically by lazyClient (../lazy.ts): this chunk holds the client class only.
export { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
