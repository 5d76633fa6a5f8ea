/** Duration of a full four-step rotation (alternating users) against the local PostgreSQL, RDS-shaped. */
import { rotationDeps, runFullRotation, setUpRotation, testConfig } from '../local/rotate-secret/rotation';
import { median, round } from './stats';

export async function measureRotation(runs: number) {
  // The RDS-shaped world: non-superuser master behind its RDS-managed secret, Django-owned tables.
  const { fake, secretId, tearDown } = await setUpRotation('postgres', 'rot_bench', 'alternating-users');
  try {
    const config = testConfig({ CLUSTER_NAME: 'django-app', SECRET_CONSUMERS: '[]' });
    const totals: number[] = [];
    const perStep = new Map<string, number[]>();
    for (let i = 0; i < runs; i++) {
      const run = await runFullRotation(fake, secretId, rotationDeps(fake), config);
      for (const s of run.steps) {
        if (!s.result || (s.result as { outcome?: string }).outcome === 'failed')
          throw new Error(`rotation step ${s.step} failed`);
        perStep.set(s.step, [...(perStep.get(s.step) ?? []), s.ms]);
      }
      totals.push(run.totalMs);
    }
    return [
      ...[...perStep].map(([step, ms]) => ({ step, 'median ms': round(median(ms), 1) })),
      { step: 'full rotation (4 steps)', 'median ms': round(median(totals), 1) },
    ];
  } finally {
    await tearDown();
  }
}
