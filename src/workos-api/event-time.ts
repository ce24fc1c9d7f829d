/**
 * Milliseconds since the epoch of an event's `created_at`. WorkOS sends ISO-8601
 * (`2026-01-05T09:00:01.049Z`) and, in some places, `2026-01-05 09:00:00.000` without a zone,
 * which is UTC (a bare `Date.parse` would read it as local time). NaN when unreadable.
 */
export function eventTimeMs(createdAt: string): number {
  const text = createdAt.trim().replace(' ', 'T');
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) || !text.includes('T') ? text : `${text}Z`;
  return Date.parse(zoned);
}
