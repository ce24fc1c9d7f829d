import { directoryOfEvent } from '../events/directory-of.js';
import { defaults } from '../defaults.js';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { eventNames } from '../events/event-names.js';
import type { NewEvent, PullCursorUpdate, Store } from '../store/types.js';
import type { WireEvent } from '../workos-api/event-list.js';
import { WorkosApiRequestError } from '../workos-api/workos-api-errors.js';
import type { EventPageAsSent } from '../workos-api/workos-api-client.js';
import { PullCursorRejectedError } from './pull-errors.js';
import { cursorNameFor, defaultCursorName } from './pull-options.js';
import type { PullResult, PullerOptions } from './pull-options.js';

/**
 * A fetched page as the store takes it (received at `receivedAt`). The parsed events are not kept:
 * a page may wait for up to {@link maxUncommittedPages} others, and objects that live that long
 * are promoted out of the young generation (bench:pull spent about a second per 100k events more
 * in the garbage collector while they were).
 */
interface FetchedPage {
  rows: NewEvent[];
  /** The last event's `created_at`, or null for an empty page. */
  newestCreatedAt: string | null;
  receivedAt: Date;
  /** The cursor once this page is stored. */
  next: PullCursorUpdate;
  /** A full page: there may be more. */
  more: boolean;
}

/**
 * Pages fetched (or being fetched) but not yet committed, at most. Storing a page costs more than
 * fetching one, so fetching runs ahead and a commit takes the pages that arrived during the
 * previous one (up to {@link maxPagesPerCommit}): fewer commits for the same pages. A crash
 * re-fetches at most these pages; none of them was stored without its cursor, and none is skipped.
 */
export const maxUncommittedPages = 16;

/**
 * Pages one commit takes at most: half the window, so fetching goes on while a commit runs (with
 * a full window, fetching waits for the commit and the two take turns instead of overlapping).
 * Measured (bench:pull, 100k events): a window of 4 committed whole was 5.2–6.7 s; 16 with commits
 * of 8, 3.3–4.1 s.
 */
export const maxPagesPerCommit = 8;

/**
 * Reads WorkOS's Events API in ascending order and appends each event to the inbox with source
 * `events_api`, committing the cursor with the pages it covers (Store.appendPage; one commit takes
 * the pages that arrived during the previous one, see {@link maxUncommittedPages}): a crash
 * re-fetches at most the pages not yet committed and never skips one. The cursor only ever advances over ids the Events API returned,
 * so an event WorkOS still holds back from cursor reads is not stepped over.
 */
export class Puller {
  private readonly store: Store;
  private readonly client: PullerOptions['client'];
  private readonly events: readonly string[];
  /** The cursor this puller moves ({@link cursorNameFor}). */
  readonly cursorName: string;
  private readonly pageLimit: number;
  private readonly since: string | undefined;
  private readonly clock: Clock;

  constructor(options: PullerOptions) {
    this.store = options.store;
    this.client = options.client;
    this.events = options.events ?? eventNames;
    this.cursorName = options.cursorName ?? cursorNameFor(options.events);
    this.pageLimit = options.pageLimit ?? defaults.pullPageLimit.value;
    this.since = options.since;
    this.clock = options.clock ?? systemClock;
  }

  /** Fetch pages until one comes back short (caught up). */
  async catchUp(
    onPage?: (total: PullResult, page: PullResult) => void | Promise<void>,
  ): Promise<PullResult> {
    const total: PullResult = {
      pulled: 0,
      inserted: 0,
      duplicates: 0,
      pages: 0,
      newestCreatedAt: null,
    };
    const start = await this.startingCursor();
    // Fetching runs ahead of storing, by at most `maxUncommittedPages` pages; each commit stores
    // every page that has arrived meanwhile, in order, with the last one's cursor.
    const arrived: FetchedPage[] = [];
    let uncommitted = 0;
    let fetchError: { error: unknown } | undefined;
    let stopped = false;
    let wakeStorer: (() => void) | undefined;
    let wakeFetcher: (() => void) | undefined;
    void (async () => {
      let cursor = start;
      for (;;) {
        while (uncommitted >= maxUncommittedPages && !stopped) {
          await new Promise<void>((resolve) => (wakeFetcher = resolve));
        }
        if (stopped) return;
        uncommitted++;
        const page = await this.fetchPage(cursor);
        arrived.push(page);
        wakeStorer?.();
        if (!page.more) return;
        cursor = page.next;
      }
    })().catch((error: unknown) => {
      fetchError = { error };
      wakeStorer?.();
    });
    try {
      for (;;) {
        while (arrived.length === 0 && !fetchError) {
          await new Promise<void>((resolve) => (wakeStorer = resolve));
        }
        if (arrived.length === 0) throw fetchError!.error;
        const batch = arrived.splice(0, maxPagesPerCommit);
        const last = batch[batch.length - 1]!;
        const outcomes = await this.store.appendPage(
          batch.length === 1 ? last.rows : batch.flatMap((p) => p.rows),
          last.next,
          last.receivedAt,
        );
        uncommitted -= batch.length;
        wakeFetcher?.();
        let offset = 0;
        for (const { rows, newestCreatedAt: newest } of batch) {
          const mine = outcomes.slice(offset, (offset += rows.length));
          const inserted = mine.filter((o) => o === 'inserted').length;
          const thisPage: PullResult = {
            pulled: rows.length,
            inserted,
            duplicates: rows.length - inserted,
            pages: 1,
            newestCreatedAt: newest,
          };
          total.pages++;
          total.pulled += thisPage.pulled;
          total.inserted += thisPage.inserted;
          total.duplicates += thisPage.duplicates;
          if (newest !== null) total.newestCreatedAt = newest;
          await onPage?.(total, thisPage);
        }
        if (!last.more) return total;
      }
    } finally {
      // On an error here (the store, onPage), fetch nothing more; a request in flight is dropped.
      stopped = true;
      wakeFetcher?.();
    }
  }

