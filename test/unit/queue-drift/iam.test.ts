import { queueArn, queueDriftPolicy } from '../../../resources/lib/queue-drift';

type Policy = {
  Resources: { QueueDriftTargetsPolicy: { Properties: { PolicyDocument: { Statement: unknown[] } } } };
};
const statements = (p: unknown) =>
  (p as Policy).Resources.QueueDriftTargetsPolicy.Properties.PolicyDocument.Statement;
const arn = (name: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${name}`,
});

describe('queueDrift target permissions', () => {
  it('is read-only without remediation: no SetQueueAttributes at all', () => {
    const policy = queueDriftPolicy([{ name: 'celery', deadLetterQueue: 'celery-dlq' }], '', 'django-app');

    expect(statements(policy)).toEqual([
      {
        Sid: 'ReadQueues',
        Effect: 'Allow',
        Action: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes'],
        Resource: [arn('celery'), arn('celery-dlq')],
      },
    ]);
  });

  it('allows SetQueueAttributes only on queues with remediate: true', () => {
    const policy = queueDriftPolicy(
      [{ name: 'celery', remediate: true }, { name: 'priority' }],
      'app-',
      'django-app',
    );

    expect(statements(policy)).toContainEqual({
      Sid: 'RemediateQueues',
      Effect: 'Allow',
      Action: 'sqs:SetQueueAttributes',
      Resource: [arn('celery')],
    });
    expect(statements(policy)).toContainEqual({
      Sid: 'ListQueuesNoResourceLevel',
      Effect: 'Allow',
      Action: 'sqs:ListQueues',
      Resource: '*',
    });
    expect(statements(policy)).toContainEqual(
      expect.objectContaining({ Resource: [arn('celery'), arn('priority'), arn('app-*')] }),
    );
  });

  it('reads only the source services; DescribeTaskDefinition has no resource-level permission', () => {
    const policy = queueDriftPolicy([{ name: 'celery', source: { service: 'worker' } }], '', 'django-app');

    expect(statements(policy)).toContainEqual({
      Sid: 'ReadSourceServices',
      Effect: 'Allow',
      Action: 'ecs:DescribeServices',
      Resource: [
        { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/django-app/worker' },
      ],
    });
    expect(statements(policy)).toContainEqual(
      expect.objectContaining({ Action: 'ecs:DescribeTaskDefinition', Resource: '*' }),
    );
  });

  it('adds no resource when nothing is configured', () => {
    expect(queueDriftPolicy([], '', 'django-app')).toEqual({});
  });

  it('fails packaging on an invalid queue entry', () => {
    expect(() => queueDriftPolicy([{ nme: 'celery' }], '', 'c')).toThrow();
  });

  it('takes account and region from a queue URL', () => {
    expect(queueArn('https://sqs.eu-west-1.amazonaws.com/123456789012/celery')).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:sqs:eu-west-1:123456789012:celery',
    });
  });
});
