import { formatDuration } from '../../../shared/duration';

describe('formatDuration', () => {
  it.each([
    [-5_000, '0 s'],
    [40_000, '40 s'],
    [12 * 60_000, '12 min'],
    [65 * 60_000, '1 h 5 min'],
    [2 * 3_600_000, '2 h'],
    [51 * 3_600_000, '2 d 3 h'],
  ])('to the second: %d ms is "%s"', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    [20_000, 'less than a minute'],
    [12 * 60_000, '12 min'],
    [119 * 60_000, '119 min'],
    [185 * 60_000, '3 h'],
  ])('to the minute: %d ms is "%s"', (ms, text) => expect(formatDuration(ms, 'minute')).toBe(text));
});
