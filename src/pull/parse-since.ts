import { WorkosInboxError } from '../errors/workos-inbox-error.js';
/** `--since` cannot be read. */
export class SinceFormatError extends WorkosInboxError {
  override readonly name = 'SinceFormatError';
  readonly code = 'invalid_since';
}

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The furthest a `Date` reaches either side of 1970 (100,000,000 days): beyond it, no instant. */
const dateLimitMs = 8.64e15;

const isoInstant =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An ISO-8601 date or date-time, strictly: `2026-01-31`, `2026-01-31T12:00`, `…:00Z`,
 * `…:00.250+02:00`. Without a zone it is UTC, as WorkOS's timestamps and `GET /events` read it.
 * NaN for anything else, including dates that do not exist (`2026-02-30`) and trailing text, which
 * `Date.parse` would quietly move or drop.
 */
export function isoInstantMs(text: string): number {
  const m = isoInstant.exec(text.trim());
  if (!m) return NaN;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second, fraction));
  const exists =
    utc.getUTCFullYear() === year &&
    utc.getUTCMonth() === month - 1 &&
    utc.getUTCDate() === day &&
    utc.getUTCHours() === hour &&
    utc.getUTCMinutes() === minute &&
    utc.getUTCSeconds() === second;
  if (!exists) return NaN;
  const zone = m[8]?.toUpperCase();
  if (!zone || zone === 'Z') return utc.getTime();
  const [, sign, hh, mm] = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  if (Number(hh) > 23 || Number(mm) > 59) return NaN;
  const offsetMs = (Number(hh) * 60 + Number(mm)) * 60_000;
  return utc.getTime() - (sign === '+' ? offsetMs : -offsetMs);
}

/**
 * A "since" as every command and filter reads it: `now`, an age back from `nowMs` (`30s`, `15m`,
 * `12h`, `7d`; a space before the unit is fine) or an ISO-8601 date ({@link isoInstantMs}).
 * Undefined when it is none of these, and for an age that reaches back before the earliest
 * instant a `Date` holds (`999999999d`): every caller makes a `Date` of the answer.
 */
export function sinceMs(text: string, nowMs: number): number | undefined {
  const value = text.trim();
  if (value === 'now') return nowMs;
  const age = /^(\d+)\s*([smhd])$/.exec(value);
  if (age) {
    const ms = nowMs - Number(age[1]) * units[age[2]!]!;
    return Math.abs(ms) <= dateLimitMs ? ms : undefined;
  }
  const ms = isoInstantMs(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** What {@link sinceMs} reads, for an error message. */
export const sinceForms =
  'now, an age like 30m, 12h or 7d, or an ISO date like 2026-01-31 or 2026-01-31T09:00:00Z (UTC unless it names a zone)';

/**
 * Why {@link sinceMs} refused `text`, for an error message: an age too long for any date to
 * reach back to says so (it looks like a valid age), anything else lists the forms it reads.
 */
export function sinceRefusal(text: string): string {
  if (/^\d+\s*[smhd]$/.test(text.trim())) {
    return 'an age that stays within the dates there are (at most about 273,000 years back)';
  }
  // Shaped as a date, but no such day, time or zone offset (2026-02-30): the forms are not news.
  if (isoInstant.test(text.trim())) {
    return 'a date that exists: this one has no such month, day, time or zone offset';
  }
  return sinceForms;
}

/** `--since` of `pull`, `listen` and `--pull-since`: the ISO-8601 instant to send as `range_start`. */
export function parseSince(text: string, nowMs: number): string {
  const ms = sinceMs(text, nowMs);
  if (ms === undefined) {
    throw new SinceFormatError(`--since "${text}": expected ${sinceRefusal(text)}`);
  }
  return new Date(ms).toISOString();
}
