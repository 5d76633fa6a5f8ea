/**
 * What a person reads about a rotation: the SecretRotated and SecretRotationFailed notifications
 * this function sends, and the one for Secrets Manager's own RotationFailed event.
 */
import { describeError, OpsError } from '../../shared/errors';
import { secretUrl } from '../../shared/links';
import type { Notification } from '../../shared/notify';
import type { RotationResult } from './core';
import type { SecretMetadata } from './ports';
import {
  type RotateSecretConfig,
  type RotationEvent,
  type RotationFailedEvent,
  secretNameOf,
} from './schema';
import type { StepContext, StepOutcome } from './strategies/context';

export function finishNotification(
  ctx: StepContext,
  result: RotationResult,
  users: StepOutcome['users'],
): Notification {
  const failed = result.redeployFailed ?? [];
  const redeployed = result.redeployed ?? [];
  const userChange =
    users?.current && users.pending && users.current !== users.pending
      ? ` The app now logs in as ${users.pending} (was ${users.current}).`
      : '';
  return {
    title: `${ctx.meta.name}: secret rotated${failed.length ? ', redeploy failed' : ''}`,
    severity: failed.length ? 'warning' : 'info',
    eventType: 'SecretRotated',
    summary:
      `Secret ${ctx.meta.name} was rotated (${ctx.strategy}); AWSCURRENT is now version ${ctx.event.ClientRequestToken}.${userChange}` +
      (redeployed.length
        ? ` New ECS deployments started for ${redeployed.join(', ')} so tasks read the new value.`
        : '') +
      (failed.length
        ? ` Redeploy FAILED for ${failed.map((f) => f.service).join(', ')}: running tasks keep the old value until replaced.`
        : ''),
    facts: [
      ['Secret', ctx.meta.name],
      ['Strategy', ctx.strategy],
      ['Database user', users?.pending],
      ['Previous user', users?.current !== users?.pending ? users?.current : undefined],
      ['Version', ctx.event.ClientRequestToken],
      ['Redeployed', redeployed.join(', ')],
      ['Redeploy failed', failed.map((f) => `${f.service} (${f.error})`).join('; ')],
    ],
    nextSteps: failed.map((f) => {
      const [cluster, service] = f.service.split('/');
      return `aws ecs update-service --cluster ${cluster} --service ${service} --force-new-deployment`;
    }),
    links: [{ label: 'Secret', url: secretUrl(ctx.config.AWS_REGION, ctx.meta.name) }],
    keywords: ['rotation', ctx.strategy],
  };
}

export function failureNotification(
  event: RotationEvent,
  error: unknown,
  config: RotateSecretConfig,
  meta?: SecretMetadata,
): Notification {
  const name = meta?.name ?? secretNameOf(event.SecretId);
  const retryable = error instanceof OpsError ? error.retryable : true;
  const state =
    event.Step === 'finishSecret'
      ? 'AWSCURRENT may or may not have moved: check the secret’s versions.'
      : 'AWSCURRENT is unchanged: the app keeps working with the current credentials.';
  return {
    title: `${name}: rotation failed at ${event.Step}`,
    severity: retryable ? 'warning' : 'critical',
    eventType: 'SecretRotationFailed',
    summary: retryable
      ? `Rotation of ${name} failed at ${event.Step} with a fault that may be temporary: ${describeError(error)}. ${state}`
      : `Rotation of ${name} failed at ${event.Step} and a retry cannot fix it: ${describeError(error)}. ${state}`,
    facts: [
      ['Secret', name],
      ['Step', event.Step],
      ['Version', event.ClientRequestToken],
      ['Retry can help', retryable ? 'yes' : 'no'],
    ],
    nextSteps: [
      retryable
        ? `If it persists (network, endpoint, throttling), fix the cause, then run \`aws secretsmanager rotate-secret --secret-id ${name}\`.`
        : `Fix the cause above, then run \`aws secretsmanager rotate-secret --secret-id ${name}\`.`,
    ],
    links: [{ label: 'Secret', url: secretUrl(config.AWS_REGION, name) }],
    keywords: ['rotation'],
    threadId: `rotation-${name}`,
  };
}

/**
 * Secrets Manager's RotationFailed event: also reaches a person when the function never ran or
 * died before it could notify (no invoke permission, a timeout, a crash at start).
 */
export function rotationFailedNotification(event: RotationFailedEvent, region: string): Notification {
  const secretId =
    event.detail.additionalEventData?.SecretId ??
    event.detail.requestParameters?.secretId ??
    event.resources?.[0];
  const name = secretId ? secretNameOf(secretId) : undefined;
  const when = event.detail.eventTime ?? event.time;
  return {
    // (No "secret:" in a sentence: the redactor reads it as a key and value.)
    title: name
      ? `${name}: Secrets Manager reports the rotation failed`
      : 'Secrets Manager reports a failed rotation',
    severity: 'critical',
    eventType: 'SecretsManagerRotationFailed',
    summary:
      `Secrets Manager recorded a failed rotation${name ? ` of ${name}` : ''}${when ? ` at ${when}` : ''}. ` +
      'AWSCURRENT is unchanged unless the failure came after finishSecret moved it; the rotation function’s own notification, if it ran, says which step failed.',
    facts: [
      ['Secret', name],
      ['Region', event.region ?? region],
      ['Time', when],
    ],
    nextSteps: [
      'Read the rotation function’s log (CloudWatch Logs, /aws/lambda/ops-sentinel-<stage>-rotateSecret) for the failed step.',
      name
        ? `After fixing the cause: \`aws secretsmanager rotate-secret --secret-id ${name}\`.`
        : 'After fixing the cause, start the rotation again with `aws secretsmanager rotate-secret`.',
    ],
    links: name ? [{ label: 'Secret', url: secretUrl(event.region ?? region, name) }] : [],
    keywords: ['rotation'],
    ...(name ? { threadId: `rotation-${name}` } : {}),
  };
}
