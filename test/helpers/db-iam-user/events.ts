/** CloudFormation custom resource events and Lambda contexts for dbIamUser tests. */
import { randomUUID } from 'node:crypto';

export const STACK_ID =
  'arn:aws:cloudformation:us-east-1:123456789012:stack/django-app-test/5b6c7d80-c9a1-11f0-8f3a-0e1f2a3b4c5d';
export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf';

export type RequestType = 'Create' | 'Update' | 'Delete';

export interface EventOptions {
  physicalResourceId?: string;
  oldProperties?: Record<string, unknown>;
  logicalResourceId?: string;
  requestId?: string;
}

export function cfnEvent(
  requestType: RequestType,
  responseUrl: string,
  properties: Record<string, unknown>,
  options: EventOptions = {},
): Record<string, unknown> {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:ops-sentinel-test-dbIamUser',
    ResponseURL: responseUrl,
    StackId: STACK_ID,
    RequestId: options.requestId ?? randomUUID(),
    LogicalResourceId: options.logicalResourceId ?? 'AppDbUser',
    ResourceType: 'Custom::DbIamUser',
    ...(options.physicalResourceId ? { PhysicalResourceId: options.physicalResourceId } : {}),
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x', ...properties },
    ...(options.oldProperties ? { OldResourceProperties: options.oldProperties } : {}),
  };
}
