/**
 * The master secret (MasterCredentials port): Secrets Manager's GetSecretValue through the shared
 * adapter (shared/aws/secrets.ts), or, on the local stage, an environment variable.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsCalls } from '../../../shared/aws/secrets';
import { PermanentError } from '../../../shared/errors';
import { registerSecret } from '../../../shared/redact';
import type { MasterCredentials } from '../ports';
import { MasterSecret } from '../schema';

function parseSecret(text: string, source: string): MasterSecret {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PermanentError(`${source} is not JSON (expected {"username","password",...})`);
  }
  const parsed = MasterSecret.safeParse(json);
  if (!parsed.success) {
    const keys = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new PermanentError(
      `${source} lacks or has invalid: ${keys} (expected {"username","password",...})`,
    );
  }
  registerSecret(parsed.data.password);
  return parsed.data;
}

export function secretsManagerCredentials(client: SecretsManagerClient): MasterCredentials {
  const calls = secretsCalls(client);
  return {
    async get(secretArn) {
      const text = (await calls.getSecretValue({ SecretId: secretArn })).SecretString;
      if (text === undefined) throw new PermanentError(`Secret ${secretArn} has no SecretString`);
      return parseSecret(text, `Secret ${secretArn}`);
    },
  };
}

/**
 * Local stage only: credentials from an environment variable instead of Secrets Manager, so that
 * `serverless invoke local` works against a local database without an AWS account.
 */
export function localCredentials(json: string): MasterCredentials {
  return { get: async () => parseSecret(json, 'LOCAL_MASTER_CREDENTIALS_JSON') };
}
