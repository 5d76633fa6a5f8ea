import { describeError, OpsError, PermanentError, RetryableError } from '../../shared/errors';
import { registerSecret } from '../../shared/redact';
import { failureNotification, finishNotification, rotationFailedNotification } from './messages';
import {
  AWSCURRENT,
  AWSPENDING,
  type RotateSecretDeps,
  type RotationDeps,
  type SecretMetadata,
} from './ports';
import {
  jsonObject,
  secretNameOf,
  STRATEGIES,
  type RotateSecretConfig,
  type RotateSecretEvent,
  type RotationEvent,
  type StrategyName,
} from './schema';
import type { StepContext, StepOutcome, Strategy } from './strategies/context';
import { currentVersionId } from './strategies/context';
import { alternatingUsersStrategy, singleUserStrategy } from './strategies/database';
import { randomValueStrategy } from './strategies/random-value';

export const TAG_STRATEGY = 'ops-sentinel:rotation-strategy';

const STRATEGY_IMPL: Record<StrategyName, Strategy> = {
  'alternating-users': alternatingUsersStrategy,
  'single-user': singleUserStrategy,
  'random-value': randomValueStrategy,
};

/** Field names avoid "secret"/"token": the logger redacts values under such keys. */
export interface RotationResult {
  /** The secret's name. */
  name: string;
  step: RotationEvent['Step'];
  /** The ClientRequestToken: the version being rotated in. */
  versionId: string;
  strategy?: StrategyName;
  /** Where the strategy came from: the secret's `rotationStrategy` field, its tag, or the default. */
  strategySource?: 'secret field' | 'tag' | 'default';
  outcome: StepOutcome['outcome'];
  reason?: string;
  /** What was done, or with DRY_RUN what would have been done (never a password). */
  actions: string[];
  redeployed?: string[];
  redeployFailed?: Array<{ service: string; error: string }>;
  /** Why the SecretRotated notification could not be sent (the rotation is complete regardless). */
  notifyFailed?: string;
}

/**
 * The strategy of a secret: its JSON field `rotationStrategy`, else the tag
 * `ops-sentinel:rotation-strategy`, else `alternating-users` for a JSON secret with an `engine`
 * and `random-value` for anything else.
 */
export function chooseStrategy(
  meta: SecretMetadata,
  currentValue: string,
): { strategy: StrategyName; source: NonNullable<RotationResult['strategySource']> } {
  const fromField = jsonObject(currentValue)?.rotationStrategy;
  const fromTag = meta.tags[TAG_STRATEGY];
  const pick = (value: unknown, source: 'secret field' | 'tag') => {
    if (!STRATEGIES.includes(value as StrategyName)) {
      throw new PermanentError(
        `Secret ${meta.name}: ${source === 'tag' ? `tag ${TAG_STRATEGY}` : 'field rotationStrategy'} is "${String(value)}", expected one of ${STRATEGIES.join(', ')}`,
      );
    }
    return { strategy: value as StrategyName, source };
  };
  if (fromField !== undefined) return pick(fromField, 'secret field');
  if (fromTag !== undefined) return pick(fromTag, 'tag');
  const json = jsonObject(currentValue);
  if (typeof json?.engine === 'string') return { strategy: 'alternating-users', source: 'default' };
  if (json && (json.username !== undefined || json.password !== undefined)) {
    // Database credentials without engine/host (e.g. an RDS-managed secret, or one written by
    // hand): a random string in their place would lock the app out. Never guess.
    throw new PermanentError(
      `Refusing to rotate ${meta.name}: it holds a username/password but no "engine", so it is neither a database secret this function can rotate nor an app secret. Add "engine" and "host" (and "masterarn" for alternating-users), or set the tag ${TAG_STRATEGY}`,
    );
  }
  return { strategy: 'random-value', source: 'default' };
}

/**
 * The guard every step runs first (AWS's contract): rotation enabled, the token a known version,
 * already-AWSCURRENT a no-op, anything but AWSPENDING an error. Returns a reason to stop, or undefined.
 */
