import {
  capacityMessage,
  closedMessage,
  escalationMessage,
  recoveryMessage,
  stopMessage,
  taskContext,
} from '../../../functions/task-stopped/messages';
import type { Incident } from '../../../functions/task-stopped/ports';
import { TaskDetail } from '../../../functions/task-stopped/schema';
import { classifyStop } from '../../../shared/ecs/classify-stop';
import type { StoppedTaskFacts } from '../../../shared/ecs/stop-types';
import { formatEmail, type Notification } from '../../../shared/notify';
import { sampleEvent } from '../../helpers/task-stopped/events';

const CATEGORIES = [
  'container-health-check',
  'deployment-replacement',
  'elb-health-check',
  'essential-exit',
  'failed-to-start',
  'image-pull',
  'infrastructure',
  'out-of-memory',
  'scale-in',
  'secrets-init',
  'spot-interruption',
  'standalone-migration',
  'unknown',
  'user-stop',
];

/** Events from another app: fields missing, null, empty, of the wrong type, or oddly written. */
const ODDITIES: Array<[string, (d: Record<string, unknown>) => void]> = [
  ['as sent', () => undefined],
  ['no containers field', (d) => delete d.containers],
  ['empty containers', (d) => (d.containers = [])],
  ['a container with no name, exit code or reason', (d) => (d.containers = [{}])],
  ['containers with null fields', (d) => (d.containers = [{ name: null, exitCode: null, reason: null }])],
  ['no stoppedReason', (d) => delete d.stoppedReason],
  ['a blank stoppedReason', (d) => (d.stoppedReason = '   ')],
  ['no stopCode', (d) => delete d.stopCode],
  [
    'no group, startedBy or task definition',
    (d) => ['group', 'startedBy', 'taskDefinitionArn'].forEach((k) => delete d[k]),
  ],
  [
    'exit code and memory as strings',
    (d) => ((d.memory = 'lots'), (d.containers = [{ name: 'web app', exitCode: '137' }])),
  ],
  ['an odd container name', (d) => (d.containers = [{ name: 'nginx-sidecar (v2) ünïcode', exitCode: 1 }])],
];

function render(name: string, mutate: (d: Record<string, unknown>) => void) {
  const event = sampleEvent(name);
  const raw = structuredClone(event.detail);
  mutate(raw);
  const detail = TaskDetail.parse(raw);
  const ctx = taskContext(detail, event.region, 'us-east-1');
  const stop = classifyStop(detail as StoppedTaskFacts);
  const messages: Notification[] = [stopMessage(ctx, stop, 'prod'), capacityMessage(ctx, stop, 'prod')];
  if (ctx.service) {
    const incident: Incident = {
      key: `${ctx.cluster}/${ctx.service}`,
      cluster: ctx.cluster,
      service: ctx.service,
      clusterArn: ctx.clusterArn,
      serviceArn: ctx.serviceArn ?? '',
      openedAt: 0,
      lastFailureAt: 60_000,
      count: 1,
      categories: { [stop.category]: 1 },
      taskDefinitions: ctx.revision ? [ctx.revision] : [],
      deployments: ctx.deploymentId ? [ctx.deploymentId] : [],
      escalated: false,
      recentTaskIds: [ctx.taskId],
      expiresAt: 0,
      version: 1,
    };
    messages.push(
      escalationMessage(incident, ctx, stop, 'prod', ctx.region),
      recoveryMessage(incident, 2_000_000, 900_000, 'prod', ctx.region, { kind: 'running', at: 120_000 }),
      recoveryMessage(incident, 2_000_000, 900_000, 'prod', ctx.region, { kind: 'deployment', at: 120_000 }),
      closedMessage(incident, 30_000_000, 'prod', ctx.region),
    );
  }
  return messages;
}

/** Everything a person reads, one string per sentence-bearing field. */
function prose(n: Notification): string[] {
  return [
    n.title,
    n.summary,
    n.details ?? '',
    ...(n.nextSteps ?? []),
    ...(n.facts ?? []).flatMap(([k, v]) => (v === undefined ? [] : [`${k}: ${String(v)}`])),
  ];
}

const BROKEN: Array<[string, RegExp]> = [
  ['"undefined"', /\bundefined\b/],
  ['"null"', /\bnull\b/],
  ['NaN', /\bNaN\b/],
  ['[object Object]', /\[object /],
  ['a doubled word', /\b(the|a|an|container|with|of|for) \1\b/i],
  ['"container a container"', /container a container/i],
  ['an empty code span or brackets', /``|\(\s*\)|\[\s*\]/],
  ['a space before punctuation', / [.,;:)]/],
  ['two spaces', / {2}/],
  ['two full stops', /\.\./],
];

describe('words a person reads, per category, with missing and odd fields', () => {
  for (const category of CATEGORIES) {
    for (const [oddity, mutate] of ODDITIES) {
      it(`${category}, ${oddity}`, () => {
        for (const message of render(category, mutate)) {
          for (const text of prose(message)) {
            // Code spans (`docker run ... <image>`) are quoted as written.
            const words = text.replace(/`[^`]+`/g, '`code`');
            for (const [what, pattern] of BROKEN) {
              expect({ text, broken: pattern.test(words) ? what : 'no' }).toEqual({ text, broken: 'no' });
            }
          }
          expect(formatEmail(message, 'prod')).not.toMatch(/\bundefined\b/);
        }
      });
    }
  }

  it('says "an essential container" when the event names none', () => {
    const [message] = render('essential-exit', (d) => (d.containers = []));

    expect(message!.summary).toMatch(
      /^An essential container exited \(no exit code reported\), so ECS stopped/,
    );
    expect(message!.title).toBe('worker: task crashed: essential container exited');
  });

  it('says "a container of the task" for an out-of-memory kill that names no container', () => {
    const [message] = render(
      'out-of-memory',
      (d) =>
        (d.containers = [
          { exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
        ]),
    );

    expect(message!.summary).toMatch(
      /^A container of the task used more than its memory limit of 1024 MiB and the kernel/,
    );
  });
});

// Secrets Manager ARNs end in "-" and six random characters; the console names the secret
// without them. valueFrom may append `:json-key:version-stage:version-id`.
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
describe('secret names as the console shows them', () => {
  const failure = (arn: string) =>
    `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${arn} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.`;

  it.each([
    ['arn:aws:secretsmanager:eu-west-2:123456789012:secret:panelapp/prod/db-AbCdEf', 'panelapp/prod/db'],
    [
      'arn:aws:secretsmanager:eu-west-2:123456789012:secret:panelapp/prod/db-AbCdEf:password::',
      'panelapp/prod/db',
    ],
    ['arn:aws:ssm:eu-west-2:123456789012:parameter/panelapp/prod/db_url', '/panelapp/prod/db_url'],
    ['arn:aws:ssm:eu-west-2:123456789012:parameter/DJANGO_SECRET', 'DJANGO_SECRET'],
  ])('%s reads as %s', (arn, name) => {
    const [message] = render('secrets-init', (d) => (d.stoppedReason = failure(arn)));

    expect(message!.summary).toContain(`(secret ${name})`);
    expect(message!.nextSteps![0]).toBe(
      `Check that ${name} exists in this account and region, and that every key named in the task definition's valueFrom exists in it.`,
    );
    expect(message!.facts).toContainEqual(['Secret', name]);
  });
});
