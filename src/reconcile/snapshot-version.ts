import { normalizeTimestamp } from '../mirror/version.js';

/**
 * The versions a reconcile writes (see docs/mirror.md, "Reconcile"). An event's version is
 * `<created_at> <event id>`; a snapshot's is `<time> snapshot`, which compares with them as
 * strings: an event at the same instant sorts before it (`event_…` < `snapshot`).
 */
const suffix = ' snapshot';

/** The snapshot's start as a normalized timestamp: rows older than this may be tombstoned. */
export function snapshotStart(nowMs: number): string {
  return normalizeTimestamp(new Date(nowMs).toISOString());
}

/**
 * The version of an object read from a list: its `updated_at` (an event newer than that describes
 * a later state and wins), else the snapshot's start (objects without `updated_at`, memberships).
 */
export function objectVersion(obj: Record<string, unknown>, start: string): string {
  const updatedAt = obj.updated_at;
  if (typeof updatedAt === 'string') {
    try {
      return normalizeTimestamp(updatedAt) + suffix;
    } catch {
      // unreadable: fall back to the snapshot's start
    }
  }
  return start + suffix;
}

/** The version a tombstone (or a membership) written by the snapshot starting at `start` carries. */
export function startVersion(start: string): string {
  return start + suffix;
}
