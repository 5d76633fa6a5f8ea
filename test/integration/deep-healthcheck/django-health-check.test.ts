// Against the real django-health-check app (Debian python3-django + python3-django-health-check).
import { probeTarget } from '../../../shared/health/probe';
import { HealthTargetSchema } from '../../../shared/health/target';
import type { ComponentResult } from '../../../shared/health/types';
import {
  startDjangoHealthApp,
  type DjangoHealthApp,
} from '../../../local/deep-healthcheck/django-health-app/start';

const apps: DjangoHealthApp[] = [];
async function start(mode: DjangoHealthApp['mode'], token?: string): Promise<DjangoHealthApp> {
  const app = await startDjangoHealthApp({ mode, token });
  apps.push(app);
  return app;
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
});

const target = (url: string) =>
  HealthTargetSchema.parse({ name: 'django', url, timeoutMs: 15_000, latencyBudgetMs: 15_000 });
const states = (components: ComponentResult[]) =>
  Object.fromEntries(components.map((c) => [c.name, c.state]));

describe('probeTarget against a real django-health-check app', () => {
  it('reads every component of a healthy app', async () => {
    const app = await start('healthy');

    const result = await probeTarget(target(`${app.url}?format=json`));

    expect(result).toMatchObject({ healthy: true, reason: 'none', status: 200 });
    expect(states(result.components)).toEqual({
      'Cache backend: default': 'working',
      DatabaseBackend: 'working',
      DefaultFileStorageHealthCheck: 'working',
      MigrationsHealthCheck: 'working',
    });
  });

  it('names the database component when the database is broken (HTTP 500)', async () => {
    const app = await start('db-broken');

    const result = await probeTarget(target(`${app.url}?format=json`));

    expect(result).toMatchObject({ healthy: false, reason: 'component', status: 500 });
    expect(result.components).toEqual(
      expect.arrayContaining([
        { name: 'DatabaseBackend', state: 'unavailable', message: 'Database error' },
        { name: 'MigrationsHealthCheck', state: 'unavailable', message: 'Database is not ready' },
      ]),
    );
    expect(result.detail).toBe(
      'HTTP 500, 2 of 4 components failing: DatabaseBackend unavailable: Database error; MigrationsHealthCheck unavailable: Database is not ready',
    );
  });

  it('reports pending migrations while the database itself works', async () => {
    const app = await start('migrations-pending');

    const result = await probeTarget(target(`${app.url}?format=json`));

    expect(result).toMatchObject({ healthy: false, reason: 'component', status: 500 });
    expect(states(result.components)).toMatchObject({
      DatabaseBackend: 'working',
      MigrationsHealthCheck: 'unavailable',
    });
    expect(result.detail).toContain('MigrationsHealthCheck unavailable: There are migrations to apply');
  });

  it('reports a failing cache as an unexpected result', async () => {
    const app = await start('cache-broken');

    const result = await probeTarget(target(`${app.url}?format=json`));

    expect(result).toMatchObject({ healthy: false, reason: 'component', status: 500 });
    expect(result.components).toContainEqual({
      name: 'Cache backend: default',
      state: 'unexpected',
      message: 'Connection Error',
    });
  });

  // django-health-check's MainView answers JSON to `Accept: application/json` and its HTML page
  // to `*/*` (health_check/views.py; https://pypi.org/project/django-health-check/): the probe
  // asks for JSON, so `/ht/` works as people configure it for the ALB, without ?format=json.
  it('reads JSON from /ht/ without ?format=json (it sends Accept: application/json)', async () => {
    const app = await start('db-broken');

    const result = await probeTarget(target(app.url));

    expect(result).toMatchObject({ healthy: false, reason: 'component', status: 500 });
    expect(states(result.components)).toMatchObject({ DatabaseBackend: 'unavailable' });
  });

  it('explains the HTML page when the target asks for HTML itself', async () => {
    const app = await start('healthy');

    const result = await probeTarget(
      HealthTargetSchema.parse({
        name: 'django',
        url: app.url,
        headers: { Accept: 'text/html' },
        timeoutMs: 15_000,
        latencyBudgetMs: 15_000,
      }),
    );

    expect(result).toMatchObject({ healthy: false, reason: 'body', status: 200 });
    expect(result.detail).toBe('got HTML (HTTP 200) — is `?format=json` missing?');
  });

  // WARNINGS_AS_ERRORS = False and critical_service = False keep the answer at 200 while checks
  // fail (health_check/mixins.py, health_check/backends.py of django-health-check 3.17).
  it('reports HTTP 200 with a warning and a failing non-critical check as degraded, not down', async () => {
    const app = await start('degraded');

    const result = await probeTarget(target(app.url));

    expect(result).toMatchObject({ healthy: true, degraded: true, reason: 'none', status: 200 });
    expect(result.components).toEqual(
      expect.arrayContaining([
        { name: 'DiskUsageWarning', state: 'warning', message: '91 % of /tmp used' },
        { name: 'SearchIndexCheck', state: 'unavailable', message: 'search index unreachable' },
        { name: 'DatabaseBackend', state: 'working', message: '' },
      ]),
    );
    expect(result.detail).toBe(
      'degraded: HTTP 200, 2 of 6 components not working: DiskUsageWarning warning: 91 % of /tmp used; SearchIndexCheck unavailable: search index unreachable',
    );
  });

  it('authenticates with HEALTH_CHECK_TOKEN and reports a wrong one', async () => {
    const app = await start('healthy', 'django-health-token-1');
    const withToken = HealthTargetSchema.parse({
      name: 'django',
      url: `${app.url}?format=json`,
      timeoutMs: 15_000,
      latencyBudgetMs: 15_000,
      token: { secretArn: 'health-token' },
    });

    const right = await probeTarget(withToken, { getToken: async () => 'django-health-token-1' });
    const wrong = await probeTarget(withToken, { getToken: async () => 'not-the-token-2' });

    expect(right).toMatchObject({ healthy: true, status: 200 });
    expect(wrong).toMatchObject({ healthy: false, reason: 'auth', status: 401 });
  });
});
