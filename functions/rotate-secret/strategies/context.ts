import { PermanentError } from '../../../shared/errors';
import type { RotateSecretConfig, RotationEvent, StrategyName } from '../schema';
import { AWSCURRENT, type RotationDeps, type SecretMetadata, type SecretVersion } from '../ports';

/** What one step needs: the event, the secret's metadata, the ports and the configuration. */
export interface StepContext {
  event: RotationEvent;
  meta: SecretMetadata;
  current: SecretVersion;
  strategy: StrategyName;
  deps: RotationDeps;
  config: RotateSecretConfig;
  /** Appended as the step goes: what was done, or with DRY_RUN what would have been done. */
  actions: string[];
}

/** What a strategy's step reports back. */
export interface StepOutcome {
  outcome: 'done' | 'no-op' | 'dry-run';
  reason?: string;
  /** Database user before / after the rotation (never a password), for the notification. */
  users?: { current?: string; pending?: string };
}

export interface Strategy {
  createSecret(ctx: StepContext): Promise<StepOutcome>;
  setSecret(ctx: StepContext): Promise<StepOutcome>;
  testSecret(ctx: StepContext): Promise<StepOutcome>;
  /** Facts for the finish notification, read before AWSCURRENT moves. */
  describeFinish(ctx: StepContext): Promise<StepOutcome['users']>;
}

export async function readPending(ctx: StepContext): Promise<SecretVersion> {
  const { SecretId, ClientRequestToken } = ctx.event;
  const pending = await ctx.deps.secrets.getValue(SecretId, {
    versionId: ClientRequestToken,
    stage: 'AWSPENDING',
  });
  if (!pending) {
    throw new PermanentError(
      `Secret ${ctx.meta.name} has no AWSPENDING value for version ${ClientRequestToken}: createSecret has not stored it`,
    );
  }
  return pending;
}

/** AWSPREVIOUS, when there is one. */
export function readPrevious(ctx: StepContext): Promise<SecretVersion | undefined> {
  return ctx.deps.secrets.getValue(ctx.event.SecretId, { stage: 'AWSPREVIOUS' });
}

export function currentVersionId(meta: SecretMetadata): string | undefined {
  return Object.entries(meta.versions).find(([, stages]) => stages.includes(AWSCURRENT))?.[0];
}
