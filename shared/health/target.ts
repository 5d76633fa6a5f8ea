/**
 * One deep-healthcheck target, as configured in the stage param `healthTargets` (and passed to
 * the function as the JSON env var `HEALTH_TARGETS`). Shared by deepHealthcheck, healthAlarm and
 * the CloudFormation generator of the per-target alarms.
 */
import * as z from '../zod';
import { parseCondition } from './conditions';

/** Target names become metric dimensions and alarm names: keep them short and plain. */
export const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** An integer in [min, max] (a JSON number; no coercion). */
const intIn = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

export const HealthTokenSchema = z.object({
  /** Secrets Manager secret holding the token: full ARN, partial ARN or name. */
  secretArn: z.string().check(z.minLength(1)),
  /** When the secret is a JSON object, the key holding the token (e.g. `HEALTH_CHECK_TOKEN`). */
  jsonKey: z.optional(z.string().check(z.minLength(1))),
  /** Request header carrying the token. */
  header: z._default(
    z.string().check(z.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid HTTP header name')),
    'Authorization',
  ),
  /** Prefix before the token in the header (`Bearer`, `Token`); empty for the bare token. */
  scheme: z._default(z.string(), 'Bearer'),
});

export const HEALTH_FORMATS = ['django-health-check', 'json', 'status'] as const;

export const HealthTargetSchema = z
  .object({
    name: z.string().check(z.regex(TARGET_NAME, 'letters, digits, ".", "_" or "-", at most 63 characters')),
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
    method: z._default(z.enum(['GET', 'HEAD', 'POST']), 'GET'),
    headers: z._default(z.record(z.string(), z.string()), {}),
    token: z.optional(HealthTokenSchema),
    /** Whole probe (connect, TLS, redirects, body), never beyond the invocation deadline. */
    timeoutMs: z._default(intIn(50, 120_000), 5_000),
    /** Statuses that count as healthy. */
    expectedStatus: z.pipe(
      z._default(z.union([intIn(100, 599), z.array(intIn(100, 599)).check(z.minLength(1))]), [200]),
      z.transform((v) => (Array.isArray(v) ? v : [v])),
    ),
    /** A response slower than this is a failure with reason `slow`. */
    latencyBudgetMs: z._default(intIn(1, 120_000), 2_000),
    format: z._default(z.enum(HEALTH_FORMATS), 'django-health-check'),
    /** Gatus-style conditions, e.g. `[BODY].status == UP` (see `conditions.ts`). */
    conditions: z._default(z.array(z.string()), []).check(
      z.superRefine((list, ctx) => {
        for (const text of list) {
          try {
            parseCondition(text);
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: (error as Error).message });
          }
        }
      }),
    ),
    maxRedirects: z._default(intIn(0, 20), 3),
    maxBodyBytes: z._default(intIn(1_024, 50 * 1024 * 1024), 1024 * 1024),
    /** Extra trusted CA certificate (PEM) for endpoints signed by a private CA. */
    caCertificate: z.optional(z.string().check(z.includes('BEGIN CERTIFICATE'))),
    /**
     * Alarm: unhealthy in `failing` of the last `outOf` probe periods (one period per scheduled
     * run, a minute by default; a missing probe counts as failing).
     */
    alarm: z._default(
      z
        .object({
          failing: z._default(intIn(1, 60), 3),
          outOf: z._default(intIn(1, 60), 5),
          /** https:// targets: warn when the certificate has fewer days left than this (0: no alarm). */
          certificateDays: z._default(intIn(0, 365), 14),
        })
        .check(z.refine((a) => a.failing <= a.outOf, 'alarm.failing must not exceed alarm.outOf')),
      { failing: 3, outOf: 5, certificateDays: 14 },
    ),
  })
  .check(
    z.refine((t) => !(t.token && t.url.startsWith('http://') && !isLoopback(t.url)), {
      message: 'a token is only sent over https:// (or to a loopback address)',
      path: ['token'],
    }),
  );

export type HealthTarget = z.output<typeof HealthTargetSchema>;
/** What a person writes in `serverless.yml` (defaults not applied yet). */
export type HealthTargetInput = z.input<typeof HealthTargetSchema>;

/** The list in `HEALTH_TARGETS`: names must be unique (they name alarms and metrics). */
export const HealthTargetListSchema = z.array(HealthTargetSchema).check(
  z.superRefine((targets, ctx) => {
    const seen = new Set<string>();
    targets.forEach((t, index) => {
      if (seen.has(t.name))
        ctx.addIssue({ code: 'custom', message: `duplicate target name "${t.name}"`, path: [index, 'name'] });
      seen.add(t.name);
    });
  }),
);

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}
