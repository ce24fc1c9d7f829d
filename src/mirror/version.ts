import { MirrorEventError } from './errors.js';

// `2023-04-28 20:05:31.093` (docs sample), `2023-04-28T20:05:31.093Z` (SDK fixture), with or
// without fraction, with an optional `Z` or ±hh:mm offset. No offset means UTC, as WorkOS sends.
const timestampPattern =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Length of the timestamp part of a version (and of `deleted_at`). */
export const versionTimestampLength = 30;

/**
 * Normalize an event `created_at` to `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (UTC, nanoseconds), a fixed
 * width so that plain string comparison orders instants on both databases.
 */
export function normalizeTimestamp(value: string, eventId?: string): string {
  const m = timestampPattern.exec(value.trim());
  if (!m) {
    throw new MirrorEventError(
      'invalid_created_at',
      `event ${eventId ?? '(no id)'}: created_at ${JSON.stringify(value)} is not an ISO-8601 timestamp`,
      eventId,
    );
  }
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
    throw new MirrorEventError(
      'invalid_created_at',
      `event ${eventId ?? '(no id)'}: created_at ${JSON.stringify(value)} is not a valid date`,
      eventId,
    );
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
    throw new MirrorEventError(
      'invalid_created_at',
      `event ${eventId ?? '(no id)'}: created_at ${JSON.stringify(value)} is out of range`,
      eventId,
    );
  }
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 19)}.${frac.padEnd(9, '0')}Z`;
}

/**
 * The version of an event: its normalized `created_at`, a space, then its id (ties between
 * events created in the same instant are broken by id). Versions compare as strings.
 */
export function eventVersion(createdAt: string, eventId: string): string {
  return `${normalizeTimestamp(createdAt, eventId)} ${eventId}`;
}

/**
 * The version a user or group gets from the copy a `dsync.group.user_added/user_removed` event
 * carries: the event's version behind `!`, which sorts before every digit. So such a copy fills
 * a row no `dsync.user.*` / `dsync.group.*` event has written yet, newer copies replace older
 * ones, and the object's own events always win over copies. A total order, so still
 * order-independent; and in the usual case (the row exists) the upsert rewrites nothing.
 */
export function snapshotVersion(version: string): string {
  return `!${version}`;
}
