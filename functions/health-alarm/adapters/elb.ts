import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { elbv2 } from '../../../shared/aws/commands/elbv2';
import { toOpsError } from '../../../shared/errors';
import type { TargetHealthEntry, TargetHealthPort } from '../ports';

/** DescribeTargetHealth through an injected ELBv2 client. */
export function elbTargetHealth(client: ElasticLoadBalancingV2Client): TargetHealthPort {
  return {
    async describeTargetHealth(targetGroupArn, signal) {
      try {
        const out = await client.send(
          new elbv2.DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }),
          {
            abortSignal: signal,
          },
        );
        return (out.TargetHealthDescriptions ?? []).map((d): TargetHealthEntry => {
          const entry: TargetHealthEntry = {
            id: d.Target?.Id ?? '?',
            state: d.TargetHealth?.State ?? 'unknown',
          };
          if (d.Target?.Port !== undefined) entry.port = d.Target.Port;
          if (d.Target?.AvailabilityZone) entry.availabilityZone = d.Target.AvailabilityZone;
          if (d.TargetHealth?.Reason) entry.reason = d.TargetHealth.Reason;
          if (d.TargetHealth?.Description) entry.description = d.TargetHealth.Description;
          return entry;
        });
      } catch (error) {
        throw toOpsError(`elasticloadbalancing:DescribeTargetHealth ${targetGroupArn}`, error);
      }
    },
  };
}
