import type { WireEvent } from '../events/event-types.js';

export type { WireEvent };

/** `GET /events`'s answer. */
export interface WireEventList {
  object: 'list';
  data: WireEvent[];
  list_metadata: { before?: string | null; after?: string | null };
}

/** Parameters of `GET /events`, in the API's own names. */
export interface ListEventsParams {
  /** Event names; sent as one comma-joined `events` parameter, as the official SDK does. */
  events?: readonly string[];
  organization_id?: string;
  /** ISO-8601. Not together with `after` (WorkOS rejects the mix). */
  range_start?: string;
  range_end?: string;
  /** An event id: only events after it. */
  after?: string;
  /** 1–100. */
  limit?: number;
  order?: 'asc' | 'desc';
}

/** The query string for {@link ListEventsParams} (empty values left out, like the SDK). */
export function listEventsQuery(params: ListEventsParams): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    query.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return query.toString();
}

/** Throws unless `body` has the Events API list shape (a proxy's HTML page must not be stored). */
export function checkEventList(body: unknown): WireEventList {
  const list = body as Partial<WireEventList> | null;
  if (!list || typeof list !== 'object' || !Array.isArray(list.data)) {
    throw new TypeError('the answer is not an Events API list (no "data" array)');
  }
  for (const [index, event] of list.data.entries()) {
    const e = event as Partial<WireEvent> | null;
    if (
      !e ||
      typeof e.id !== 'string' ||
      typeof e.event !== 'string' ||
      typeof e.created_at !== 'string' ||
      typeof e.data !== 'object' ||
      e.data === null
    ) {
      throw new TypeError(`data[${index}] is not an event (id, event, created_at, data)`);
    }
  }
  return { object: 'list', data: list.data, list_metadata: list.list_metadata ?? {} };
}
