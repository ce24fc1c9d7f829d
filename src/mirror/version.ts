import { parseCreatedAt } from '../events/created-at.js';
import { MirrorEventError } from './errors.js';

/** Length of the timestamp part of a version (and of `deleted_at`). */
export const versionTimestampLength = 30;

/**
 * Normalize an event `created_at` to `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (UTC, nanoseconds), a fixed
 * width so that plain string comparison orders instants on both databases.
 */
export function normalizeTimestamp(value: string, eventId?: string): string {
  const parsed = parseCreatedAt(value);
  if (parsed.problem !== undefined) {
    throw new MirrorEventError(
      'invalid_created_at',
      `event ${eventId ?? '(no id)'}: created_at ${JSON.stringify(value)} ${parsed.problem}`,
      eventId,
    );
  }
  return parsed.normalized;
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
