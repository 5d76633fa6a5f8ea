/**
 * The least-privilege check reads statements inside `Fn::If` too: CloudFormation deploys the
 * branch its condition picks (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html#intrinsic-function-reference-conditions-if),
 * so a broad statement behind a condition (a VPC-only grant, say) is deployed as soon as a stage
 * meets the condition. Checkers that skip `Fn::If` never see it.
 */
import { broadIamStatements, iamStatements } from '../helpers/cfn-spec';

const role = (statements: unknown[]) => ({
  Resources: {
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: { Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: statements } }] },
    },
  },
});
const eniOnStar = {
  Effect: 'Allow',
  Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeSubnets'],
  Resource: '*',
};

it('finds a broad statement in either branch of Fn::If, nested ones too', () => {
  expect(broadIamStatements(role([{ 'Fn::If': ['InVpc', eniOnStar, { Ref: 'AWS::NoValue' }] }]))).toEqual([
    'Role/p (InVpc): mutating action ec2:CreateNetworkInterface on Resource "*"',
  ]);
  expect(
    broadIamStatements(
      role([
        { 'Fn::If': ['A', { Ref: 'AWS::NoValue' }, { 'Fn::If': ['B', { Ref: 'AWS::NoValue' }, eniOnStar] }] },
      ]),
    ),
  ).toEqual(['Role/p (not A) (not B): mutating action ec2:CreateNetworkInterface on Resource "*"']);
});

it('reads AWS::NoValue as no statement, and plain statements as before', () => {
  const scoped = { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:1:q' };
  expect(iamStatements(role([scoped, { 'Fn::If': ['C', scoped, { Ref: 'AWS::NoValue' }] }]))).toEqual([
    { where: 'Role/p', statement: scoped },
    { where: 'Role/p (C)', statement: scoped },
  ]);
});
