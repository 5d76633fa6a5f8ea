import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { classifyStop, exitCodeMeaning } from '../../../shared/ecs/classify-stop';
import { STOP_CATEGORIES, type StoppedTaskFacts } from '../../../shared/ecs/stop-types';
import { sampleEvent } from '../../helpers/task-stopped/events';

const classifyEvent = (name: string) => classifyStop(sampleEvent(name).detail as StoppedTaskFacts);

describe('classifyStop on the sample events', () => {
  it.each([
    ['elb-health-check', 'elb-health-check', false],
    ['container-health-check', 'container-health-check', false],
    ['out-of-memory', 'out-of-memory', false],
    ['essential-exit', 'essential-exit', false],
    ['image-pull', 'image-pull', false],
    ['secrets-init', 'secrets-init', false],
    ['failed-to-start', 'failed-to-start', false],
    ['spot-interruption', 'spot-interruption', false],
    ['infrastructure', 'infrastructure', false],
    ['user-stop', 'user-stop', true],
    ['deployment-replacement', 'deployment-replacement', true],
    ['scale-in', 'scale-in', true],
    ['unknown', 'unknown', false],
    ['standalone-migration', 'essential-exit', false],
    ['fargate-retirement', 'infrastructure', false],
    ['az-rebalancing', 'scale-in', true],
  ])('%s.json is %s (routine: %s)', (file, category, routine) => {
    const result = classifyEvent(file);

    expect(result.category).toBe(category);
    expect(result.routine).toBe(routine);
    expect(result.headline.length).toBeGreaterThan(0);
    expect(result.explanation.length).toBeGreaterThan(0);
    expect(result.nextSteps.length).toBeGreaterThan(0);
  });

  it('has one sample event for every category', () => {
    const files = readdirSync(join(__dirname, '../../../events/task-stopped'))
      .map((f) => f.replace(/\.json$/, ''))
      .filter((f) => sampleEvent(f)['detail-type'] === 'ECS Task State Change');
    const covered = new Set(files.map((f) => classifyEvent(f).category));

    expect([...covered].sort()).toEqual([...STOP_CATEGORIES].sort());
  });

  it('names the target group of an ELB health-check kill', () => {
    const result = classifyEvent('elb-health-check');

    expect(result.evidence.targetGroup).toBe(
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/django-web-tg/6d0ecf831eec9f09',
    );
    expect(result.headline).toBe('killed by ELB health checks (django-web-tg)');
    expect(result.explanation).toContain('ALLOWED_HOSTS');
  });

  it('names the container and its memory limit when it ran out of memory', () => {
    const result = classifyEvent('out-of-memory');

    expect(result.evidence).toMatchObject({ container: 'django', exitCode: 137, memoryLimitMiB: 512 });
    expect(result.explanation).toContain('`django` container used more than its memory limit of 512 MiB');
  });

  it('falls back to the task memory when the container has no limit of its own', () => {
    const result = classifyStop({
      stopCode: 'EssentialContainerExited',
      memory: '2048',
      containers: [
        { name: 'celery', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
      ],
    });

    expect(result.evidence.memoryLimitMiB).toBe(2048);
    expect(result.evidence.container).toBe('celery');
  });

  it('explains the exit code of an essential container', () => {
    const result = classifyEvent('essential-exit');

    expect(result.evidence).toMatchObject({ container: 'celery', exitCode: 1 });
    expect(result.headline).toBe('crashed: celery exited with code 1');
    expect(result.explanation).toContain('with code 1 (application error');
  });

  it('names the secret and the missing permission of a resource initialisation failure', () => {
    const result = classifyEvent('secrets-init');

    expect(result.evidence.secret).toBe(
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:django/db-credentials-AbCdEf',
    );
    expect(result.explanation).toContain(
      '(secret django/db-credentials, permission GetSecretValue (secretsmanager))',
    );
    expect(result.nextSteps[1]).toContain(
      'Grant GetSecretValue (secretsmanager) to the task *execution* role',
    );
  });

  it('keeps the raw reason of an image pull failure', () => {
    expect(classifyEvent('image-pull').evidence.rawReason).toMatch(
      /^CannotPullContainerError: pull image manifest/,
    );
  });

  it('reports a stop it does not recognise with its stop code, never dropping it', () => {
    const noReason = classifyEvent('unknown');
    const odd = classifyStop({ stopCode: 'SomethingNew', stoppedReason: 'The gremlins did it' });

    expect(noReason.explanation).toContain('(stop code ServiceSchedulerInitiated)');
    expect(noReason.explanation).toContain('(none reported)');
    expect(odd).toMatchObject({
      category: 'unknown',
      routine: false,
      evidence: { rawReason: 'The gremlins did it' },
    });
    expect(odd.explanation).toContain('The gremlins did it');
  });
});

describe('classifyStop rules', () => {
  it.each<[string, StoppedTaskFacts, string]>([
    ['spot by stop code only', { stopCode: 'SpotInterruption' }, 'spot-interruption'],
    [
      'failed to start with an empty containers list',
      { stopCode: 'TaskFailedToStart', containers: [] },
      'failed-to-start',
    ],
    ['capacity', { stopCode: 'TaskFailedToStart', stoppedReason: 'RESOURCE:MEMORY' }, 'failed-to-start'],
    [
      'bad entrypoint',
      { stoppedReason: 'CannotStartContainerError: exec: "gunicorn": executable file not found in $PATH' },
      'failed-to-start',
    ],
    [
      'OOM reported only on the container',
      { containers: [{ name: 'web', reason: 'OutOfMemoryError: Container killed due to memory usage' }] },
      'out-of-memory',
    ],
    [
      'OOM wins over the ELB reason it caused',
      {
        stoppedReason: 'Task failed ELB health checks in (target-group x)',
        containers: [{ reason: 'OutOfMemoryError' }],
      },
      'out-of-memory',
    ],
    ['host terminated', { stoppedReason: 'Host EC2 (instance i-0123) stopped/terminated' }, 'infrastructure'],
    ['infrastructure health', { stopCode: 'InfrastructureHealth' }, 'infrastructure'],
    ['user stop by reason only', { stoppedReason: 'Task stopped by user' }, 'user-stop'],
    [
      'essential exit by reason only',
      { stoppedReason: 'Essential container in task exited' },
      'essential-exit',
    ],
    [
      'replacement: another deployment stopped the task',
      { startedBy: 'ecs-svc/111', stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/222)' },
      'deployment-replacement',
    ],
    [
      "scale-in: the task's own deployment stopped it",
      { startedBy: 'ecs-svc/111', stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/111)' },
      'scale-in',
    ],
    ['nothing at all', {}, 'unknown'],
    [
      'service scheduler with an unknown reason is not assumed routine',
      { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Something else' },
      'unknown',
    ],
  ])('%s', (_name, facts, category) => {
    expect(classifyStop(facts).category).toBe(category);
  });

  it('says what an exit 137 without an out-of-memory reason can mean', () => {
    const result = classifyStop({
      stopCode: 'EssentialContainerExited',
      containers: [{ name: 'django', exitCode: 137 }],
    });

    expect(result.category).toBe('essential-exit');
    expect(result.evidence.exitMeaning).toContain('did not stop within the stop timeout');
    expect(result.nextSteps[1]).toContain('SIGKILL');
  });

  it('blames the container that failed, not a sidecar that exited cleanly', () => {
    const result = classifyStop({
      stopCode: 'EssentialContainerExited',
      containers: [
        { name: 'log-router', exitCode: 0 },
        { name: 'django', exitCode: 139 },
      ],
    });

    expect(result.evidence).toMatchObject({ container: 'django', exitCode: 139 });
    expect(result.evidence.exitMeaning).toContain('segmentation fault');
  });

  it.each([
    [0, 'exited normally'],
    [1, 'application error'],
    [127, 'command not found'],
    [137, 'SIGKILL'],
    [139, 'SIGSEGV'],
    [143, 'SIGTERM'],
    [130, 'killed by signal 2'],
    [42, 'application-specific'],
  ])('exit code %i means %s', (code, meaning) => {
    expect(exitCodeMeaning(code)).toContain(meaning);
  });

  it('bounds the raw reason so a huge reason cannot bloat the message', () => {
    const result = classifyStop({ stoppedReason: 'x'.repeat(50_000) });

    expect(result.evidence.rawReason!.length).toBe(1000);
  });
});

describe('classifyStop on any input', () => {
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const reasonish = fc.oneof(
    fc.string(),
    fc.constantFrom(
      'Task failed ELB health checks in (target-group ',
      'OutOfMemoryError',
      'Essential container in task exited',
      'ResourceInitializationError: arn:aws:secretsmanager:',
      'Scaling activity initiated by (deployment ecs-svc/',
      'CannotPullContainerError',
    ),
  );
  const container = fc.record(
    {
      name: maybe(fc.oneof(fc.string(), fc.constant(null))),
      exitCode: maybe(fc.oneof(fc.integer(), fc.double(), fc.constant(null))),
      reason: maybe(fc.oneof(reasonish, fc.constant(null))),
      memory: maybe(fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
    },
    { requiredKeys: [] },
  );
  const facts = fc.record(
    {
      stopCode: maybe(
        fc.oneof(
          fc.string(),
          fc.constantFrom('EssentialContainerExited', 'TaskFailedToStart', 'UserInitiated'),
        ),
      ),
      stoppedReason: maybe(fc.oneof(reasonish, fc.constant(null))),
      startedBy: maybe(fc.string()),
      memory: maybe(fc.oneof(fc.string(), fc.integer())),
      containers: maybe(fc.oneof(fc.array(container), fc.constant(null))),
    },
    { requiredKeys: [] },
  );

  it('returns a category with text for every event-like shape', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const result = classifyStop(f as StoppedTaskFacts);
        expect(STOP_CATEGORIES).toContain(result.category);
        expect(result.headline).not.toHaveLength(0);
        expect(result.nextSteps.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, whatever the input (wrong types, arrays, null, primitives)', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true }),
        (input) => {
          const result = classifyStop(input as StoppedTaskFacts);
          expect(STOP_CATEGORIES).toContain(result.category);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('survives a hostile object whose getters throw', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    );

    expect(classifyStop(hostile as StoppedTaskFacts)).toMatchObject({ category: 'unknown', routine: false });
  });

  it('marks exactly the routine categories as routine', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const result = classifyStop(f as StoppedTaskFacts);
        expect(result.routine).toBe(
          ['deployment-replacement', 'scale-in', 'user-stop'].includes(result.category),
        );
      }),
      { numRuns: 200 },
    );
  });
});
