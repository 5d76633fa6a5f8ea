/**
 * CloudFormation generators for queueDrift: its target permissions: read access to exactly the
 * configured queues (and the app prefix), SetQueueAttributes only on queues with
 * `remediate: true`, DescribeServices only on the source-of-truth services; and the event
 * pattern of its CloudTrail rule, which matches only calls on the app's queues. Loaded at package
 * time by `queue-drift.js` and `queue-drift-pattern.js` (through `load-ts.js`); unit-tested in
 * test/unit/queue-drift.
 */
import { QueueSpecList, isQueueUrl, queueName } from '../../functions/queue-drift/schema';

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
  const queues = QueueSpecList.parse(queuesParam ?? []);
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

/** The SQS management calls that can change what queueDrift checks. */
export const CLOUDTRAIL_EVENT_NAMES = ['SetQueueAttributes', 'CreateQueue', 'DeleteQueue'];

/** EventBridge's default limit on an event pattern, in characters. */
export const MAX_PATTERN_CHARS = 2048;

/**
 * The event pattern of queueDrift's CloudTrail rule: SetQueueAttributes/CreateQueue/DeleteQueue
 * on the configured queues, their dead-letter queues and the app prefix only, not every SQS
 * call in the region. SetQueueAttributes and DeleteQueue name the queue by URL (any host form:
 * `sqs.<region>.amazonaws.com`, `<region>.queue.amazonaws.com`, a VPC endpoint), so the URL is
 * matched on its `/<name>` suffix, or with a `*\/<prefix>*` wildcard for the app prefix;
 * CreateQueue names it by `queueName`. Names covered by the prefix are not repeated.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function queueDriftCloudTrailPattern(queuesParam: unknown, queuePrefix: unknown) {
  const queues = QueueSpecList.parse(queuesParam ?? []);
  const prefix = typeof queuePrefix === 'string' ? queuePrefix.trim() : '';
  if (prefix && !/^[A-Za-z0-9_-]+$/.test(prefix)) {
    throw new Error(
      `queuePrefix ${JSON.stringify(prefix)}: a queue name prefix has only letters, digits, - and _`,
    );
  }
  const names = [
    ...new Set([
      ...queues.map((q) => queueName(q)),
      ...queues.flatMap((q) => (q.deadLetterQueue ? [queueName(nameOrUrl(q.deadLetterQueue))] : [])),
    ]),
  ].filter((name) => !prefix || !name.startsWith(prefix));

  const urls: unknown[] = names.map((name) => ({ suffix: `/${name}` }));
  const created: unknown[] = [...names];
  if (prefix) {
    urls.push({ wildcard: `*/${prefix}*` });
    created.push({ prefix });
  }
  // Nothing to watch: the rule (deployed DISABLED unless queueCloudTrail) matches no queue name.
  if (created.length === 0) created.push('');
  const byQueue: unknown[] = [{ requestParameters: { queueName: created } }];
  if (urls.length > 0) byQueue.unshift({ requestParameters: { queueUrl: urls } });

  const pattern = {
    source: ['aws.sqs'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['sqs.amazonaws.com'],
      eventName: CLOUDTRAIL_EVENT_NAMES,
      ...(byQueue.length === 1 ? (byQueue[0] as object) : { $or: byQueue }),
    },
  };
  const size = JSON.stringify(pattern).length;
  if (size > MAX_PATTERN_CHARS) {
    throw new Error(
      `queueDrift: the CloudTrail rule's event pattern would be ${size} characters, over EventBridge's ` +
        `${MAX_PATTERN_CHARS}: set queuePrefix so the queues it covers are matched by one wildcard`,
    );
  }
  return pattern;
}

function nameOrUrl(value: string): { name?: string; url?: string } {
  return isQueueUrl(value) ? { url: value } : { name: value };
}
