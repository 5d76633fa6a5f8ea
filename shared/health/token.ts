/**
 * Health-check tokens from Secrets Manager, cached in the Lambda execution environment between
 * invocations (a once-a-minute probe must not pay a GetSecretValue per run). A token the endpoint
 * rejects is forgotten, so a rotated secret is picked up on the next run.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManager } from '../aws/commands/secrets-manager';
import { PermanentError, toOpsError } from '../errors';
import { registerSecret } from '../redact';
import type { HealthTarget } from './target';

export interface TokenSource {
  /** The token of `target`, or `undefined` when it has none. Throws an `OpsError` (no secret inside). */
  get(target: HealthTarget): Promise<string | undefined>;
  /** Forget the cached token of this secret (after the endpoint rejected it). */
  invalidate(secretArn: string): void;
}

export interface TokenSourceOptions {
  /** How long a token is reused, in ms (default 5 minutes). */
  ttlMs?: number;
  now?: () => number;
}

/**
 * How a token secret is named in messages: by its name, not its ARN (the shared redactor blanks
 * `secretsmanager:...` as if it were a `secret: value` pair, which would hide which secret failed).
 */
export function secretLabel(secretArn: string): string {
  const name = /:secret:(.+)$/.exec(secretArn)?.[1] ?? secretArn;
  return `Secrets Manager secret "${name}"`;
}

/** Extracts the token from the secret string (whole string, or one key of a JSON object). */
export function tokenFromSecretString(secretString: string, secretArn: string, jsonKey?: string): string {
  if (!jsonKey) {
    const token = secretString.trim();
    if (!token) throw new PermanentError(`${secretLabel(secretArn)} is empty`);
    return token;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new PermanentError(`${secretLabel(secretArn)} is not JSON, so it has no key "${jsonKey}"`);
  }
  const value =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[jsonKey] : undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    const keys = typeof parsed === 'object' && parsed !== null ? Object.keys(parsed).join(', ') : '';
    throw new PermanentError(
      `${secretLabel(secretArn)} has no string key "${jsonKey}" (keys: ${keys || 'none'})`,
    );
  }
  return value.trim();
}

/** Token source reading Secrets Manager through `client`, with a per-environment cache. */
export function secretsManagerTokenSource(
  client: SecretsManagerClient,
  options: TokenSourceOptions = {},
): TokenSource {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { secretString: Promise<string>; fetchedAt: number }>();

  const fetchSecret = async (secretArn: string): Promise<string> => {
    try {
      const out = await client.send(new secretsManager.GetSecretValueCommand({ SecretId: secretArn }));
      if (typeof out.SecretString !== 'string')
        throw new PermanentError(
          `${secretLabel(secretArn)} has no SecretString (binary secrets are not supported)`,
        );
      registerSecret(out.SecretString);
      return out.SecretString;
    } catch (error) {
      throw toOpsError(`GetSecretValue of ${secretLabel(secretArn)}`, error);
    }
  };

  return {
    async get(target) {
      if (!target.token) return undefined;
      const { secretArn, jsonKey } = target.token;
      let entry = cache.get(secretArn);
      if (!entry || now() - entry.fetchedAt >= ttlMs) {
        // Concurrent probes of targets sharing one secret share one request.
        const fresh = { secretString: fetchSecret(secretArn), fetchedAt: now() };
        cache.set(secretArn, fresh);
        fresh.secretString.catch(() => {
          if (cache.get(secretArn) === fresh) cache.delete(secretArn);
        });
        entry = fresh;
      }
      const token = tokenFromSecretString(await entry.secretString, secretArn, jsonKey);
      registerSecret(token);
      return token;
    },
    invalidate(secretArn) {
      cache.delete(secretArn);
    },
  };
}
