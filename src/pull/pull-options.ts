import type { Clock } from '../clock.js';
import { defaults } from '../defaults.js';
import type { Store } from '../store/types.js';
import type { WorkosApiClient } from '../workos-api/workos-api-client.js';

/** The cursor's name in `workos_inbox_pull_cursors` unless told otherwise. */
export const defaultCursorName = defaults.pullCursorName.value;

/** Options of {@link Puller}. */
export interface PullerOptions {
  store: Store;
  client: Pick<WorkosApiClient, 'listEventsAsSent'>;
  /** Event names asked for. @defaultValue every name this build knows (src/events/event-names.ts) */
  events?: readonly string[];
  /** @defaultValue `defaults.pullCursorName.value` */
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
