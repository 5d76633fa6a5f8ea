import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { newRunDir } from './paths';

/** Gives this run its own scratch directory, and removes those of runs older than a day. */
export default async function globalSetup(): Promise<void> {
  const dir = newRunDir();
  process.env.OPS_SENTINEL_TEST_RUN_DIR = dir;
  const base = path.dirname(dir);
  for (const name of readdirSync(base)) {
    const old = path.join(base, name);
    if (old !== dir && Date.now() - statSync(old).mtimeMs > 86_400_000)
      rmSync(old, { recursive: true, force: true });
  }
}
