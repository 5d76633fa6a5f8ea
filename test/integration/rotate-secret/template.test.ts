/**
 * rotateSecret's part of the packaged CloudFormation (`serverless package --stage prod`, offline):
 * the EventBridge rule on Secrets Manager's RotationFailed events and the IAM that resolves
 * RDS-managed master secrets.
 */
import { packagedTemplate, type PackagedTemplate, roleStatements } from '../../helpers/packaged-template';

type Resource = { Type: string; Properties: Record<string, unknown> };
let template: PackagedTemplate;
let resources: Record<string, Resource>;

beforeAll(() => {
  template = packagedTemplate('prod');
  resources = template.Resources as Record<string, Resource>;
}, 600_000);

const statements = () => roleStatements(template, 'RotateSecretRole');
const bySid = (sid: string) => statements().find((s) => s.Sid === sid);

describe('rotateSecret in the prod template', () => {
  it("sends Secrets Manager's RotationFailed events to the function, with a retry policy and a DLQ", () => {
    // Secrets Manager records a failed rotation as a CloudTrail *service* event; EventBridge
    // receives service events without a trail (only "AWS API Call via CloudTrail" needs one):
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
    const rules = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::Events::Rule' &&
        JSON.stringify(r.Properties.Targets).includes('"RotateSecretLambdaFunction"'),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.EventPattern).toEqual({
      source: ['aws.secretsmanager'],
      'detail-type': ['AWS Service Event via CloudTrail'],
      detail: { eventSource: ['secretsmanager.amazonaws.com'], eventName: ['RotationFailed'] },
    });
    expect(rules[0]!.Properties.Targets).toEqual([
      expect.objectContaining({
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
      }),
    ]);
    const permissions = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::Lambda::Permission' &&
        r.Properties.Principal === 'events.amazonaws.com' &&
        JSON.stringify(r.Properties.FunctionName).includes('RotateSecretLambdaFunction'),
    );
    expect(permissions).toHaveLength(1);
  });

  it('may describe master secrets and RDS instances/clusters of this account and region only (RDS-managed masters)', () => {
    expect(bySid('ReadMasterSecrets')).toMatchObject({
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    });
    expect(bySid('ResolveRdsManagedMasters')).toEqual({
      Sid: 'ResolveRdsManagedMasters',
      Effect: 'Allow',
      Action: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters'],
      Resource: [
        { 'Fn::Sub': 'arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:*' },
        { 'Fn::Sub': 'arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:*' },
      ],
    });
    // Nothing else of RDS, and no wildcard resource on it.
    const rdsActions = statements()
      .flatMap((s) => [s.Action].flat())
      .filter((a) => String(a).startsWith('rds:'));
    expect(rdsActions.sort()).toEqual(['rds:DescribeDBClusters', 'rds:DescribeDBInstances']);
  });
});
