import type { Clock } from '../clock.js';
import { defaults } from '../defaults.js';
import { eventNames } from '../events/event-names.js';
import type { Store } from '../store/types.js';
import type { WorkosApiClient } from '../workos-api/workos-api-client.js';

/** The cursor's name in `workos_inbox_pull_cursors` unless told otherwise. */
export const defaultCursorName = defaults.pullCursorName.value;

/**
 * The cursor a pull of `events` moves. A cursor says "every event up to here is stored", which is
 * only true of the names that were asked for: a pull of a few names (`pull --events a,b`) moves
 * a cursor of its own, named after them, so that a later pull of every name (the default,
 * `serve --pull`) does not step over the other names' events. Every known name, in any order,
 * is the default cursor.
 */
export function cursorNameFor(events: readonly string[] | undefined): string {
  if (events === undefined) return defaultCursorName;
  const names = [...new Set(events)].sort();
  const known = new Set<string>(eventNames);
  if (names.length === known.size && names.every((n) => known.has(n))) return defaultCursorName;
  return `${defaultCursorName}:${names.join(',')}`;
}

/** Options of {@link Puller}. */
export interface PullerOptions {
  store: Store;
  client: Pick<WorkosApiClient, 'listEventsAsSent'>;
  /** Event names asked for. @defaultValue every name this build knows (src/events/event-names.ts) */
  events?: readonly string[];
  /**
   * @defaultValue `defaults.pullCursorName.value` for every known name, else one named after
   * `events` ({@link cursorNameFor})
   */
  cursorName?: string;
  /** Events per request (WorkOS's maximum). @defaultValue `defaults.pullPageLimit.value` */
  pageLimit?: number;
  /**
   * First start only (no cursor yet): `range_start`, ISO-8601. Ignored once a cursor exists.
   * @defaultValue `defaults.pullSince.value` (now)
   */
  since?: string;
  clock?: Clock;
}

/** What one catch-up did. */
export interface PullResult {
  /** Events the API returned. */
  pulled: number;
  /** Of those, new to the inbox (a webhook had not brought them). */
  inserted: number;
  /** Already stored (by a webhook, or by an earlier pull). */
  duplicates: number;
  /** Requests that returned a page. */
  pages: number;
  /** `created_at` of the newest event seen, or null. */
  newestCreatedAt: string | null;
}
