/**
 * One deep-healthcheck target, as configured in the stage param `healthTargets` (and passed to
 * the function as the JSON env var `HEALTH_TARGETS`). Shared by deepHealthcheck, healthAlarm and
 * the CloudFormation generator of the per-target alarms.
 */
import * as z from 'zod';
import { parseCondition } from './conditions';

/** Target names become metric dimensions and alarm names: keep them short and plain. */
export const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const HealthTokenSchema = z.object({
  /** Secrets Manager secret holding the token: full ARN, partial ARN or name. */
  secretArn: z.string().min(1),
  /** When the secret is a JSON object, the key holding the token (e.g. `HEALTH_CHECK_TOKEN`). */
  jsonKey: z.string().min(1).optional(),
  /** Request header carrying the token. */
  header: z
    .string()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid HTTP header name')
    .default('Authorization'),
  /** Prefix before the token in the header (`Bearer`, `Token`); empty for the bare token. */
  scheme: z.string().default('Bearer'),
});

export const HEALTH_FORMATS = ['django-health-check', 'json', 'status'] as const;

export const HealthTargetSchema = z
  .object({
    name: z.string().regex(TARGET_NAME, 'letters, digits, ".", "_" or "-", at most 63 characters'),
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
    method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
    headers: z.record(z.string(), z.string()).default({}),
    token: HealthTokenSchema.optional(),
    /** Whole probe (connect, TLS, redirects, body), never beyond the invocation deadline. */
    timeoutMs: z.int().min(50).max(120_000).default(5_000),
    /** Statuses that count as healthy. */
    expectedStatus: z
      .union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)])
      .default([200])
      .transform((v) => (Array.isArray(v) ? v : [v])),
    /** A response slower than this is a failure with reason `slow`. */
    latencyBudgetMs: z.int().min(1).max(120_000).default(2_000),
    format: z.enum(HEALTH_FORMATS).default('django-health-check'),
    /** Gatus-style conditions, e.g. `[BODY].status == UP` (see `conditions.ts`). */
    conditions: z
      .array(z.string())
      .default([])
      .superRefine((list, ctx) => {
        for (const text of list) {
          try {
            parseCondition(text);
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: (error as Error).message });
          }
        }
      }),
    maxRedirects: z.int().min(0).max(20).default(3),
    maxBodyBytes: z
      .int()
      .min(1_024)
      .max(50 * 1024 * 1024)
      .default(1024 * 1024),
    /** Extra trusted CA certificate (PEM) for endpoints signed by a private CA. */
    caCertificate: z.string().includes('BEGIN CERTIFICATE').optional(),
    /**
     * Alarm: unhealthy in `failing` of the last `outOf` probe periods (one period per scheduled
     * run, a minute by default; a missing probe counts as failing).
     */
    alarm: z
      .object({
        failing: z.int().min(1).max(60).default(3),
        outOf: z.int().min(1).max(60).default(5),
        /** https:// targets: warn when the certificate has fewer days left than this (0: no alarm). */
        certificateDays: z.int().min(0).max(365).default(14),
      })
      .refine((a) => a.failing <= a.outOf, 'alarm.failing must not exceed alarm.outOf')
      .default({ failing: 3, outOf: 5, certificateDays: 14 }),
  })
  .refine((t) => !(t.token && t.url.startsWith('http://') && !isLoopback(t.url)), {
    message: 'a token is only sent over https:// (or to a loopback address)',
    path: ['token'],
  });

export type HealthTarget = z.infer<typeof HealthTargetSchema>;
/** What a person writes in `serverless.yml` (defaults not applied yet). */
export type HealthTargetInput = z.input<typeof HealthTargetSchema>;

/** The list in `HEALTH_TARGETS`: names must be unique (they name alarms and metrics). */
export const HealthTargetListSchema = z.array(HealthTargetSchema).superRefine((targets, ctx) => {
  const seen = new Set<string>();
  targets.forEach((t, index) => {
    if (seen.has(t.name))
      ctx.addIssue({ code: 'custom', message: `duplicate target name "${t.name}"`, path: [index, 'name'] });
    seen.add(t.name);
  });
});

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}
