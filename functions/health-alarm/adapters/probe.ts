import { probeTarget } from '../../../shared/health/probe';
import { HealthTargetListSchema, type HealthTarget } from '../../../shared/health/target';
import { PermanentError } from '../../../shared/errors';
import type { ProbePort } from '../ports';

/**
 * Probes a configured deep-healthcheck target once. The target list (`HEALTH_TARGETS`, the same
 * JSON as deepHealthcheck's) is read on first use, not at cold start: a broken list must cost
 * only the deep-healthcheck enrichment, never the ALB or thrash notifications.
 */
export function healthProbe(healthTargetsJson: string | undefined, now: () => number = Date.now): ProbePort {
  let targets: HealthTarget[] | undefined;
  const load = (): HealthTarget[] => {
    if (targets) return targets;
    if (!healthTargetsJson) throw new PermanentError('HEALTH_TARGETS is not set');
    let raw: unknown;
    try {
      raw = JSON.parse(healthTargetsJson);
    } catch {
      throw new PermanentError('HEALTH_TARGETS is not valid JSON');
    }
    const parsed = HealthTargetListSchema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new PermanentError(
        `HEALTH_TARGETS is invalid: ${first?.path.join('.') ?? ''} ${first?.message ?? ''}`.trim(),
      );
    }
    targets = parsed.data;
    return targets;
  };
  return {
    async probe(name, budgetMs) {
      const target = load().find((t) => t.name === name);
      if (!target) throw new PermanentError(`target "${name}" is not in HEALTH_TARGETS`);
      return probeTarget(target, { deadlineMs: now() + budgetMs });
    },
  };
}
