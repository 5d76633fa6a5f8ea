/**
 * For `bench/`: times full alternating-users rotations against the local PostgreSQL (real users,
 * real password changes and grant copies; Secrets Manager is the in-memory fake). No jest globals.
 *
 *   import { measureFullRotation } from '../test/helpers/rotate-secret/measure';
 *   const { medianMs, perStepMedianMs } = await measureFullRotation({ runs: 10 });
 */
import { FakeSecretsManager } from '../../../local/rotate-secret/fake-secrets-manager';
import {
  createFixture,
  dropFixture,
  rotationDeps,
  runFullRotation,
  seedAppSecret,
  testConfig,
} from './rotation';

export interface RotationMeasurement {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  perStepMedianMs: Record<string, number>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function measureFullRotation({
  runs = 10,
  prefix = 'rot_bench',
} = {}): Promise<RotationMeasurement> {
  // The RDS-shaped world: non-superuser master behind its RDS-managed secret, Django-owned tables.
  const fixture = await createFixture('postgres', prefix);
  const fake = new FakeSecretsManager();
  try {
    const name = `${prefix}/db`;
    seedAppSecret(fake, fixture, name, 'alternating-users');
    const deps = rotationDeps(fake);
    const config = testConfig();
    await runFullRotation(fake, name, deps, config); // warm-up: creates the clone user
    const totals: number[] = [];
    const perStep: Record<string, number[]> = {};
    for (let i = 0; i < runs; i++) {
      const rotation = await runFullRotation(fake, name, deps, config);
      totals.push(rotation.totalMs);
      for (const s of rotation.steps) (perStep[s.step] ??= []).push(s.ms);
    }
    return {
      runs,
      medianMs: median(totals),
      minMs: Math.min(...totals),
      maxMs: Math.max(...totals),
      perStepMedianMs: Object.fromEntries(Object.entries(perStep).map(([step, ms]) => [step, median(ms)])),
    };
  } finally {
    fake.restore();
    await dropFixture('postgres', prefix);
  }
}
