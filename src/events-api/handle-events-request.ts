import type { Store } from '../store/types.js';
import { EventsQueryError, parseEventsQuery } from './events-query.js';
import { listInboxEvents } from './list-inbox-events.js';

/**
 * Our own `GET /events`, in WorkOS's Events API shape, over the events in the inbox: the official
 * SDK's `workos.events.listEvents(...)` pointed at `serve` reads it unchanged. The caller checks
 * the admin token. Bad parameters answer 400 naming the field.
 */
export async function handleEventsRequest(
  store: Store,
  request: { method: string; query: Record<string, string | string[]> },
): Promise<{ status: number; body: unknown }> {
  if (request.method !== 'GET') {
    return { status: 405, body: { code: 'method_not_allowed', message: 'Method Not Allowed' } };
  }
  let query;
  try {
    query = parseEventsQuery(request.query);
  } catch (error) {
    if (error instanceof EventsQueryError) {
      return {
        status: 400,
        body: {
          code: error.code,
          message: error.message,
          errors: [{ field: error.field, code: 'invalid' }],
        },
      };
    }
    throw error;
  }
  return { status: 200, body: await store.read((db) => listInboxEvents(db, query)) };
}
