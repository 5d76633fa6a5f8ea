/**
 * The configuration `serverless print` resolves (params, variables, merged resources) without
 * packaging: seconds instead of a bundle, for tests of what a CLI option, stage param or
 * environment variable selects.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { SERVERLESS_BIN, serverlessEnv } from '../../scripts/lib/packaged';

const ROOT = path.resolve(__dirname, '../..');

export interface ResolvedConfig {
  provider: { region: string; stage: string } & Record<string, unknown>;
  resources: { Resources: Record<string, unknown>; Conditions?: Record<string, unknown> };
}

/** `env` replaces the region-related variables of this process; the rest is inherited. */
export function serverlessPrint(
  args: string[],
  env: Record<string, string | undefined> = {},
): ResolvedConfig {
  const merged = serverlessEnv();
  delete merged.AWS_REGION;
  delete merged.AWS_DEFAULT_REGION;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  const out = execFileSync(SERVERLESS_BIN, ['print', '--format', 'json', ...args], {
    cwd: ROOT,
    env: merged,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  return JSON.parse(out) as ResolvedConfig;
}
