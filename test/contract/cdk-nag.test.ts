/**
 * `npm run nag` (CI, before the tests): cdk-nag over the packaged template of every stage. These
 * tests check its verdict: a finding without a reviewed suppression fails the build, and so does
 * a suppression that matches nothing any more.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { declaredStages } from '../../scripts/cdk-nag/index';
import { judge, nagTemplate, type Finding } from '../../scripts/cdk-nag/nag';
import { suppressions } from '../../scripts/cdk-nag/suppressions';

const topicTemplate = (withTlsDeny: boolean) => ({
  Resources: {
    // Unencrypted: cdk-nag's SNS3 passes every KMS-encrypted topic without reading its policy.
    Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
    TopicPolicy: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [{ Ref: 'Topic' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: withTlsDeny
            ? [
                {
                  Effect: 'Deny',
                  Principal: '*',
                  Action: 'sns:Publish',
                  Resource: { Ref: 'Topic' },
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                },
              ]
            : [
                {
                  Effect: 'Allow',
                  Principal: { Service: 'cloudwatch.amazonaws.com' },
                  Action: 'sns:Publish',
                  Resource: { Ref: 'Topic' },
                },
              ],
        },
      },
    },
  },
});

function nag(template: unknown): Finding[] {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'nag-')), 'template.json');
  writeFileSync(file, JSON.stringify(template));
  return nagTemplate('test', file);
}

it('reports a topic that accepts non-TLS publishes (AwsSolutions-SNS3), and not once it denies them', () => {
  expect(nag(topicTemplate(false))).toContainEqual(
    expect.objectContaining({ rule: 'AwsSolutions-SNS3', resource: 'Topic' }),
  );
  expect(nag(topicTemplate(true)).map((f) => f.rule)).not.toContain('AwsSolutions-SNS3');
}, 60_000);

it('fails on a finding no suppression covers and on a suppression that matches nothing', () => {
  const findings: Finding[] = [
    { stage: 'prod', rule: 'AwsSolutions-SQS3', resource: 'DeadLetterQueue', description: 'd' },
    { stage: 'prod', rule: 'AwsSolutions-SNS3', resource: 'NotificationTopic', description: 'd' },
    { stage: 'dev', rule: 'X[ops-sentinel-dev-fn]', resource: 'FnRole', description: 'd' },
  ];
  const verdict = judge(findings, [
    { rule: 'AwsSolutions-SQS3', resources: ['DeadLetterQueue', 'GoneQueue'], reason: 'it is the DLQ' },
    { rule: 'X[ops-sentinel-{stage}-fn]', resources: ['FnRole'], reason: 'own log group' },
  ]);
  expect(verdict.unsuppressed).toEqual([findings[1]]);
  expect(verdict.unused).toEqual(['AwsSolutions-SQS3 GoneQueue']);
  expect(verdict.suppressed.map((s) => s.reason)).toEqual(['it is the DLQ', 'own log group']);
});

it('gives a reason for every suppression and lists each rule once', () => {
  for (const s of suppressions) expect([s.rule, s.reason.length > 20]).toEqual([s.rule, true]);
  expect(new Set(suppressions.map((s) => s.rule)).size).toBe(suppressions.length);
});

it('checks every stage serverless.yml declares', () => {
  const yml = readFileSync(path.resolve(__dirname, '../../serverless.yml'), 'utf8');
  expect(declaredStages(yml).sort()).toEqual(['dev', 'local', 'prod']);
});
