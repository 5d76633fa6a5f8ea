import {
  describeFailingComponents,
  parseComponentStatus,
  parseDjangoHealthCheck,
} from '../../../shared/health/django';

describe('django-health-check body parser', () => {
  it('reads each state prefix and keeps the message after it', () => {
    const parsed = parseDjangoHealthCheck({
      'Cache backend: default': 'working',
      DatabaseBackend: 'unavailable: Database error',
      CeleryHealthCheckCelery: 'unexpected result: Celery worker timeout',
      DiskUsage: 'warning: 91% disk usage exceeds 90%',
    });

    expect(parsed).toEqual({
      ok: true,
      components: [
        { name: 'Cache backend: default', state: 'working', message: '' },
        { name: 'DatabaseBackend', state: 'unavailable', message: 'Database error' },
        { name: 'CeleryHealthCheckCelery', state: 'unexpected', message: 'Celery worker timeout' },
        { name: 'DiskUsage', state: 'warning', message: '91% disk usage exceeds 90%' },
      ],
    });
  });

  it('takes the state of a multi-error check from its first line', () => {
    expect(parseComponentStatus('S3', 'unavailable: Unknown exception\nwarning: slow')).toEqual({
      name: 'S3',
      state: 'unavailable',
      message: 'Unknown exception\nwarning: slow',
    });
  });

  it('counts an unknown error or an unrecognised text as unexpected, never as working', () => {
    expect(parseComponentStatus('X', 'unknown error: boom').state).toBe('unexpected');
    expect(parseComponentStatus('Y', 'fonctionne').state).toBe('unexpected');
  });

  it('refuses bodies that are not django-health-check output', () => {
    expect(parseDjangoHealthCheck([])).toEqual({
      ok: false,
      problem: 'expected a JSON object of checks, got an array',
    });
    expect(parseDjangoHealthCheck({})).toMatchObject({
      ok: false,
      problem: expect.stringContaining('lists no checks'),
    });
    expect(parseDjangoHealthCheck({ status: 'ok', checks: { db: true } })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('check "checks" is object'),
    });
  });
});

describe('describeFailingComponents (the probe detail a person reads)', () => {
  it('names unnamed checks, drops empty messages and folds multi-line ones', () => {
    expect(
      describeFailingComponents([
        { name: '', state: 'unavailable', message: '' },
        { name: ' Cache ', state: 'warning', message: ' slow\n  and busy ' },
        { name: 'DatabaseBackend', state: 'working', message: '' },
      ]),
    ).toBe('(unnamed check) unavailable; Cache warning: slow and busy');
  });
});
