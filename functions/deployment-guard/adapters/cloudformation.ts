import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { cloudFormation } from '../../../shared/aws/commands/cloudformation';
import { toOpsError } from '../../../shared/errors';
import type { StackPort } from '../ports';

/** The CloudFormation port over an SDK client (pass `new CloudFormationClient(clientConfig())`). */
export function stackAdapter(client: CloudFormationClient): StackPort {
  return {
    async describe(stackName) {
      try {
        const res = await client.send(new cloudFormation.DescribeStacksCommand({ StackName: stackName }));
        const stack = res.Stacks?.[0];
        if (!stack?.StackName || !stack.StackStatus) return undefined;
        return {
          name: stack.StackName,
          stackId: stack.StackId,
          status: stack.StackStatus,
          rootId: stack.RootId,
          roleArn: stack.RoleARN,
        };
      } catch (error) {
        // DescribeStacks answers ValidationError "Stack with id X does not exist".
        if (
          (error as { name?: string }).name === 'ValidationError' &&
          /does not exist/i.test(String((error as Error).message))
        ) {
          return undefined;
        }
        throw toOpsError(`cloudformation:DescribeStacks ${stackName}`, error);
      }
    },
    async cancelUpdate(stackName) {
      try {
        await client.send(new cloudFormation.CancelUpdateStackCommand({ StackName: stackName }));
      } catch (error) {
        throw toOpsError(`cloudformation:CancelUpdateStack ${stackName}`, error);
      }
    },
  };
}
