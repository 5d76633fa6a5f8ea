import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManager } from '../../../shared/aws/commands/secrets-manager';
import { secretsCalls, managedSecretOwner } from '../../../shared/aws/secrets';
import { awsErrorName, toOpsError } from '../../../shared/errors';
import { registerSecret } from '../../../shared/redact';
import { AWSCURRENT, AWSPENDING, type SecretsPort } from '../ports';

/**
 * Secrets Manager adapter: SDK errors become RetryableError/PermanentError naming the call.
 * DescribeSecret and GetSecretValue go through the shared adapter (shared/aws/secrets.ts), which
 * also reads the RDS-managed secret's tag: `managedBy` is the instance or cluster it names.
 */
export function secretsManagerAdapter(client: SecretsManagerClient): SecretsPort {
  const calls = secretsCalls(client);
  return {
    async describe(secretId) {
      const out = await calls.describeSecret(secretId);
      const managedBy = managedSecretOwner(out.Tags);
      return {
        arn: out.ARN ?? secretId,
        name: out.Name ?? secretId,
        rotationEnabled: out.RotationEnabled === true,
        versions: out.VersionIdsToStages ?? {},
        tags: Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        ...(managedBy ? { managedBy } : {}),
      };
    },
    async getValue(secretId, { versionId, stage }) {
      let out;
      try {
        out = await calls.getSecretValue({
          SecretId: secretId,
          ...(versionId ? { VersionId: versionId } : {}),
          ...(stage ? { VersionStage: stage } : {}),
        });
      } catch (error) {
        // No such version or stage (yet): the rotation steps treat it as absent.
        if (awsErrorName((error as { cause?: unknown }).cause) === 'ResourceNotFoundException')
          return undefined;
        throw error;
      }
      if (out.SecretString === undefined) return undefined;
      registerSecret(out.SecretString);
      return { versionId: out.VersionId ?? '', value: out.SecretString, stages: out.VersionStages ?? [] };
    },
    async putPending(secretId, token, value) {
      registerSecret(value);
      try {
        await client.send(
          new secretsManager.PutSecretValueCommand({
            SecretId: secretId,
            ClientRequestToken: token,
            SecretString: value,
            VersionStages: [AWSPENDING],
          }),
        );
        return 'stored';
      } catch (error) {
        if (awsErrorName(error) === 'ResourceExistsException') return 'exists-with-other-value';
        throw toOpsError(`Secrets Manager PutSecretValue ${secretId} ${token}`, error);
      }
    },
    async randomPassword({ length, excludeCharacters, excludePunctuation }) {
      try {
        const out = await client.send(
          new secretsManager.GetRandomPasswordCommand({
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
          new secretsManager.UpdateSecretVersionStageCommand({
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
