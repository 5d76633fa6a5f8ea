import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { managedSecretOwner } from '../../../shared/aws/secrets';
import { ConfigError, PermanentError } from '../../../shared/errors';
import { registerSecret } from '../../../shared/redact';
import * as z from '../../../shared/zod';
import type { SecretsPort } from '../ports';

/**
 * Secrets read from a JSON file instead of Secrets Manager, for `serverless invoke local` on the
 * `local` stage (no AWS account). Read-only: use it with DRY_RUN, which makes no write.
 */
const LocalState = z.object({
  secrets: z.array(
    z.object({
      name: z.string(),
      arn: z.string(),
      rotationEnabled: z._default(z.boolean(), true),
      tags: z._default(z.record(z.string(), z.string()), {}),
      versions: z.record(
        z.string(),
        z.object({ stages: z.array(z.string()), value: z.optional(z.string()) }),
      ),
    }),
  ),
});

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%()*+,-.;<=>[]^_{|}~';

/** A relative path is looked up from the working directory upwards (invoke local runs in .esbuild/.build). */
function locate(path: string): string {
  if (isAbsolute(path)) return path;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const candidate = resolve(dir, path);
    if (existsSync(candidate) || dirname(dir) === dir) return candidate;
  }
}

export function localStateSecrets(path: string): SecretsPort {
  let parsed: z.output<typeof LocalState>;
  try {
    parsed = LocalState.parse(JSON.parse(readFileSync(locate(path), 'utf8')));
  } catch (error) {
    throw new ConfigError(
      `LOCAL_SECRETS_STATE ${path} is not a readable secrets state file: ${(error as Error).message}`,
    );
  }
  const find = (id: string) => {
    const secret = parsed.secrets.find((s) => s.name === id || s.arn === id);
    if (!secret) throw new PermanentError(`Secret ${id} is not in the local state file ${path}`);
    return secret;
  };
  const readOnly = (call: string) =>
    new PermanentError(`${call}: the local secrets state (${path}) is read-only; run with DRY_RUN=true`);
  return {
    async describe(id) {
      const s = find(id);
      const versions = Object.fromEntries(Object.entries(s.versions).map(([v, { stages }]) => [v, stages]));
      const managedBy = managedSecretOwner(s.tags);
      return {
        arn: s.arn,
        name: s.name,
        rotationEnabled: s.rotationEnabled,
        versions,
        tags: s.tags,
        ...(managedBy ? { managedBy } : {}),
      };
    },
    async getValue(id, { versionId, stage }) {
      const entry = Object.entries(find(id).versions).find(
        ([v, version]) =>
          (!versionId || v === versionId) &&
          (!stage || version.stages.includes(stage)) &&
          (versionId || stage),
      );
      if (!entry || entry[1].value === undefined) return undefined;
      registerSecret(entry[1].value);
      return { versionId: entry[0], value: entry[1].value, stages: entry[1].stages };
    },
    async putPending() {
      throw readOnly('PutSecretValue');
    },
    async moveCurrent() {
      throw readOnly('UpdateSecretVersionStage');
    },
    async randomPassword({ length, excludeCharacters, excludePunctuation }) {
      const chars = [...ALPHABET].filter(
        (c) => !excludeCharacters.includes(c) && (!excludePunctuation || /[A-Za-z0-9]/.test(c)),
      );
      const value = Array.from({ length }, () => chars[randomInt(chars.length)]).join('');
      registerSecret(value);
      return value;
    },
  };
}
