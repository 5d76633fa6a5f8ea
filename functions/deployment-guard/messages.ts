import { nameFromArn } from '../../shared/aws/arn';
import { ecsServiceDeploymentsUrl, stackUrl } from '../../shared/links';
import type { Notification } from '../../shared/notify';
import type { Decision, StuckReason } from './decide';
import type { GuardConfig } from './ports';
import type { DeploymentMode, ServiceSnapshot } from './types';

export interface ActionStep {
  at: Date;
  /** `api {input}` */
  call: string;
  result: string;
}

export interface ActionReport {
  mode: DeploymentMode;
  steps: ActionStep[];
  notes: string[];
  /** Set in rollback mode: whether ECS accepted a rollback. */
  outcome?: 'requested' | 'failed';
}

const CHECKS: Record<StuckReason, string[]> = {
  'deterministic-failure': [
    'The first failure is one no retry can fix: correct the image tag, secret, key or task definition it names, then deploy again.',
  ],
  'breaker-failed-no-rollback': [
    'The circuit breaker stopped this deployment but its rollback option is off: turn it on (CDK `circuitBreaker: { rollback: true }`, CloudFormation `DeploymentCircuitBreaker.Rollback: true`).',
    'Open a stopped task of the failed deployment: its stopped reason says why it failed.',
  ],
  'consecutive-failed-tasks': [
    'Open a stopped task of the new deployment: its stopped reason says why (image pull, secrets, exit code, health checks).',
    'Read the container logs of the new revision around the first failure.',
  ],
  'start-impaired': [
    'Tasks fail before they run: check that the image tag exists and the execution role can pull it and read its secrets.',
    'Look at the stopped reason of the newest stopped task (CannotPullContainerError, ResourceInitializationError).',
  ],
  'configuration-failure': [
    'ECS cannot launch the task as configured: check the task and execution roles, secrets ARNs, subnets and security groups of the new revision.',
  ],
  'placement-failure': [
    'No capacity satisfies the task: check the cluster capacity provider / container instances, CPU and memory of the new revision, and placement constraints.',
  ],
  'max-duration': [
    'The deployment neither finished nor failed: compare running vs desired counts, and check target group health and the health-check grace period.',
  ],
};

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
const revision = (arn: string | undefined) => nameFromArn(arn) ?? arn;

/** The on-call's view: what happened when, what the guard did, what to check next. */
export function buildNotification(input: {
  snapshot: ServiceSnapshot;
  decision: Extract<Decision, { verdict: 'stuck' }>;
  report: ActionReport;
  config: GuardConfig;
  /** When the guard judged the deployment stuck (before the calls it led to). */
  judgedAt: Date;
}): Notification {
  const { snapshot, decision, report, config, judgedAt } = input;
  const e = decision.evidence;
  const rolledBack = report.outcome === 'requested';
  const failed = report.outcome === 'failed';

  const [title, severity, eventType, headline] =
    report.mode === 'dry-run'
      ? [
          `${snapshot.service}: deployment stuck (dry run, would roll back)`,
          'warning' as const,
          'DeploymentStuck',
          'Dry run: no change was made.',
        ]
      : report.mode === 'notify' && e.capacity
        ? [
            `${snapshot.service}: deployment stuck on capacity, not the revision`,
            'critical' as const,
            'DeploymentStuck',
            'Capacity, not the revision: the guard did not roll back.',
          ]
        : report.mode === 'notify'
          ? [
              `${snapshot.service}: deployment stuck, needs a person`,
              'critical' as const,
              'DeploymentStuck',
              'Mode notify: the guard did not roll back.',
            ]
          : failed
            ? [
                `${snapshot.service}: deployment stuck, ROLLBACK FAILED`,
                'critical' as const,
                'DeploymentRollbackFailed',
                'The guard tried to roll back and could not: roll back by hand.',
              ]
            : [
                `${snapshot.service}: stuck deployment rolled back`,
                'warning' as const,
                'DeploymentRolledBack',
                `Rolled back to ${revision(e.previousTaskDefinition) ?? 'the previous revision'}.`,
              ];

  // In time order; at the same instant, in the order things happened (the judgement led to the calls).
  const entries: Array<[Date, string]> = [
    [
      e.startedAt,
      `deployment ${e.deploymentId} started (${revision(e.taskDefinition) ?? 'unknown revision'})`,
    ],
  ];
  if (e.firstFailure) entries.push([e.firstFailure.at, `first failure: ${e.firstFailure.detail}`]);
  entries.push([judgedAt, `judged stuck: ${e.rules.join('; ') || decision.summary}`]);
  for (const step of report.steps) entries.push([step.at, `${step.call} → ${step.result}`]);
  const timeline = entries
    .map(([at, text], order) => ({ at, text, order }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order)
    .map(({ at, text }) => `- ${iso(at)} ${text}`);

  const evidence = e.signals.slice(-8).map((s) => `- ${iso(s.at)} [${s.kind}] ${s.detail}`);
  const details = [
    '**Timeline**',
    ...timeline,
    ...(evidence.length ? ['', '**Evidence**', ...evidence] : []),
    ...(report.notes.length ? ['', '**Notes**', ...report.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');

  const stackName = snapshot.tags?.['aws:cloudformation:stack-name'];
  const nextSteps = [
    ...(e.capacity
      ? [
          'Capacity: check the cluster capacity providers or Auto Scaling group, free IP addresses in the service subnets, ENI limits (awsvpc) and Fargate or Spot availability in these Availability Zones.',
        ]
      : []),
    ...(failed
      ? [
          'Roll back by hand: `aws ecs update-service --force-new-deployment --task-definition <previous>` or stop the deployment in the console.',
        ]
      : []),
    ...CHECKS[decision.reason],
    ...(e.signals.find((s) => s.nextSteps?.length)?.nextSteps?.slice(0, 2) ?? []),
    ...(rolledBack ? ['Watch the rollback deployment reach a steady state before pushing a fix.'] : []),
  ];
  return {
    title,
    severity,
    eventType,
    summary: `Deployment ${e.deploymentId} of ${snapshot.service} is stuck: ${decision.summary}. ${headline}`,
    facts: [
      ['Service', snapshot.service],
      ['Cluster', snapshot.cluster],
      ['Deployment', e.deploymentId],
      ['New revision', revision(e.taskDefinition)],
      ['Previous revision', revision(e.previousTaskDefinition)],
      ['Running / desired', `${e.runningCount} / ${e.desiredCount} (${e.pendingCount} pending)`],
      ['Consecutive failed tasks', e.failedTasks],
      ['Minutes since start', e.elapsedMinutes],
      ['Mode', report.mode],
      ['Stack', stackName],
    ],
    details,
    nextSteps,
    links: [
      {
        label: 'Service deployments',
        url: ecsServiceDeploymentsUrl(config.region, snapshot.cluster, snapshot.service),
      },
      ...(stackName ? [{ label: `Stack ${stackName}`, url: stackUrl(config.region, stackName) }] : []),
    ],
    keywords: ['deployment', snapshot.service, decision.reason],
    threadId: `deployment-guard/${snapshot.cluster}/${snapshot.service}/${e.deploymentId}`,
    relatedResources: [snapshot.serviceArn, e.taskDefinition].filter((r): r is string => Boolean(r)),
  };
}
