/**
 * queueDrift's CloudTrail rule in the packaged CloudFormation (`serverless package --stage local`,
 * offline): generated from the stage's queues, so it matches calls on those queues only.
 */
import { packagedTemplate } from '../../helpers/packaged-template';

type Resource = { Type: string; Properties: Record<string, unknown> };
let resources: Record<string, Resource>;

beforeAll(() => {
  resources = packagedTemplate('local').Resources as Record<string, Resource>;
}, 600_000);

it('matches CloudTrail SQS calls on the configured queues only, not every SQS call in the region', () => {
  const rules = Object.values(resources).filter(
    (r) =>
      r.Type === 'AWS::Events::Rule' &&
      JSON.stringify(r.Properties.Targets).includes('"QueueDriftLambdaFunction"') &&
      r.Properties.EventPattern,
  );

  expect(rules).toHaveLength(1);
  // The local stage configures `celery`, no prefix, queueCloudTrail false.
  expect(rules[0]!.Properties).toMatchObject({
    State: 'DISABLED',
    EventPattern: {
      source: ['aws.sqs'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['sqs.amazonaws.com'],
        eventName: ['SetQueueAttributes', 'CreateQueue', 'DeleteQueue'],
        $or: [
          { requestParameters: { queueUrl: [{ suffix: '/celery' }] } },
          { requestParameters: { queueName: ['celery'] } },
        ],
      },
    },
  });
});
