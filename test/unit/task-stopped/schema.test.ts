import fc from 'fast-check';
import { handleTaskStopped } from '../../../functions/task-stopped/core';
import { parseEvent, TaskStoppedConfig } from '../../../functions/task-stopped/schema';
import { loadConfig } from '../../../shared/config';
import { STOP_CATEGORIES } from '../../../shared/ecs/stop-types';
import { sampleEvent } from '../../helpers/task-stopped/events';
import { fakeDeps, settings } from '../../helpers/task-stopped/fakes';

describe('parseEvent', () => {
  it('recognises the recovery schedule', () => {
    expect(parseEvent({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }).kind).toBe(
      'sweep',
    );
  });

  it.each([
    [null, 'got detail-type null'],
    [{ 'detail-type': 'ECS Service Action', detail: {} }, 'got detail-type "ECS Service Action"'],
    [
      { 'detail-type': 'ECS Task State Change' },
      'detail: Invalid input: expected object, received undefined',
    ],
  ])('rejects %j with an InvalidEventError saying what is wrong', (event, message) => {
    expect(() => parseEvent(event)).toThrow(
      expect.objectContaining({ name: 'InvalidEventError', message: expect.stringContaining(message) }),
    );
  });

  it('accepts wrongly typed optional fields instead of failing the whole event', () => {
    const event = sampleEvent('elb-health-check');
    const odd = {
      ...event,
      detail: { ...event.detail, group: 42, stoppedReason: ['x'], containers: 'none', memory: {} },
    };

    const parsed = parseEvent(odd);

    expect(parsed.kind === 'task-stopped' && parsed.event.detail).toMatchObject({
      group: undefined,
      stoppedReason: undefined,
      containers: undefined,
      memory: undefined,
    });
  });
});

describe('handleTaskStopped on any detail', () => {
  it('classifies and decides without throwing, whatever the detail fields hold', async () => {
    const base = sampleEvent('essential-exit');
    const detailField = fc.constantFrom(
      'stopCode',
      'stoppedReason',
      'group',
      'startedBy',
      'taskDefinitionArn',
      'containers',
      'memory',
      'lastStatus',
      'stoppedAt',
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(detailField, fc.anything()), async (overrides) => {
        const f = fakeDeps();
        const parsed = parseEvent({ ...base, detail: { ...base.detail, ...overrides } });
        if (parsed.kind !== 'task-stopped') throw new Error('expected a task event');

        const outcome = await handleTaskStopped(parsed.event, f.deps, settings({ notifyRoutine: true }));

        expect(STOP_CATEGORIES).toContain(outcome.category);
      }),
      { numRuns: 300 },
    );
  });
});

describe('TaskStoppedConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig(TaskStoppedConfig, {})).toEqual({
      SERVICES: [],
      STAGE: 'local',
      NOTIFY_ROUTINE: false,
      ESCALATE_AFTER: 3,
      RECOVERY_QUIET_MINUTES: 15,
      DRY_RUN: false,
    });
  });

  it('names every bad variable', () => {
    expect(() => loadConfig(TaskStoppedConfig, { ESCALATE_AFTER: '1', NOTIFY_ROUTINE: 'maybe' })).toThrow(
      /NOTIFY_ROUTINE is invalid: expected true or false; ESCALATE_AFTER is invalid: .*>=2/,
    );
  });
});

describe('parseEvent: malformed schedule', () => {
  it('names the bad field of a malformed "Scheduled Event" instead of throwing a raw validation error', () => {
    expect(() => parseEvent({ 'detail-type': 'Scheduled Event', time: 401609863 })).toThrow(
      expect.objectContaining({
        name: 'InvalidEventError',
        message: expect.stringMatching(/malformed "Scheduled Event": time: /),
      }),
    );
  });
});
