import { ConfigError } from './errors';
import * as z from './zod';

/**
 * Typed configuration from environment variables. Each key of the schema is an environment
 * variable name. `loadConfig` runs at cold start and throws a `ConfigError` that names every
 * missing or invalid variable, so a misconfigured stage fails on its first invocation with
 * a message that says what to fix.
 */
export function loadConfig<S extends z.ZodMiniObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(config)';
    const got = issue.path.length > 0 && input[String(issue.path[0])] === undefined ? 'missing' : 'invalid';
    return `${name} is ${got}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

/** An environment variable holding JSON, validated by `schema` (e.g. a list of targets). */
export function envJson<T extends z.core.$ZodType>(schema: T) {
  const json = z.pipe(
    z.string(),
    z.transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', message: 'not valid JSON', input: text });
        return z.NEVER;
      }
    }),
  );
  return z.pipe(json, schema);
}

/** `"true"`/`"false"`/`"1"`/`"0"`/`"yes"`/`"no"` as a boolean. */
export const envBool = z.pipe(
  z.string().check(
    z.trim(),
    z.toLowerCase(),
    z.refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'expected true or false'),
  ),
  z.transform((v) => v === 'true' || v === '1' || v === 'yes'),
);

/** An integer within bounds, given as a string. */
export function envInt(min: number, max: number) {
  return z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max));
}

/** A comma-separated list; empty items are dropped. */
export const envList = z.pipe(
  z.string(),
  z.transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  ),
);
