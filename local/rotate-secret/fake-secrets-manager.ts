/**
 * An in-memory Secrets Manager on top of aws-sdk-client-mock that keeps versions and their
 * staging labels (AWSCURRENT / AWSPENDING / AWSPREVIOUS) the way the service does, so tests
 * assert the stage moves a rotation makes instead of assuming them. No jest globals here: the
 * benchmark reuses it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

export const CURRENT = 'AWSCURRENT';
export const PENDING = 'AWSPENDING';
export const PREVIOUS = 'AWSPREVIOUS';

interface FakeVersion {
  value?: string;
  stages: Set<string>;
}

interface FakeSecret {
  arn: string;
  name: string;
  rotationEnabled: boolean;
  tags: Record<string, string>;
  versions: Map<string, FakeVersion>;
}

type CommandName =
  'DescribeSecret' | 'GetSecretValue' | 'PutSecretValue' | 'UpdateSecretVersionStage' | 'GetRandomPassword';

/** An error shaped like the SDK's throttling error (retryable). */
export function throttlingError(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    $retryable: { throttling: true },
  });
}

const meta = { $metadata: {} };
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class FakeSecretsManager {
  readonly client = new SecretsManagerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  readonly mock = mockClient(this.client);
  private readonly secrets = new Map<string, FakeSecret>();
  private readonly failures: Array<{
    command: CommandName;
    error: Error;
    when?: (input: Record<string, unknown>) => boolean;
  }> = [];
  private readonly queuedPasswords: string[] = [];

  constructor() {
    this.mock
      .on(DescribeSecretCommand)
      .callsFake((input) => this.guarded('DescribeSecret', input, () => this.describe(input)));
    this.mock
      .on(GetSecretValueCommand)
      .callsFake((input) => this.guarded('GetSecretValue', input, () => this.getValue(input)));
    this.mock
      .on(PutSecretValueCommand)
      .callsFake((input) => this.guarded('PutSecretValue', input, () => this.putValue(input)));
    this.mock
      .on(UpdateSecretVersionStageCommand)
      .callsFake((input) => this.guarded('UpdateSecretVersionStage', input, () => this.updateStage(input)));
    this.mock
      .on(GetRandomPasswordCommand)
      .callsFake((input) => this.guarded('GetRandomPassword', input, () => this.randomPassword(input)));
  }

  /** Creates a secret whose first version is AWSCURRENT. Returns its ARN. */
  createSecret(
    name: string,
    value: string,
    options: { tags?: Record<string, string>; rotationEnabled?: boolean } = {},
  ): string {
    const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-${randomBytes(3).toString('hex')}`;
    const secret: FakeSecret = {
      arn,
      name,
      rotationEnabled: options.rotationEnabled ?? true,
      tags: options.tags ?? {},
      versions: new Map([[randomUUID(), { value, stages: new Set([CURRENT]) }]]),
    };
    this.secrets.set(name, secret);
    return arn;
  }

  /**
   * What `RotateSecret` does before invoking the function: a new version, no value yet,
   * labelled AWSPENDING. Returns the token (`ClientRequestToken`).
   */
  startRotation(secretId: string, token: string = randomUUID()): string {
    const secret = this.find(secretId);
    if (!secret.versions.has(token)) secret.versions.set(token, { stages: new Set() });
    this.attach(secret, PENDING, token);
    return token;
  }

  /** What the service does once finishSecret succeeded: AWSPENDING is removed. */
  completeRotation(secretId: string): void {
    for (const v of this.find(secretId).versions.values())
      if (v.stages.has(CURRENT)) v.stages.delete(PENDING);
  }

  /** Writes a value directly, as a person would in the console (no rotation). */
  setValue(secretId: string, stage: string, value: string): void {
    const secret = this.find(secretId);
    const id = [...secret.versions].find(([, v]) => v.stages.has(stage))?.[0];
    if (!id) throw new Error(`fake: ${secretId} has no ${stage}`);
    secret.versions.get(id)!.value = value;
  }

  setRotationEnabled(secretId: string, enabled: boolean): void {
    this.find(secretId).rotationEnabled = enabled;
  }

  /** VersionIdsToStages, sorted stages, only versions with a label. */
  stages(secretId: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [id, v] of this.find(secretId).versions) if (v.stages.size) out[id] = [...v.stages].sort();
    return out;
  }

  /** The version id holding `stage`. */
  versionWith(secretId: string, stage: string): string | undefined {
    return Object.entries(this.stages(secretId)).find(([, s]) => s.includes(stage))?.[0];
  }

  /** The value at `stage` (`undefined` when none). */
  value(secretId: string, stage: string = CURRENT): string | undefined {
    const id = this.versionWith(secretId, stage);
    return id ? this.find(secretId).versions.get(id)?.value : undefined;
  }

  json(secretId: string, stage: string = CURRENT): Record<string, unknown> {
    const text = this.value(secretId, stage);
    if (text === undefined) throw new Error(`fake: ${secretId} has no value at ${stage}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  /**
   * The next call of `command` (whose input satisfies `when`, if given) fails with `error`;
   * queue several for several failures.
   */
  failNext(command: CommandName, error: Error, when?: (input: Record<string, unknown>) => boolean): void {
    this.failures.push({ command, error, ...(when ? { when } : {}) });
  }

  /** GetRandomPassword returns these values first, in order. */
  queuePasswords(...values: string[]): void {
    this.queuedPasswords.push(...values);
  }

  restore(): void {
    this.mock.restore();
  }

  private guarded<T>(command: CommandName, input: object, fn: () => T): Promise<T> {
    const index = this.failures.findIndex(
      (f) => f.command === command && (!f.when || f.when(input as Record<string, unknown>)),
    );
    if (index >= 0) {
      const [failure] = this.failures.splice(index, 1);
      return Promise.reject(failure!.error);
    }
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private find(secretId: string | undefined): FakeSecret {
    const secret = [...this.secrets.values()].find((s) => s.name === secretId || s.arn === secretId);
    if (!secret)
      throw new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        ...meta,
      });
    return secret;
  }

  /** Moves `stage` to `versionId`; moving AWSCURRENT labels the old current AWSPREVIOUS. */
  private attach(secret: FakeSecret, stage: string, versionId: string): void {
    const target = secret.versions.get(versionId);
    if (!target)
      throw new InvalidParameterException({ message: `version ${versionId} does not exist`, ...meta });
    for (const [id, v] of secret.versions) {
      if (id === versionId || !v.stages.has(stage)) continue;
      v.stages.delete(stage);
      if (stage === CURRENT) {
        for (const other of secret.versions.values()) other.stages.delete(PREVIOUS);
        v.stages.add(PREVIOUS);
      }
    }
    target.stages.add(stage);
    if (stage === CURRENT) target.stages.delete(PREVIOUS);
  }

  private describe(input: { SecretId?: string }) {
    const secret = this.find(input.SecretId);
    return {
      ARN: secret.arn,
      Name: secret.name,
      RotationEnabled: secret.rotationEnabled,
      VersionIdsToStages: this.stages(secret.name),
      Tags: Object.entries(secret.tags).map(([Key, Value]) => ({ Key, Value })),
    };
  }

  private getValue(input: { SecretId?: string; VersionId?: string; VersionStage?: string }) {
    const secret = this.find(input.SecretId);
    const stage = input.VersionStage ?? (input.VersionId ? undefined : CURRENT);
    const notFound = () =>
      new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret value for the version.",
        ...meta,
      });
    const entry = input.VersionId
      ? ([input.VersionId, secret.versions.get(input.VersionId)] as const)
      : [...secret.versions].find(([, v]) => v.stages.has(stage!));
    const [id, version] = entry ?? [];
    if (!id || !version || version.value === undefined) throw notFound();
    if (stage && !version.stages.has(stage)) throw notFound();
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: id,
      SecretString: version.value,
      VersionStages: [...version.stages],
    };
  }

  private putValue(input: {
    SecretId?: string;
    ClientRequestToken?: string;
    SecretString?: string;
    VersionStages?: string[];
  }) {
    const secret = this.find(input.SecretId);
    const token = input.ClientRequestToken ?? randomUUID();
    if (input.SecretString === undefined)
      throw new InvalidRequestException({ message: 'SecretString is required', ...meta });
    const existing = secret.versions.get(token);
    if (existing?.value !== undefined) {
      if (existing.value !== input.SecretString) {
        throw new ResourceExistsException({
          message: `A resource with the ID you requested already exists (version ${token} has a different value).`,
          ...meta,
        });
      }
    } else if (existing) {
      existing.value = input.SecretString;
    } else {
      secret.versions.set(token, { value: input.SecretString, stages: new Set() });
    }
    for (const stage of input.VersionStages ?? [CURRENT]) this.attach(secret, stage, token);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: token,
      VersionStages: [...secret.versions.get(token)!.stages],
    };
  }

  private updateStage(input: {
    SecretId?: string;
    VersionStage?: string;
    MoveToVersionId?: string;
    RemoveFromVersionId?: string;
  }) {
    const secret = this.find(input.SecretId);
    const stage = input.VersionStage;
    if (!stage) throw new InvalidParameterException({ message: 'VersionStage is required', ...meta });
    const holder = [...secret.versions].find(([, v]) => v.stages.has(stage))?.[0];
    if (input.RemoveFromVersionId !== undefined && input.RemoveFromVersionId !== holder) {
      throw new InvalidParameterException({
        message: `The staging label ${stage} is not attached to version ${input.RemoveFromVersionId}.`,
        ...meta,
      });
    }
    if (input.MoveToVersionId) {
      if (holder && holder !== input.MoveToVersionId && input.RemoveFromVersionId !== holder) {
        throw new InvalidParameterException({
          message: `The staging label ${stage} is currently attached to version ${holder}; specify RemoveFromVersionId.`,
          ...meta,
        });
      }
      this.attach(secret, stage, input.MoveToVersionId);
    } else if (holder) {
      secret.versions.get(holder)!.stages.delete(stage);
    }
    return { ARN: secret.arn, Name: secret.name };
  }

  private randomPassword(input: {
    PasswordLength?: number;
    ExcludeCharacters?: string;
    ExcludePunctuation?: boolean;
  }) {
    const queued = this.queuedPasswords.shift();
    if (queued !== undefined) return { RandomPassword: queued };
    const length = input.PasswordLength ?? 32;
    const alphabet = [...LETTERS, ...(input.ExcludePunctuation ? [] : [...PUNCTUATION])].filter(
      (c) => !(input.ExcludeCharacters ?? '').includes(c),
    );
    const bytes = randomBytes(length);
    const password = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    return { RandomPassword: password };
  }
}