  /** The stored cursor, or (first start) `range_start` = `since`, default now. */
  private async startingCursor(): Promise<PullCursorUpdate> {
    const stored = await this.store.pullCursor(this.cursorName);
    if (stored && (stored.after || stored.rangeStart)) {
      return {
        name: stored.name,
        after: stored.after,
        rangeStart: stored.after ? null : stored.rangeStart,
      };
    }
    const rangeStart = this.since ?? new Date(this.clock.now()).toISOString();
    return { name: this.cursorName, after: null, rangeStart };
  }

  /**
   * One page, already in the form the store takes: converting it here, as it arrives, overlaps
   * the work with the previous page's commit instead of adding it between two commits.
   */
  private async fetchPage(cursor: PullCursorUpdate): Promise<FetchedPage> {
    const { list, bodies } = await this.listAfter(cursor);
    const events = list.data;
    const receivedAt = new Date(this.clock.now());
    return {
      rows: events.map((e, i) => toNewEvent(e, receivedAt, bodies[i]!)),
      newestCreatedAt: events.length > 0 ? events[events.length - 1]!.created_at : null,
      receivedAt,
      next:
        events.length > 0
          ? { name: this.cursorName, after: events[events.length - 1]!.id, rangeStart: null }
          : cursor,
      more: events.length >= this.pageLimit,
    };
  }

  private async listAfter(cursor: PullCursorUpdate): Promise<EventPageAsSent> {
    // `after` and `range_start` do not mix (WorkOS rejects the pair).
    const params = {
      events: this.events,
      order: 'asc',
      limit: this.pageLimit,
      ...(cursor.after ? { after: cursor.after } : { range_start: cursor.rangeStart ?? undefined }),
    } as const;
    try {
      return await this.client.listEventsAsSent(params);
    } catch (error) {
      if (!(error instanceof WorkosApiRequestError)) throw error;
      if (cursor.after && refusesCursor(error, cursor.after)) {
        // The cause's text is in the message, which is what the CLI prints; not attached as
        // `cause` too, which a log line would print a second time.
        const eventsFlag =
          this.cursorName === defaultCursorName ? '' : ` --events ${this.events.join(',')}`;
        throw new PullCursorRejectedError(
          `WorkOS refused the stored cursor (after=${cursor.after}): ${error.message}. Events older than WorkOS keeps them (30 days) cannot be pulled; start over with \`workos-inbox pull --reset-cursor --since 7d${eventsFlag}\` (or any --since) and reconcile what was missed.`,
        );
      }
      // Any other refusal is said as what it is, with the request it refused: resetting the
      // cursor would throw the position away and not help.
      const kept = cursor.after ? `after=${cursor.after}` : `range_start=${cursor.rangeStart}`;
      throw new WorkosApiRequestError(
        `WorkOS refused the Events API request (${this.describe(params)}): ${error.message}. The cursor is kept (${kept}); pulling goes on from it once WorkOS takes the request${
          mentionsEvents(error) ? ' (check the --events names)' : ''
        }.`,
        error.status,
        error,
      );
    }
  }

  /** A request's parameters, short: every name this version knows is counted, not listed. */
  private describe(params: Record<string, unknown>): string {
    return Object.entries(params)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) =>
        key === 'events' && value === eventNames
          ? `events=the ${eventNames.length} names this version knows`
          : `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`,
      )
      .join(' ');
  }
}

/**
 * Whether WorkOS's 400/422 refuses the cursor itself: an expired one is `invalid_cursor` (as the
 * stand-in answers it), an unknown one names `after` (`errors[].field`, or the message, as in
 * `after: no event …`). Only then does starting over from `--since` help.
 */
export function refusesCursor(error: WorkosApiRequestError, after: string): boolean {
  if (error.workosCode === 'invalid_cursor' || error.fields.includes('after')) return true;
  const said = error.workosMessage ?? '';
  return said.includes(after) || /\bafter\b/.test(said);
}

function mentionsEvents(error: WorkosApiRequestError): boolean {
  return (
    error.fields.some((f) => f.startsWith('events')) ||
    /\bevents?\b/.test(error.workosMessage ?? '')
  );
}

/**
 * A pulled event as the inbox stores it: the raw body is the event object's own bytes in the
 * list answer (WorkosApiClient.listEventsAsSent). Handlers and the mirror parse it like a
 * webhook's body.
 */
export function toNewEvent(event: WireEvent, receivedAt: Date, rawBody: Buffer): NewEvent {
  return {
    id: event.id,
    event: event.event,
    createdAt: event.created_at,
    rawBody,
    source: 'events_api',
    receivedAt,
    directoryId: directoryOfEvent(event.event, event.data),
  };
}
