/**
 * CloudFormation generator for queueDrift's target permissions: read access to exactly the
 * configured queues (and the app prefix), SetQueueAttributes only on queues with
 * `remediate: true`, DescribeServices only on the source-of-truth services. Loaded at package
 * time by `queue-drift.js` (through `load-ts.js`); unit-tested in test/unit/queue-drift.
 */
import { QueueSpec, isQueueUrl, queueName } from '../../functions/queue-drift/schema';

type Statement = { Sid: string; Effect: 'Allow'; Action: string | string[]; Resource: unknown };

const sub = (text: string) => ({ 'Fn::Sub': text });

/** The queue's ARN, from its URL when given (account and region taken from it), else by name in this stack's account. */
export function queueArn(nameOrUrl: string): unknown {
  if (!isQueueUrl(nameOrUrl))
    return sub(`arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${nameOrUrl}`);
  const url = new URL(nameOrUrl);
  const [account, name] = url.pathname.split('/').filter(Boolean);
  // sqs.<region>.amazonaws.com, <region>.queue.amazonaws.com, or queue.amazonaws.com (us-east-1)
  const host = url.hostname.split('.');
  const region = host[0] === 'sqs' ? host[1] : host[1] === 'queue' ? host[0] : undefined;
  return sub(
    `arn:\${AWS::Partition}:sqs:${region ?? '${AWS::Region}'}:${account && /^\d{12}$/.test(account) ? account : '${AWS::AccountId}'}:${name ?? queueName({ url: nameOrUrl })}`,
  );
}

/**
 * The `AWS::IAM::Policy` (attached to QueueDriftRole) for the configured queues, or no
 * resource at all when nothing is configured. `ListQueues` has no resource-level permission:
 * it is granted on `*` and only when an app prefix is set.
 */
export function queueDriftPolicy(queuesParam: unknown, queuePrefix: unknown, clusterName: string) {
  const queues = QueueSpec.array().parse(queuesParam ?? []);
  const prefix = typeof queuePrefix === 'string' ? queuePrefix.trim() : '';
  const statements: Statement[] = [];

  const read = [
    ...queues.map((q) => queueArn(q.url ?? q.name ?? '')),
    ...queues.flatMap((q) => (q.deadLetterQueue ? [queueArn(q.deadLetterQueue)] : [])),
    ...(prefix ? [queueArn(`${prefix}*`)] : []),
  ];
  if (read.length > 0) {
    statements.push({
      Sid: 'ReadQueues',
      Effect: 'Allow',
      Action: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes'],
      Resource: read,
    });
  }
  if (prefix) {
    statements.push({
      Sid: 'ListQueuesNoResourceLevel',
      Effect: 'Allow',
      Action: 'sqs:ListQueues',
      Resource: '*',
    });
  }
  const remediated = queues.filter((q) => q.remediate).map((q) => queueArn(q.url ?? q.name ?? ''));
  if (remediated.length > 0) {
    statements.push({
      Sid: 'RemediateQueues',
      Effect: 'Allow',
      Action: 'sqs:SetQueueAttributes',
      Resource: remediated,
    });
  }
  const services = queues.flatMap((q) =>
    q.source
      ? [
          sub(
            `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/${q.source.cluster ?? clusterName}/${q.source.service}`,
          ),
        ]
      : [],
  );
  if (services.length > 0) {
    statements.push({
      Sid: 'ReadSourceServices',
      Effect: 'Allow',
      Action: 'ecs:DescribeServices',
      Resource: services,
    });
    statements.push({
      Sid: 'ReadTaskDefinitionsNoResourceLevel',
      Effect: 'Allow',
      Action: 'ecs:DescribeTaskDefinition',
      Resource: '*',
    });
  }
  if (statements.length === 0) return {};
  return {
    Resources: {
      QueueDriftTargetsPolicy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'queue-drift-targets',
          Roles: [{ Ref: 'QueueDriftRole' }],
          PolicyDocument: { Version: '2012-10-17', Statement: statements },
        },
      },
    },
  };
}
