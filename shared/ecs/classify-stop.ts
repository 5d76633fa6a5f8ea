import type { StopCategory, StopClassification, StoppedTaskFacts } from './stop-types';

/**
 * Explains why an ECS task stopped. Pure and table-driven: the first rule of `RULES` whose
 * `when` matches decides the category. Every field of the input may be missing or of the wrong
 * type (events are only loosely typed), so the facts are normalised first; whatever happens, the
 * result is a classification — never an exception, never a dropped raw reason.
 */
export function classifyStop(facts: StoppedTaskFacts): StopClassification {
  try {
    const f = normalise(facts);
    const rule = RULES.find((r) => r.when(f)) ?? UNKNOWN;
    return { category: rule.category, routine: ROUTINE.has(rule.category), ...rule.describe(f) };
  } catch {
    // Only a hostile input (a throwing getter, a Proxy) gets here.
    return { category: 'unknown', routine: false, ...UNKNOWN.describe(EMPTY) };
  }
}

/** Categories that are part of normal operation, not incidents. */
export const ROUTINE_CATEGORIES: ReadonlySet<StopCategory> = new Set([
  'deployment-replacement',
  'scale-in',
  'user-stop',
]);
const ROUTINE = ROUTINE_CATEGORIES;

/**
 * Stops caused by the capacity under the task (Spot reclaim, Fargate task retirement, host or
 * infrastructure failure), not by the application: not a crash loop, and not evidence against the
 * revision that was running.
 */
export const CAPACITY_CATEGORIES: ReadonlySet<StopCategory> = new Set([
  'spot-interruption',
  'infrastructure',
]);

/** What a non-zero (or zero) exit code of a Linux process usually means. */
export function exitCodeMeaning(code: number): string {
  const known = EXIT_CODES[code];
  if (known) return known;
  if (code > 128 && code < 160) return `killed by signal ${code - 128}`;
  return 'application-specific error code';
}

const EXIT_CODES: Record<number, string> = {
  0: 'exited normally — the main process finished, which an essential long-running container must not do',
  1: 'application error — the process failed (uncaught exception, bad setting, failed import)',
  2: 'misuse of a shell command or invalid command-line arguments',
  126: 'command found but not executable (permissions or wrong binary architecture)',
  127: 'command not found — wrong entrypoint/command or missing binary in the image',
  134: 'aborted (SIGABRT) — the process called abort(), often a failed assertion in native code',
  137: 'killed (SIGKILL) — out of memory, or it did not stop within the stop timeout after SIGTERM',
  139: 'segmentation fault (SIGSEGV) — a crash in native code or a library built for another platform',
  143: 'terminated (SIGTERM) — asked to stop, normally by ECS itself',
  255: 'exit status out of range — the process exited with -1 or a fatal runtime error',
};

const MAX_RAW = 1000;

interface Container {
  name?: string;
  exitCode?: number;
  reason?: string;
  memoryMiB?: number;
}

interface Facts {
  stopCode: string;
  reason: string;
  containers: Container[];
  taskMemoryMiB?: number;
  /** `ecs-svc/<id>` of the deployment that started the task, when it is a service task. */
  startedBy: string;
  /** `ecs-svc/<id>` named in a "Scaling activity initiated by (deployment ...)" reason. */
  scalingDeployment?: string;
  /** The task reason and every container reason, for pattern searches. */
  allReasons: string;
}

const EMPTY: Facts = { stopCode: '', reason: '', containers: [], startedBy: '', allReasons: '' };

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function mebibytes(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function normalise(facts: unknown): Facts {
  const raw = (typeof facts === 'object' && facts !== null ? facts : {}) as Record<string, unknown>;
  const list = Array.isArray(raw.containers) ? (raw.containers as unknown[]) : [];
  const containers = list
    .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
    .map((c) => ({
      name: text(c.name) || undefined,
      exitCode: typeof c.exitCode === 'number' && Number.isInteger(c.exitCode) ? c.exitCode : undefined,
      reason: text(c.reason) || undefined,
      memoryMiB: mebibytes(c.memory),
    }));
  const reason = text(raw.stoppedReason);
  return {
    stopCode: text(raw.stopCode),
    reason,
    containers,
    taskMemoryMiB: mebibytes(raw.memory),
    startedBy: text(raw.startedBy),
    scalingDeployment: /Scaling activity initiated by \(deployment (ecs-svc\/[^\s)]+)\)/i.exec(reason)?.[1],
    allReasons: [reason, ...containers.map((c) => c.reason ?? '')].join('\n'),
  };
}

