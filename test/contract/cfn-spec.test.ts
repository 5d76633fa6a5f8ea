import { broadIamStatements, validateTemplate } from '../helpers/cfn-spec';

describe('validateTemplate', () => {
  it('reports unknown types, unknown and missing properties, wrong types and dangling references', () => {
    const errors = validateTemplate({
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'abc', Colour: 'blue' } },
        Thing: { Type: 'AWS::Nope::Thing' },
        Alarm: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            ComparisonOperator: 'GreaterThanThreshold',
            EvaluationPeriods: 1,
            AlarmActions: [{ Ref: 'MissingTopic' }],
            Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Queue', 'NoSuchAttribute'] } }],
          },
        },
      },
    });

    expect(errors).toEqual(
      expect.arrayContaining([
        'Queue(AWS::SQS::Queue): unknown property Colour',
        'Queue(AWS::SQS::Queue).VisibilityTimeout: expected integer',
        'Thing: unknown resource type AWS::Nope::Thing',
        'Ref to unknown MissingTopic',
        'Fn::GetAtt Queue.NoSuchAttribute: no such attribute',
      ]),
    );
  });

  it('accepts intrinsics and CloudFormation-style numeric strings', () => {
    expect(
      validateTemplate({
        Resources: {
          Queue: {
            Type: 'AWS::SQS::Queue',
            Properties: { VisibilityTimeout: '360', QueueName: { 'Fn::Sub': '${AWS::StackName}-q' } },
          },
        },
      }),
    ).toEqual([]);
  });
});

describe('broadIamStatements', () => {
  const role = (statement: Record<string, unknown>) => ({
    Resources: {
      R: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {},
          Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [statement] } }],
        },
      },
    },
  });

  it('flags wildcard actions and mutating actions on every resource', () => {
    expect(broadIamStatements(role({ Effect: 'Allow', Action: 'ecs:*', Resource: 'arn:x' }))).toEqual([
      'R/p: wildcard action ecs:*',
    ]);
    expect(
      broadIamStatements(role({ Effect: 'Allow', Action: ['ecs:UpdateService'], Resource: '*' })),
    ).toEqual(['R/p: mutating action ecs:UpdateService on Resource "*"']);
  });

  it('allows read-only actions on "*" and mutating actions on named resources', () => {
    expect(
      broadIamStatements(role({ Effect: 'Allow', Action: ['ecs:DescribeServices'], Resource: '*' })),
    ).toEqual([]);
    expect(
      broadIamStatements(role({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'Topic' } })),
    ).toEqual([]);
  });
});
