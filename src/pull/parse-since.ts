import { WorkosInboxError } from '../errors/workos-inbox-error.js';
/** `--since` cannot be read. */
export class SinceFormatError extends WorkosInboxError {
  override readonly name = 'SinceFormatError';
  readonly code = 'invalid_since';
}

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`: `now`, an age (`30m`, `12h`, `7d`) or an ISO-8601 date. Returns the ISO-8601 instant
 * to send as `range_start`.
 */
export function parseSince(text: string, nowMs: number): string {
  const value = text.trim();
  if (value === 'now') return new Date(nowMs).toISOString();
  const age = /^(\d+)([mhd])$/.exec(value);
  if (age) return new Date(nowMs - Number(age[1]) * units[age[2]!]!).toISOString();
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  throw new SinceFormatError(
    `--since "${text}": expected now, an age like 30m, 12h or 7d, or an ISO date like 2026-01-31T00:00:00Z`,
  );
}