export function guard(meta: SecretMetadata, token: string): string | undefined {
  if (!meta.rotationEnabled) throw new PermanentError(`Rotation is not enabled for secret ${meta.name}`);
  // Own keys only: a token named `__proto__` or `valueOf` must read as unknown, not as a prototype member.
  const stages = Object.hasOwn(meta.versions, token) ? meta.versions[token] : undefined;
  if (!Array.isArray(stages))
    throw new PermanentError(
      `Version ${token} of secret ${meta.name} is unknown: it has no stage for rotation`,
    );
  if (stages.includes(AWSCURRENT)) return `version ${token} is already AWSCURRENT`;
  if (!stages.includes(AWSPENDING)) {
    throw new PermanentError(
      `Version ${token} of secret ${meta.name} is not AWSPENDING (stages: ${stages.join(', ') || 'none'})`,
    );
  }
  return undefined;
}

/** Consumers (ECS services) whose configured `secret` names this one: name, ARN, or `prefix*`. */
export function consumersOf(
  meta: SecretMetadata,
  config: RotateSecretConfig,
): Array<{ cluster: string; service: string }> {
  const matches = (pattern: string) =>
    pattern.endsWith('*')
      ? meta.name.startsWith(pattern.slice(0, -1)) || meta.arn.startsWith(pattern.slice(0, -1))
      : pattern === meta.name || pattern === meta.arn;
  return config.SECRET_CONSUMERS.filter((c) => matches(c.secret)).flatMap((c) =>
    c.services.map((service) => ({ cluster: c.cluster ?? config.CLUSTER_NAME, service })),
  );
}

/** Time kept for what follows the redeploys (the notification, the answer): a connect timeout and more. */
export const FINISH_RESERVE_MS = 8_000;

async function finishSecret(ctx: StepContext, impl: Strategy, result: RotationResult): Promise<StepOutcome> {
  const { SecretId, ClientRequestToken: token } = ctx.event;
  const from = currentVersionId(ctx.meta);
  const users = await impl.describeFinish(ctx);
  const consumers = consumersOf(ctx.meta, ctx.config);
  const move = `UpdateSecretVersionStage ${ctx.meta.name} AWSCURRENT → ${token} (from ${from ?? 'none'})`;
  if (ctx.config.DRY_RUN) {
    ctx.actions.push(`would ${move}`);
    for (const c of consumers)
      ctx.actions.push(`would UpdateService ${c.cluster}/${c.service} forceNewDeployment`);
    return { outcome: 'dry-run', users };
  }
  await ctx.deps.secrets.moveCurrent(SecretId, token, from);
  ctx.actions.push(move);
  // ECS injects secrets only when a task starts: running tasks keep the old value until replaced.
  // The rotation itself is complete and a retry would be a no-op, so failures are reported, not
  // thrown. ECS that cannot be reached at all (a VPC without the endpoint) is tried once, not once
  // per service; and services left when the invocation runs short of time are not started.
  result.redeployed = [];
  result.redeployFailed = [];
  let unreachable: string | undefined;
  for (const c of consumers) {
    const label = `${c.cluster}/${c.service}`;
    const remaining = ctx.deps.clock?.remainingMs();
    if (unreachable) {
      result.redeployFailed.push({ service: label, error: `not attempted: ${unreachable}` });
      continue;
    }
    if (remaining !== undefined && remaining < FINISH_RESERVE_MS) {
      result.redeployFailed.push({
        service: label,
        error: `not attempted: only ${Math.round(remaining / 1000)} s of the invocation left`,
      });
      continue;
    }
    try {
      if (!c.cluster) throw new PermanentError('no cluster configured (consumer cluster or CLUSTER_NAME)');
      await ctx.deps.ecs.forceNewDeployment(c.cluster, c.service);
      result.redeployed.push(label);
      ctx.actions.push(`UpdateService ${label} forceNewDeployment`);
    } catch (error) {
      result.redeployFailed.push({ service: label, error: describeError(error) });
      if ((error as { name?: string }).name === 'EndpointUnreachableError')
        unreachable = describeError(error);
    }
  }
  return { outcome: 'done', users };
}

/**
 * One rotation step. Idempotent and re-entrant: a step delivered twice, or retried after a
 * failure at any point, converges. Every failure is notified, then thrown (Secrets Manager marks
 * the rotation failed).
 */