type Description = Omit<StopClassification, 'category' | 'routine'>;

interface Rule {
  category: StopCategory;
  when(f: Facts): boolean;
  describe(f: Facts): Description;
}

const rawReason = (f: Facts): string | undefined => {
  const all = [
    f.reason,
    ...f.containers.map((c) => (c.reason ? `${c.name ?? 'container'}: ${c.reason}` : '')),
  ]
    .filter(Boolean)
    .join(' | ');
  if (!all) return undefined;
  return all.length > MAX_RAW ? `${all.slice(0, MAX_RAW - 1)}…` : all;
};

const has = (pattern: RegExp) => (f: Facts) => pattern.test(f.allReasons);

/** The container that best explains the stop: one with a matching reason, else a non-zero exit. */
function culprit(f: Facts, pattern?: RegExp): Container | undefined {
  return (
    (pattern && f.containers.find((c) => c.reason && pattern.test(c.reason))) ||
    f.containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0) ||
    f.containers.find((c) => c.exitCode !== undefined) ||
    (f.containers.length === 1 ? f.containers[0] : undefined)
  );
}

/**
 * A secret or parameter by the name the console shows. A Secrets Manager ARN ends in the name,
 * "-" and six random characters, then optionally `:json-key:version-stage:version-id` (a
 * `valueFrom` reference); the console shows `panelapp/prod/db`. An SSM parameter ARN
 * `parameter/prod/db` names `/prod/db` (`parameter/db` names `db`).
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
 */
export function readableSecret(arn: string): string {
  const secret = /:secretsmanager:[^:]*:[^:]*:secret:([^:]+)/.exec(arn)?.[1];
  if (secret) return secret.replace(/-[A-Za-z0-9]{6}$/, '');
  const parameter = /:ssm:[^:]*:[^:]*:parameter\/(.+)$/.exec(arn)?.[1];
  if (parameter) return parameter.includes('/') ? `/${parameter}` : parameter;
  return arn;
}

const OOM = /OutOfMemory|out of memory|\bOOM\b|memory usage/i;
const ELB = /failed ELB health checks/i;
const IMAGE_PULL =
  /CannotPullContainerError|CannotPullImageManifestError|pull image manifest|failed to resolve ref|manifest unknown/i;
const RESOURCE_INIT =
  /ResourceInitializationError|unable to (pull|retrieve) secrets|CannotRetrieveSecret|secretsmanager:GetSecretValue|ssm:GetParameters/i;
const START_FAILURE =
  /CannotStartContainerError|CannotCreateContainerError|CannotInspectContainerError|RESOURCE:(CPU|MEMORY|PORTS|ENI|GPU)|InsufficientCapacity|capacity is unavailable|no container instances|Timeout waiting for network interface|TaskFailedToStart/i;
// Fargate task retirement: "ECS is performing maintenance on the underlying infrastructure hosting
// the task" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-maintenance.html).
const INFRASTRUCTURE =
  /Host EC2 \(instance [^)]*\) (stopped|terminated)|underlying infrastructure|Fargate maintenance|scheduled for retirement|container instance .*(deregistered|draining)|during instance draining|task retirement|InfrastructureHealth/i;
// Availability Zone rebalancing (on by default for services created since June 2025) stops the
// surplus tasks of the fullest zone; ECS reports it as "... due to AZ rebalancing"
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing-event-messages-list.html).
const AZ_REBALANCING = /\bAZ[- ]Rebalanc|Availability Zone rebalanc/i;

