// `2023-04-28 20:05:31.093` (docs sample), `2023-04-28T20:05:31.093Z` (SDK fixture), with or
// without fraction, with an optional `Z` or ±hh:mm offset. No offset means UTC, as WorkOS sends.
const timestampPattern =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Why an event's `created_at` is not a timestamp, in words that follow the value. */
export type CreatedAtProblem =
  'is not an ISO-8601 timestamp' | 'is not a valid date' | 'is out of range';

/**
 * An event's `created_at` normalized to `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (UTC, nanoseconds), or
 * why it cannot be. The one rule for what a `created_at` may be: the mirror orders events by it,
 * and the receiver refuses a delivery the mirror could never apply.
 */
export function parseCreatedAt(
  value: string,
): { normalized: string; problem?: never } | { problem: CreatedAtProblem } {
  // The form WorkOS sends (`toISOString()`'s, milliseconds, `Z`) is its own normal form but for
  // the nanoseconds: one Date.parse and a comparison instead of the pattern and six checks
  // (the receiver parses every delivery's, the mirror every event's; ~1 µs each).
  if (value.length === 24 && value.charCodeAt(23) === 90 /* Z */ && value.charCodeAt(0) !== 48) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms) && new Date(ms).toISOString() === value) {
      return { normalized: `${value.slice(0, 23)}000000Z` };
    }
  }
  return parseAnyForm(value);
}

function parseAnyForm(
  value: string,
): { normalized: string; problem?: never } | { problem: CreatedAtProblem } {
  const m = timestampPattern.exec(value.trim());
  if (!m) return { problem: 'is not an ISO-8601 timestamp' };
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const local = new Date(
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)),
  );
  // Date.UTC silently rolls over (Feb 30 → Mar 2); a rolled-over date is not what was sent.
  if (
    local.getUTCFullYear() !== Number(y) ||
    local.getUTCMonth() !== Number(mo) - 1 ||
    local.getUTCDate() !== Number(d) ||
    local.getUTCHours() !== Number(h) ||
    local.getUTCMinutes() !== Number(mi) ||
    local.getUTCSeconds() !== Number(s)
  ) {
    return { problem: 'is not a valid date' };
  }
  let ms = local.getTime();
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
    ms -= sign * offsetMinutes * 60_000;
  }
  const date = new Date(ms);
  if (date.getUTCFullYear() > 9999 || date.getUTCFullYear() < 1000) {
    return { problem: 'is out of range' };
  }
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return { normalized: `${iso.slice(0, 19)}.${frac.padEnd(9, '0')}Z` };
}
