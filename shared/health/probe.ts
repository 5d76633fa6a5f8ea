/**
 * Probes one health target once: token, request (redirects, TLS, caps), then the verdict with a
 * low-cardinality reason and one readable sentence. Never throws for a failing target — the
 * failure *is* the result. Used by deepHealthcheck (every minute) and healthAlarm (once, now).
 */
import { clientConfig } from '../aws/client-config';
import { secretsManagerClient } from '../aws/lazy';
import { describeError } from '../errors';
import { redact, registerSecret } from '../redact';
import { evaluateCondition, parseCondition } from './conditions';
import { describeFailingComponents, parseDjangoHealthCheck } from './django';
import { ExchangeError, exchange, type CertificateInfo, type ExchangeResponse } from './http';
import type { HealthTarget } from './target';
import { secretLabel, secretsManagerTokenSource, type TokenSource } from './token';
import type { ComponentResult, ProbeFailureReason, ProbeResult } from './types';

export interface ProbeOptions {
  /** Absolute time (ms since epoch, same clock as `now`) by which the probe must have finished. */
  deadlineMs?: number;
  /** Reads the target's token; default: Secrets Manager with a cache shared by this process. */
  getToken?: (target: HealthTarget) => Promise<string | undefined>;
  now?: () => number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DAY_MS = 86_400_000;

let defaultTokenSource: TokenSource | undefined;
/** The process-wide Secrets Manager token source (created on first use). */
export function sharedTokenSource(): TokenSource {
  defaultTokenSource ??= secretsManagerTokenSource(secretsManagerClient(clientConfig({ maxAttempts: 2 })));
  return defaultTokenSource;
}

/** A URL fit for logs: no user-info, and the query redacted if it looks like it carries a secret. */
export function displayUrl(url: string | URL): string {
  try {
    const u = new URL(String(url));
    u.username = '';
    u.password = '';
    return redact(u.toString());
  } catch {
    return redact(String(url));
  }
}

function authHeaders(target: HealthTarget, token: string | undefined): Record<string, string> {
  if (!target.token || token === undefined) return {};
  const scheme = target.token.scheme.trim();
  return { [target.token.header]: scheme ? `${scheme} ${token}` : token };
}

/**
 * Headers of every request: `Accept: application/json` unless the target sets its own Accept.
 * django-health-check answers `/ht/` with its HTML page to clients that accept anything (curl, browsers) and JSON for
 * `application/json` (its MainView reads the Accept header; `?format=json` is then optional).
 */
function requestHeaders(target: HealthTarget): Record<string, string> {
  const hasAccept = Object.keys(target.headers).some((h) => h.toLowerCase() === 'accept');
  return target.format === 'status' || hasAccept
    ? { ...target.headers }
    : { accept: 'application/json', ...target.headers };
}

function looksLikeHtml(response: ExchangeResponse, text: string): boolean {
  const type = String(response.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('text/html') || type.includes('application/xhtml')) return true;
  return /^\s*<(!doctype|html|head|body|\?xml|!--|[a-z]+[\s>])/i.test(text.slice(0, 256));
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

interface Verdict {
  reason: ProbeFailureReason;
  detail: string;
  components: ComponentResult[];
  /** Healthy enough to serve, with components not working (see `ProbeResult.degraded`). */
  degraded?: boolean;
}

/** Judges a final (non-redirect) response. Pure; exported for unit tests. */
export function judgeResponse(target: HealthTarget, response: ExchangeResponse, latencyMs: number): Verdict {
  const status = response.status;
  const statusOk = target.expectedStatus.includes(status);
  const fail = (reason: ProbeFailureReason, detail: string, components: ComponentResult[] = []): Verdict => ({
    reason,
    detail,
    components,
  });

  if ((status === 401 || status === 403) && !statusOk) {
    return fail(
      'auth',
      target.token
        ? `HTTP ${status}: the endpoint rejected the token from ${secretLabel(target.token.secretArn)} (rotated? wrong header "${target.token.header}" or scheme "${target.token.scheme}"?)`
        : `HTTP ${status}: the endpoint requires authentication — configure "token" for this target`,
    );
  }

  const wantsBody = target.format !== 'status' || target.conditions.some((c) => c.includes('[BODY]'));
  let components: ComponentResult[] = [];
  let body: unknown;
  let bodyIsJson = false;
  let bodyProblem: string | undefined;
  if (wantsBody && target.method !== 'HEAD') {
    const text = response.body.toString('utf8');
    if (response.tooLarge) {
      bodyProblem = `response body is larger than maxBodyBytes (${target.maxBodyBytes} bytes); reading stopped there`;
    } else if (looksLikeHtml(response, text)) {
      bodyProblem = `got HTML (HTTP ${status}) — is \`?format=json\` missing?`;
    } else {
      try {
        body = JSON.parse(text);
        bodyIsJson = true;
      } catch {
        bodyProblem = text.trim() ? `body is not JSON: "${snippet(text)}"` : 'body is empty, expected JSON';
      }
    }
    if (bodyIsJson && target.format === 'django-health-check') {
      const parsed = parseDjangoHealthCheck(body);
      if (parsed.ok) components = parsed.components;
      else bodyProblem = parsed.problem;
    }
  }

  const failing = components.filter((c) => c.state !== 'working');
  // The app answered an expected status (200) although some checks are not `working`: with
  // WARNINGS_AS_ERRORS off, django-health-check keeps 200 for `warning:` checks, and always for
  // checks with critical_service = False. The app serves: degraded, not down.
  const degraded = failing.length > 0 && statusOk;
  if (failing.length > 0 && !degraded) {
    return fail(
      'component',
      `HTTP ${status}, ${failing.length} of ${components.length} components failing: ${describeFailingComponents(components)}`,
      components,
    );
  }
  if (!statusOk) {
    const hint = bodyProblem ? ` (${bodyProblem})` : '';
    return fail(
      'status',
      `HTTP ${status}, expected ${target.expectedStatus.join(' or ')}${hint}`,
      components,
    );
  }
  if (bodyProblem && target.format !== 'status') return fail('body', bodyProblem, components);

  for (const text of target.conditions) {
    const condition = parseCondition(text);
    const outcome = evaluateCondition(condition, { status, responseTimeMs: latencyMs, body, bodyIsJson });
    if (!outcome.ok) {
      const why =
        !bodyIsJson && condition.left.placeholder.kind === 'body' && bodyProblem ? ` (${bodyProblem})` : '';
      return fail(
        outcome.reason,
        `condition failed: ${condition.text} (actual: ${snippet(outcome.actual)})${why}`,
        components,
      );
    }
  }
  if (latencyMs > target.latencyBudgetMs) {
    return fail(
      'slow',
      `answered in ${Math.round(latencyMs)} ms, over the ${target.latencyBudgetMs} ms budget`,
      components,
    );
  }
  if (degraded) {
    return {
      reason: 'none',
      degraded: true,
      detail: `degraded: HTTP ${status}, ${failing.length} of ${components.length} components not working: ${describeFailingComponents(components)}`,
      components,
    };
  }
  return { reason: 'none', detail: 'healthy', components };
}

function daysLeft(certificate: CertificateInfo | undefined, at: number): number | undefined {
  return certificate ? Math.floor((certificate.validTo.getTime() - at) / DAY_MS) : undefined;
}

/**
 * Probes `target` once. Resolves with a `ProbeResult` in every case (a broken target is a result,
 * not an exception); the token never appears in it.
 */
export async function probeTarget(target: HealthTarget, options: ProbeOptions = {}): Promise<ProbeResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const base = {
    target: target.name,
    url: displayUrl(target.url),
    checkedAt: new Date(started).toISOString(),
  };
  const finish = (verdict: Verdict, extra: Partial<ProbeResult> = {}): ProbeResult => ({
    ...base,
    healthy: verdict.reason === 'none',
    degraded: verdict.reason === 'none' && verdict.degraded === true,
    reason: verdict.reason,
    detail: redact(verdict.detail),
    latencyMs: Math.max(0, Math.round(now() - started)),
    components: verdict.components,
    ...extra,
  });

  const remaining = options.deadlineMs === undefined ? Infinity : options.deadlineMs - started;
  const budgetMs = Math.min(target.timeoutMs, remaining);
  if (budgetMs <= 0) {
    return finish({
      reason: 'timeout',
      detail: 'not probed: no time left before the invocation deadline',
      components: [],
    });
  }
  const controller = new AbortController();
  const timeoutText =
    budgetMs < target.timeoutMs
      ? `no complete answer within ${Math.round(budgetMs)} ms (the invocation deadline)`
      : `no complete answer within timeoutMs (${target.timeoutMs} ms)`;
  const timer = setTimeout(() => controller.abort(timeoutText), budgetMs);

  let token: string | undefined;
  try {
    if (target.token) {
      const getToken = options.getToken ?? ((t: HealthTarget) => sharedTokenSource().get(t));
      token = await getToken(target);
      registerSecret(token);
      if (controller.signal.aborted) throw new ExchangeError('timeout', `${timeoutText} (reading the token)`);
    }
  } catch (error) {
    clearTimeout(timer);
    if (error instanceof ExchangeError)
      return finish({ reason: error.reason, detail: error.message, components: [] });
    return finish({
      reason: 'config',
      detail: `could not read the token from ${secretLabel(target.token?.secretArn ?? '')}: ${describeError(error)}`,
      components: [],
    });
  }

  const origin = new URL(target.url).origin;
  const visited: string[] = [];
  let url = new URL(target.url);
  let method: string = target.method;
  let certificate: CertificateInfo | undefined;
  const exchangeStarted = now();
  try {
    for (;;) {
      visited.push(url.toString());
      // The token only goes to the configured origin (and never downgraded to http://).
      const headers = {
        ...requestHeaders(target),
        ...(url.origin === origin ? authHeaders(target, token) : {}),
      };
      const response = await exchange({
        url,
        method,
        headers,
        signal: controller.signal,
        maxBodyBytes: target.maxBodyBytes,
        readBody: target.format !== 'status' || target.conditions.some((c) => c.includes('[BODY]')),
        caCertificate: target.caCertificate,
      });
      certificate = response.certificate ?? certificate;
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(response.status) && location && target.maxRedirects > 0) {
        const next = new URL(location, url);
        if (visited.includes(next.toString())) {
          throw new ExchangeError(
            'redirect',
            `redirect loop: ${[...visited, next.toString()].map(displayUrl).join(' → ')}`,
          );
        }
        if (visited.length > target.maxRedirects) {
          throw new ExchangeError(
            'redirect',
            `more than maxRedirects (${target.maxRedirects}) redirects, last to ${displayUrl(next)}`,
          );
        }
        if (response.status === 303) method = 'GET';
        url = next;
        continue;
      }
      const latencyMs = now() - exchangeStarted;
      const verdict = judgeResponse(target, response, latencyMs);
      return finish(verdict, {
        status: response.status,
        latencyMs: Math.max(0, Math.round(latencyMs)),
        certificateDaysLeft: daysLeft(certificate, now()),
      });
    }
  } catch (error) {
    const failure =
      error instanceof ExchangeError ? error : new ExchangeError('connection', describeError(error));
    const cert = failure.certificate ?? certificate;
    return finish(
      { reason: failure.reason, detail: failure.message, components: [] },
      {
        latencyMs: Math.max(0, Math.round(now() - exchangeStarted)),
        certificateDaysLeft: daysLeft(cert, now()),
      },
    );
  } finally {
    clearTimeout(timer);
  }
}
