/**
 * The one duration formatter for messages a person reads.
 * - `second` (default): "40 s", "12 min", "1 h 5 min", "2 d 3 h".
 * - `minute`: "less than a minute", "12 min", "3 h" (hours rounded from two hours on), for
 *   durations measured between events minutes apart, where seconds would be noise.
 */
export function formatDuration(ms: number, resolution: 'second' | 'minute' = 'second'): string {
  if (resolution === 'minute') {
    const minutes = Math.max(0, Math.round(ms / 60_000));
    if (minutes < 1) return 'less than a minute';
    if (minutes < 120) return `${minutes} min`;
    return `${Math.round(minutes / 60)} h`;
  }
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