const RULES: Rule[] = [
  {
    category: 'spot-interruption',
    when: (f) =>
      f.stopCode === 'SpotInterruption' || /Spot Task was interrupted|spot interruption/i.test(f.allReasons),
    describe: (f) => ({
      headline: 'interrupted by Spot capacity reclaim',
      explanation:
        'AWS reclaimed the Spot capacity this task ran on (two-minute warning, then SIGTERM). ECS starts a replacement when capacity allows; the application did nothing wrong.',
      nextSteps: [
        'Nothing to fix in the application if replacements start and pass health checks.',
        'If interruptions hurt availability, add FARGATE (on-demand) to the capacity provider strategy with a base count for the web service.',
        'Make sure Django/gunicorn and Celery workers shut down cleanly on SIGTERM within the stop timeout.',
      ],
      evidence: { rawReason: rawReason(f) },
    }),
  },
  {
    category: 'secrets-init',
    when: has(RESOURCE_INIT),
    describe: (f) => {
      const secret = /arn:aws[\w-]*:(?:secretsmanager|ssm):[^\s"',)]+/.exec(f.allReasons)?.[0];
      const permission = /not authorized to perform:? ([\w-]+):([\w-]+)/i.exec(f.allReasons);
      // Written as "Action (service)" and by name, not "secretsmanager:..." / ARN: the notification
      // redactor treats `secret...: value` as a credential and would blank them.
      const action = permission ? `${permission[2]} (${permission[1]})` : undefined;
      const label = secret && readableSecret(secret);
      const what = [label && `secret ${label}`, action && `permission ${action}`].filter(Boolean).join(', ');
      return {
        headline: 'could not initialise its resources (secrets, registry auth or logging)',
        explanation: `ECS could not prepare the task before starting containers${what ? ` (${what})` : ''}. This happens before the application runs: the task execution role cannot read a secret or parameter, the secret does not exist, or the task has no network route to Secrets Manager/SSM/ECR/CloudWatch Logs.`,
        nextSteps: [
          label
            ? `Check that ${label} exists in this account and region, and that every key named in the task definition's valueFrom exists in it.`
            : "Check every secret and parameter referenced in the task definition's `secrets` (valueFrom ARNs, JSON keys).",
          action
            ? `Grant ${action} to the task *execution* role (not the task role), plus kms:Decrypt if the secret uses a customer-managed key.`
            : 'Check that the task execution role may call GetSecretValue (Secrets Manager) / GetParameters (SSM), plus kms:Decrypt for customer-managed keys.',
          'In private subnets, check the NAT gateway or VPC endpoints for Secrets Manager, SSM, ecr.api, ecr.dkr, s3 and logs.',
        ],
        evidence: { secret, rawReason: rawReason(f) },
      };
    },
  },
  {
    category: 'image-pull',
    when: has(IMAGE_PULL),
    describe: (f) => ({
      headline: 'could not pull its container image',
      explanation:
        'ECS could not download the image, so no container started. Usual causes: the tag or digest does not exist (a deployment pointing at an image that was never pushed), the execution role lacks ECR permissions, or the task has no route to the registry.',
      nextSteps: [
        'Check that the image tag in the task definition was pushed to the registry (same account and region).',
        'Check the task execution role has ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer.',
        'In private subnets, check the NAT gateway or the ecr.api, ecr.dkr and s3 VPC endpoints.',
      ],
      evidence: { container: culprit(f, IMAGE_PULL)?.name, rawReason: rawReason(f) },
    }),
  },
  {
    category: 'out-of-memory',
    when: has(OOM),
    describe: (f) => {
      const c = culprit(f, OOM);
      const limit = c?.memoryMiB ?? f.taskMemoryMiB;
      return {
        headline: `killed for running out of memory${c?.name ? ` (${c.name})` : ''}`,
        explanation: `${c?.name ? `The \`${c.name}\` container` : 'A container of the task'} used more than its memory limit${limit ? ` of ${limit} MiB` : ''} and the kernel killed it (exit 137). With Django this is usually too many gunicorn workers for the memory, a leak that grows per request, or one request loading a huge queryset.`,
        nextSteps: [
          'Look at the MemoryUtilization of the service just before the kill (CloudWatch / Container Insights).',
          `Raise the memory${limit ? ` above ${limit} MiB` : ''} in the task definition, or lower the gunicorn worker count (--workers) / Celery concurrency.`,
          'Bound worker lifetime (gunicorn --max-requests, Celery --max-tasks-per-child) and look for querysets loaded whole instead of iterated.',
        ],
        evidence: {
          container: c?.name,
          exitCode: c?.exitCode,
          exitMeaning: c?.exitCode !== undefined ? exitCodeMeaning(c.exitCode) : undefined,
          memoryLimitMiB: limit,
          rawReason: rawReason(f),
        },
      };
    },
  },
  {
    category: 'elb-health-check',
    when: has(ELB),
    describe: (f) => {
      const targetGroup = /\(target-group ([^)\s]+)\)/i.exec(f.allReasons)?.[1];
      const tgName = targetGroup?.includes(':targetgroup/') ? targetGroup.split('/')[1] : targetGroup;
      return {
        headline: `killed by ELB health checks${tgName ? ` (${tgName})` : ''}`,
        explanation: `The load balancer${tgName ? ` target group ${tgName}` : ''} marked the task unhealthy and ECS replaced it. The app did not answer the health check path with a success code in time: slow start (migrations, warm-up), a wrong path or port, or Django answering 400 because the health checker's Host header (the task's private IP) is not in ALLOWED_HOSTS.`,
        nextSteps: [
          'Open the task logs around the stop time: look for 400 DisallowedHost, 500s or timeouts on the health check path.',
          "Compare the target group's health check path, port and success codes with what the app serves; allow the task IP in ALLOWED_HOSTS or answer health checks before host validation.",
          "If the app needs time to start, raise the service's healthCheckGracePeriodSeconds or the target group's thresholds.",
        ],
        evidence: { targetGroup, rawReason: rawReason(f) },
      };
    },
  },
  {
    category: 'container-health-check',
    when: has(/failed container health checks/i),
    describe: (f) => {
      const c =
        f.containers.find((x) => x.reason) ?? (f.containers.length === 1 ? f.containers[0] : undefined);
      return {
        headline: 'killed by its container health check',
        explanation: `The HEALTHCHECK command in the task definition${c?.name ? ` for \`${c.name}\`` : ''} failed more times in a row than its retries allow, so ECS stopped the task. Either the app is really unhealthy, or the check itself is wrong (a tool like curl missing from a slim image, a wrong port, a too short timeout or startPeriod).`,
        nextSteps: [
          'Run the health check command inside the image (`docker run --entrypoint sh <image> -c "<command>"`) to check it works.',
          'Check that the startPeriod covers the app start-up (migrations, collectstatic, warm-up).',
          'Read the task logs just before the stop for errors on the checked endpoint.',
        ],
        evidence: { container: c?.name, rawReason: rawReason(f) },
      };
    },
  },
  {
    category: 'failed-to-start',
    when: (f) => f.stopCode === 'TaskFailedToStart' || START_FAILURE.test(f.allReasons),
    describe: (f) => {
      const capacity = /RESOURCE:|capacity|no container instances|network interface/i.test(f.allReasons);
      return {
        headline: capacity ? 'could not be placed (capacity)' : 'failed to start',
        explanation: capacity
          ? 'ECS could not place or start the task for lack of capacity: no instance with enough CPU/memory/ports, no Fargate capacity in the subnets, or no free IP address / ENI.'
          : 'ECS could not start the task. The container could not be created or started: a wrong entrypoint or command, a bad mount or volume, an invalid setting in the task definition.',
        nextSteps: capacity
          ? [
              'Check the service events in the console for the placement failure message.',
              'Check free IP addresses in the task subnets and the capacity provider / Auto Scaling group limits.',
              'Spread the service over more subnets / Availability Zones, or lower the requested CPU/memory.',
            ]
          : [
              'Read the raw reason below: it usually names the failing step (CannotStartContainerError, CannotCreateContainerError).',
              'Check the entrypoint and command of the task definition against the image.',
              'Check volumes, mount points and log configuration in the task definition.',
            ],
        evidence: { container: culprit(f)?.name, rawReason: rawReason(f) },
      };
    },
  },
  {
    category: 'infrastructure',
    when: (f) =>
      f.stopCode === 'InfrastructureHealth' ||
      f.stopCode === 'TerminationNotice' ||
      INFRASTRUCTURE.test(f.allReasons),
    describe: (f) => ({
      headline: 'stopped by the underlying infrastructure',
      explanation:
        'The host, container instance or Fargate infrastructure running the task was stopped, retired (Fargate task retirement) or found unhealthy, so ECS stopped the task. ECS starts a replacement; the application is not the cause.',
      nextSteps: [
        'Check that the service got back to its desired count.',
        'If this repeats, check the Auto Scaling group / capacity provider events and the AWS Health Dashboard for the account.',
        'Run at least two tasks across Availability Zones so one host event does not take the service down.',
      ],
      evidence: { rawReason: rawReason(f) },
    }),
  },
  {
    // ECS gives scale-in and replacement the same reason, naming the deployment that acted: a
    // task stopped by a deployment other than its own was replaced; by its own, scaled in.
    category: 'deployment-replacement',
    when: (f) => f.scalingDeployment !== undefined && f.scalingDeployment !== f.startedBy,
    describe: (f) => ({
      headline: 'replaced by a deployment',
      explanation: `Deployment ${f.scalingDeployment} of the service replaced this task with a new one. This is routine.`,
      nextSteps: ['Nothing to do.'],
      evidence: { rawReason: rawReason(f) },
    }),
  },
  {
    category: 'scale-in',
    when: (f) => AZ_REBALANCING.test(f.reason),
    describe: (f) => ({
      headline: 'stopped by Availability Zone rebalancing',
      explanation:
        'The service scheduler moved this task to even out the service across Availability Zones: it started a replacement in the zone with the fewest tasks, then stopped this one. This is routine.',
      nextSteps: ['Nothing to do.'],
      evidence: { rawReason: rawReason(f) },
    }),
  },
  {
    category: 'scale-in',
    when: (f) => /Scaling activity initiated by|scale[- ]?in\b|scaled in/i.test(f.reason),
    describe: (f) => ({
      headline: 'stopped by a scale-in',
      explanation:
        'The service scheduler stopped the task because the desired count went down (auto scaling or a manual change). This is routine.',
      nextSteps: ['Nothing to do.'],
      evidence: { rawReason: rawReason(f) },
    }),
  },
  {
    category: 'user-stop',
    when: (f) => f.stopCode === 'UserInitiated' || /stopped by user|StopTask/i.test(f.reason),
    describe: (f) => ({
      headline: 'stopped by a person or a tool (StopTask)',
      explanation:
        'Someone or something called StopTask on this task (console, CLI, CI pipeline). This is routine.',
      nextSteps: ['Nothing to do, unless nobody expected it: then look up the StopTask call in CloudTrail.'],
      evidence: { rawReason: rawReason(f) },
    }),
  },
  {
    category: 'essential-exit',
    when: (f) =>
      f.stopCode === 'EssentialContainerExited' || /Essential container in task exited/i.test(f.reason),
    describe: (f) => {
      const c = culprit(f);
      const code = c?.exitCode;
      const meaning = code !== undefined ? exitCodeMeaning(code) : undefined;
      return {
        headline: `crashed: ${c?.name ?? 'essential container'} exited${code !== undefined ? ` with code ${code}` : ''}`,
        explanation: `${c?.name ? `The essential container \`${c.name}\`` : 'An essential container'} exited${code !== undefined ? ` with code ${code} (${meaning})` : ' (no exit code reported)'}, so ECS stopped the whole task. For Django this is often a setting or environment variable missing at start-up, a failed import, or a failed migration in the entrypoint.`,
        nextSteps: [
          `Read the last lines of the ${c?.name ?? 'container'} log: the traceback or error is usually just before the exit.`,
          code === 137
            ? 'Exit 137 without an out-of-memory reason means SIGKILL: check the stop timeout and whether the process handles SIGTERM.'
            : code === 0
              ? 'Exit 0 means the main process ended: check that the command runs a server/worker in the foreground, not a one-off script.'
              : 'Compare the task definition revision with the previous one: environment variables, secrets, command.',
          'Reproduce locally with the same image and environment (`docker run ... <image> <command>`).',
        ],
        evidence: { container: c?.name, exitCode: code, exitMeaning: meaning, rawReason: rawReason(f) },
      };
    },
  },
];

const UNKNOWN: Rule = {
  category: 'unknown',
  when: () => true,
  describe: (f) => {
    const raw = rawReason(f);
    return {
      headline: 'stopped for an unrecognised reason',
      explanation: `ops-sentinel does not recognise this stop${f.stopCode ? ` (stop code ${f.stopCode})` : ''}. Reason as reported by ECS: ${raw ?? '(none reported)'}.`,
      nextSteps: [
        'Open the task in the console (stopped tasks stay visible for about an hour) and read its stopped reason and container reasons.',
        'Read the task logs around the stop time.',
      ],
      evidence: { rawReason: raw },
    };
  },
};
