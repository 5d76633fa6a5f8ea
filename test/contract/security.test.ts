/**
 * What a security review checks in the packaged template of every stage: messaging refuses
 * non-TLS requests, the SNS topics are encrypted with a customer-managed key that the services
 * publishing to them may use, and the deployment bucket blocks public access. cdk-nag
 * (`npm run nag`) checks the same and more; these tests pin the fixes and what the packs do not
 * check (the key policy, the publishers' grants).
 */
import { iamStatements } from '../helpers/cfn-spec';
import { packagedTemplate, type PackagedTemplate as Template } from '../helpers/packaged-template';
import { serverlessPrint } from '../helpers/serverless-print';

const stages = ['prod', 'dev', 'local'] as const;
const templates: Partial<Record<(typeof stages)[number], Template>> = {};

beforeAll(() => {
  for (const stage of stages) templates[stage] = packagedTemplate(stage);
}, 600_000);

type Statement = {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: unknown;
};
const statementsOf = (t: Template, policyId: string) =>
  (t.Resources[policyId]!.Properties!.PolicyDocument as { Statement: Statement[] }).Statement;

// "aws:SecureTransport" is false for a request not sent over TLS; an explicit Deny on it wins
// over every Allow. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport
const denyInsecure = (action: string, resource: unknown) =>
  expect.objectContaining({
    Effect: 'Deny',
    Principal: '*',
    Action: action,
    Resource: resource,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });

describe.each(stages)('serverless package --stage %s', (stage) => {
  it('dead-letter queue policy denies every request not sent over TLS', () => {
    expect(statementsOf(templates[stage]!, 'DeadLetterQueuePolicy')).toContainEqual(
      denyInsecure('sqs:*', { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }),
    );
  });

  it.each([
    ['NotificationTopic', 'NotificationTopicPolicy'],
    ['HealthAlarmIntakeTopic', 'HealthAlarmIntakeTopicPolicy'],
  ])('%s denies publishes not sent over TLS and is encrypted with the stack key', (topic, policy) => {
    const t = templates[stage]!;
    expect(statementsOf(t, policy)).toContainEqual(denyInsecure('sns:Publish', { Ref: topic }));
    expect(t.Resources[topic]!.Properties!.KmsMasterKeyId).toEqual({
      'Fn::If': ['TopicsEncrypted', { 'Fn::GetAtt': ['TopicKey', 'Arn'] }, { Ref: 'AWS::NoValue' }],
    });
    // The stage param topicEncryption defaults to 'true' in every stage.
    expect(t.Conditions!.TopicsEncrypted).toEqual({ 'Fn::Equals': ['true', 'true'] });
  });

  it('lets CloudWatch alarms and EventBridge use the topic key, which rotates', () => {
    // A customer-managed key, not alias/aws/sns: CloudWatch alarms and EventBridge need
    // kms:GenerateDataKey* and kms:Decrypt in the key policy, or SNS drops what they publish.
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    const key = templates[stage]!.Resources.TopicKey!;
    expect(key).toMatchObject({ Type: 'AWS::KMS::Key', Condition: 'TopicsEncrypted' });
    expect(key.Properties!.EnableKeyRotation).toBe(true);
    const statements = (key.Properties!.KeyPolicy as { Statement: Statement[] }).Statement;
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      const grants = statements.filter(
        (s) =>
          s.Effect === 'Allow' &&
          [(s.Principal as { Service?: string | string[] })?.Service ?? []].flat().includes(service),
      );
      expect([service, grants.flatMap((s) => [s.Action].flat()).sort()]).toEqual([
        service,
        ['kms:Decrypt', 'kms:GenerateDataKey*'],
      ]);
      // EventBridge's KMS requests carry no aws:SourceAccount/aws:SourceArn: a condition on them
      // would drop every event silently (same page).
      for (const g of grants) expect(g.Condition).toBeUndefined();
    }
    // Without this the key could not be managed, nor granted through IAM policies.
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
        Action: 'kms:*',
      }),
    );
  });

  it('gives every role that publishes to the notification topic kms:GenerateDataKey and kms:Decrypt on its key', () => {
    // A publisher to an SSE topic needs both on the key.
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
    const t = templates[stage]!;
    const publishers = new Set(
      iamStatements(t)
        .filter(
          ({ statement }) =>
            statement.Effect === 'Allow' &&
            [statement.Action].flat().includes('sns:Publish') &&
            JSON.stringify(statement.Resource).includes('"NotificationTopic"'),
        )
        .map(({ where }) => where.split('/')[0]!),
    );
    expect(publishers.size).toBeGreaterThan(0);
    const grant = t.Resources.TopicKeyPublishers!;
    expect(grant).toMatchObject({ Type: 'AWS::IAM::Policy', Condition: 'TopicsEncrypted' });
    const granted = (grant.Properties!.Roles as Array<{ Ref: string }>).map((r) => r.Ref);
    expect(granted.sort()).toEqual([...publishers].sort());
    expect(statementsOf(t, 'TopicKeyPublishers')).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: { 'Fn::GetAtt': ['TopicKey', 'Arn'] },
      }),
    ]);
  });

  it('blocks public access to the deployment bucket', () => {
    expect(
      templates[stage]!.Resources.ServerlessDeploymentBucket!.Properties!.PublicAccessBlockConfiguration,
    ).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });
});

it('leaves the topics unencrypted, with no key, when a stage sets topicEncryption to false', () => {
  const config = serverlessPrint(['--stage', 'dev', '--param=topicEncryption=false']);
  expect(config.resources.Conditions!.TopicsEncrypted).toEqual({ 'Fn::Equals': ['false', 'true'] });
});