export async function rotateSecret(
  event: RotationEvent,
  deps: RotationDeps,
  config: RotateSecretConfig,
): Promise<RotationResult> {
  const result: RotationResult = {
    name: secretNameOf(event.SecretId),
    step: event.Step,
    versionId: event.ClientRequestToken,
    outcome: 'done',
    actions: [],
  };
  let meta: SecretMetadata | undefined;
  try {
    meta = await deps.secrets.describe(event.SecretId);
    result.name = meta.name;
    const stop = guard(meta, event.ClientRequestToken);
    if (stop) return { ...result, outcome: 'no-op', reason: stop };
    const current = await deps.secrets.getValue(event.SecretId, { stage: AWSCURRENT });
    if (!current) throw new PermanentError(`Secret ${meta.name} has no AWSCURRENT value`);
    registerSecret(current.value);
    const { strategy, source } = chooseStrategy(meta, current.value);
    result.strategy = strategy;
    result.strategySource = source;
    const impl = STRATEGY_IMPL[strategy];
    const ctx: StepContext = { event, meta, current, strategy, deps, config, actions: result.actions };
    let outcome: StepOutcome;
    if (event.Step === 'finishSecret') {
      outcome = await finishSecret(ctx, impl, result);
      if (outcome.outcome === 'done') {
        // AWSCURRENT has moved: a notification that cannot be sent must not fail the rotation.
        await deps.notifier.notify(finishNotification(ctx, result, outcome.users)).catch((error: unknown) => {
          result.notifyFailed = describeError(error);
        });
      }
    } else {
      outcome = await impl[event.Step](ctx);
    }
    return { ...result, outcome: outcome.outcome, ...(outcome.reason ? { reason: outcome.reason } : {}) };
  } catch (error) {
    // Secrets Manager invokes rotation synchronously: no Lambda retry and no OnFailure destination
    // ever sees this error, so every failure is notified here, retryable or not.
    try {
      await deps.notifier.notify(failureNotification(event, error, config, meta));
    } catch (notifyError) {
      // The error is all that is left (Secrets Manager logs it): say that nobody was told.
      const message = `${error instanceof Error ? error.message : String(error)}; the failure notification was not sent either: ${describeError(notifyError)}`;
      const retryable = error instanceof OpsError ? error.retryable : true;
      throw retryable
        ? new RetryableError(message, { cause: error })
        : new PermanentError(message, { cause: error });
    }
    throw error;
  }
}

/**
 * The function's entry point, on the parsed event (schema.ts `parseEvent`): Secrets Manager's
 * RotationFailed record (EventBridge) is notified; a rotation step runs `rotateSecret`, is counted
 * (`RotationSteps`) and logged. `remainingMs` is the invocation's time left (Lambda's context).
 */
export async function handleInvocation(
  input: RotateSecretEvent,
  deps: RotateSecretDeps,
  config: RotateSecretConfig,
  remainingMs?: () => number,
): Promise<RotationResult | { notified: string }> {
  if (input.kind === 'rotation-failed') {
    // Secrets Manager's RotationFailed event (EventBridge rule in resources/rotate-secret.yml).
    const notification = rotationFailedNotification(input.event, config.AWS_REGION);
    await deps.notifier.notify(notification);
    deps.log.info('rotation failure reported by Secrets Manager', { title: notification.title });
    return { notified: notification.title };
  }
  const { event } = input;
  // Key names without "secret"/"token": the logger redacts values under such keys.
  deps.log.appendKeys({
    rotating: secretNameOf(event.SecretId),
    step: event.Step,
    versionId: event.ClientRequestToken,
  });
  const result = await rotateSecret(event, remainingMs ? { ...deps, clock: { remainingMs } } : deps, config);
  deps.metrics.rotationStep(result.strategy ?? 'none', event.Step);
  if (result.redeployFailed?.length || result.notifyFailed) {
    deps.log.warn('rotation complete, but not every consumer was redeployed or told', { result });
  } else {
    deps.log.info(config.DRY_RUN ? 'rotation step (dry run: nothing changed)' : 'rotation step', { result });
  }
  return result;
}
