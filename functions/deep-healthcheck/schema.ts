import { envInt, envJson } from '../../shared/config';
import { InvalidEventError } from '../../shared/errors';
import { HealthTargetListSchema } from '../../shared/health/target';
import * as z from '../../shared/zod';
import type { DeepHealthcheckSettings } from './ports';

/** Environment of deepHealthcheck (see README.md). */
export const DeepHealthcheckConfigSchema = z.object({
  /** JSON list of targets, from the stage param `healthTargets`. */
  HEALTH_TARGETS: envJson(HealthTargetListSchema),
  /** Seconds a token read from Secrets Manager is reused by a warm Lambda environment. */
  TOKEN_CACHE_SECONDS: z._default(envInt(0, 86_400), 300),
  /**
   * Probes in flight at most (TLS handshakes compete for a 256 MB Lambda's fraction of a vCPU).
   * Raised automatically when the targets' timeouts would not fit the invocation otherwise.
   */
  PROBE_CONCURRENCY: z._default(envInt(1, 1_000), 8),
  /** Milliseconds kept free before the Lambda timeout to publish metrics and logs. */
  DEADLINE_MARGIN_MS: z._default(envInt(0, 10_000), 1_500),
});
export type DeepHealthcheckConfig = z.output<typeof DeepHealthcheckConfigSchema>;

/**
 * The EventBridge schedule event (`detail-type: Scheduled Event`). For `invoke local` and manual
 * runs, `targets` may name a subset of the configured targets.
 */
export const DeepHealthcheckEventSchema = z.looseObject({
  'detail-type': z.optional(z.literal('Scheduled Event')),
  source: z.optional(z.literal('aws.events')),
  targets: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
});
export type DeepHealthcheckEvent = z.output<typeof DeepHealthcheckEventSchema>;

export function settingsFrom(config: DeepHealthcheckConfig): DeepHealthcheckSettings {
  return {
    targets: config.HEALTH_TARGETS,
    concurrency: config.PROBE_CONCURRENCY,
    deadlineMarginMs: config.DEADLINE_MARGIN_MS,
  };
}

/** The event, or an InvalidEventError naming the field; no event at all is a run of every target. */
export function parseEvent(event: unknown): DeepHealthcheckEvent {
  const parsed = DeepHealthcheckEventSchema.safeParse(event ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidEventError(
      `deepHealthcheck expects an EventBridge "Scheduled Event" (optionally with "targets": [names]); ${issue?.path.join('.') || 'event'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}
