import { PermanentError } from '../../../shared/errors';
import { registerSecret } from '../../../shared/redact';
import { jsonObject } from '../schema';
import type { SecretMetadata } from '../ports';
import { readPending, type StepContext, type StepOutcome, type Strategy } from './context';

export const TAG_RANDOM_LENGTH = 'ops-sentinel:random-length';
export const TAG_RANDOM_KEY = 'ops-sentinel:random-key';
export const TAG_RANDOM_ALPHABET = 'ops-sentinel:random-alphabet';

export interface RandomValueSettings {
  length: number;
  /** JSON key to replace; absent: the whole SecretString is the value. */
  key?: string;
  alphabet: 'full' | 'alphanumeric';
}

/**
 * Settings come from tags (tag values cannot hold most punctuation, hence named alphabets):
 * `ops-sentinel:random-length` (default 64), `ops-sentinel:random-key`, and
 * `ops-sentinel:random-alphabet` = `full` (letters, digits, punctuation) or `alphanumeric`.
 */
export function randomValueSettings(meta: SecretMetadata): RandomValueSettings {
  const lengthTag = meta.tags[TAG_RANDOM_LENGTH];
  const length = lengthTag === undefined ? 64 : Number(lengthTag);
  if (!Number.isInteger(length) || length < 8 || length > 4096) {
    throw new PermanentError(
      `Tag ${TAG_RANDOM_LENGTH} of ${meta.name} must be an integer from 8 to 4096, got "${lengthTag}"`,
    );
  }
  const alphabet = meta.tags[TAG_RANDOM_ALPHABET] ?? 'full';
  if (alphabet !== 'full' && alphabet !== 'alphanumeric') {
    throw new PermanentError(
      `Tag ${TAG_RANDOM_ALPHABET} of ${meta.name} must be "full" or "alphanumeric", got "${alphabet}"`,
    );
  }
  const key = meta.tags[TAG_RANDOM_KEY] || undefined;
  return { length, alphabet, ...(key ? { key } : {}) };
}

function valueOf(text: string, settings: RandomValueSettings, what: string): string {
  if (!settings.key) return text;
  const obj = jsonObject(text);
  const value = obj?.[settings.key];
  if (typeof value !== 'string') {
    throw new PermanentError(
      `${what} is not a JSON object with a string "${settings.key}" (tag ${TAG_RANDOM_KEY})`,
    );
  }
  return value;
}

/** App secrets such as DJANGO_SECRET_KEY: a new random value, no database step. */
export const randomValueStrategy: Strategy = {
  async createSecret(ctx: StepContext): Promise<StepOutcome> {
    const { SecretId, ClientRequestToken: token } = ctx.event;
    const settings = randomValueSettings(ctx.meta);
    if (!settings.key && jsonObject(ctx.current.value)) {
      throw new PermanentError(
        `Refusing to rotate ${ctx.meta.name}: it holds a JSON object and no tag ${TAG_RANDOM_KEY} says which key to replace; a random string would replace the whole object`,
      );
    }
    registerSecret(valueOf(ctx.current.value, settings, `AWSCURRENT of ${ctx.meta.name}`));
    const value = await ctx.deps.secrets.randomPassword({
      length: settings.length,
      excludeCharacters: '',
      excludePunctuation: settings.alphabet === 'alphanumeric',
    });
    registerSecret(value);
    const text = settings.key
      ? JSON.stringify({ ...jsonObject(ctx.current.value), [settings.key]: value })
      : value;
    const described = `PutSecretValue ${ctx.meta.name} version ${token} stage AWSPENDING (random ${settings.length} characters${settings.key ? ` in key ${settings.key}` : ''})`;
    if (ctx.config.DRY_RUN) {
      ctx.actions.push(`would ${described}`);
      return { outcome: 'dry-run' };
    }
    const stored = await ctx.deps.secrets.putPending(SecretId, token, text);
    if (stored === 'exists-with-other-value') {
      const pending = await ctx.deps.secrets.getValue(SecretId, { versionId: token, stage: 'AWSPENDING' });
      if (!pending) throw tokenReused(ctx.meta.name, token);
      ctx.actions.push(`kept the value stored first by a concurrent createSecret for version ${token}`);
      return { outcome: 'no-op', reason: 'a concurrent invocation stored the pending value first' };
    }
    ctx.actions.push(described);
    return { outcome: 'done' };
  },
  async setSecret(ctx) {
    ctx.actions.push('nothing to set: a random value lives only in Secrets Manager');
    return { outcome: 'no-op', reason: 'random-value has no setSecret work' };
  },
  async testSecret(ctx) {
    const settings = randomValueSettings(ctx.meta);
    const pending = await readPending(ctx);
    const value = valueOf(pending.value, settings, `AWSPENDING of ${ctx.meta.name}`);
    registerSecret(value);
    if (value.length !== settings.length) {
      throw new PermanentError(
        `AWSPENDING of ${ctx.meta.name} is ${value.length} characters long, expected ${settings.length}`,
      );
    }
    ctx.actions.push(`checked the pending value (${settings.length} characters)`);
    return { outcome: 'done' };
  },
  async describeFinish() {
    return undefined;
  },
};

export function tokenReused(secretName: string, token: string): PermanentError {
  return new PermanentError(
    `Version ${token} of ${secretName} already holds a different value (ResourceExistsException) and is not ` +
      'AWSPENDING: a token cannot be reused with different content; start a new rotation',
  );
}
