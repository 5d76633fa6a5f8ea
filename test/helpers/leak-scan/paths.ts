import { mkdirSync } from 'node:fs';
import path from 'node:path';

const BASE = path.resolve(__dirname, '../../../.tmp/runs');

/**
 * This jest run's scratch directory: records of the leak scan and packaged templates. Chosen by
 * globalSetup (workers inherit it through the environment), so concurrent runs never share one.
 */
export function runDir(): string {
  const dir = process.env.OPS_SENTINEL_TEST_RUN_DIR ?? path.join(BASE, `pid-${process.ppid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function newRunDir(): string {
  mkdirSync(BASE, { recursive: true });
  const dir = path.join(BASE, `${Date.now()}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
