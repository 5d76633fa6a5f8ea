import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { toOpsError } from '../../../shared/errors';
import { registerSecret } from '../../../shared/redact';
import { AWSCURRENT, AWSPENDING, type SecretsPort } from '../ports';

function errorName(error: unknown): string | undefined {
  return (error as { name?: string })?.name;
}

/** Secrets Manager adapter: SDK errors become RetryableError/PermanentError naming the call. */
export function secretsManagerAdapter(client: SecretsManagerClient): SecretsPort {
  return {
    async describe(secretId) {
      try {
        const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
        return {
          arn: out.ARN ?? secretId,
          name: out.Name ?? secretId,
          rotationEnabled: out.RotationEnabled === true,
          versions: out.VersionIdsToStages ?? {},
          tags: Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        };
      } catch (error) {
        throw toOpsError(`Secrets Manager DescribeSecret ${secretId}`, error);
      }
    },
    async getValue(secretId, { versionId, stage }) {
      try {
        const out = await client.send(
          new GetSecretValueCommand({
            SecretId: secretId,
            ...(versionId ? { VersionId: versionId } : {}),
            ...(stage ? { VersionStage: stage } : {}),
          }),
        );
        if (out.SecretString === undefined) return undefined;
        registerSecret(out.SecretString);
        return { versionId: out.VersionId ?? '', value: out.SecretString, stages: out.VersionStages ?? [] };
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') return undefined;
        throw toOpsError(
          `Secrets Manager GetSecretValue ${secretId} ${versionId ?? ''} ${stage ?? ''}`.trim(),
          error,
        );
      }
    },
    async putPending(secretId, token, value) {
      registerSecret(value);
      try {
        await client.send(
          new PutSecretValueCommand({
            SecretId: secretId,
            ClientRequestToken: token,
            SecretString: value,
            VersionStages: [AWSPENDING],
          }),
        );
        return 'stored';
      } catch (error) {
        if (errorName(error) === 'ResourceExistsException') return 'exists-with-other-value';
        throw toOpsError(`Secrets Manager PutSecretValue ${secretId} ${token}`, error);
      }
    },
    async randomPassword({ length, excludeCharacters, excludePunctuation }) {
      try {
        const out = await client.send(
          new GetRandomPasswordCommand({
            PasswordLength: length,
            ...(excludeCharacters ? { ExcludeCharacters: excludeCharacters } : {}),
            ExcludePunctuation: excludePunctuation,
            IncludeSpace: false,
            RequireEachIncludedType: true,
          }),
        );
        if (!out.RandomPassword) throw new Error('GetRandomPassword returned no password');
        registerSecret(out.RandomPassword);
        return out.RandomPassword;
      } catch (error) {
        throw toOpsError('Secrets Manager GetRandomPassword', error);
      }
    },
    async moveCurrent(secretId, toVersionId, fromVersionId) {
      try {
        await client.send(
          new UpdateSecretVersionStageCommand({
            SecretId: secretId,
            VersionStage: AWSCURRENT,
            MoveToVersionId: toVersionId,
            ...(fromVersionId ? { RemoveFromVersionId: fromVersionId } : {}),
          }),
        );
      } catch (error) {
        throw toOpsError(
          `Secrets Manager UpdateSecretVersionStage ${secretId} AWSCURRENT → ${toVersionId}`,
          error,
        );
      }
    },
  };
}
