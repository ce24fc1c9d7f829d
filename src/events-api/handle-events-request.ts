import { httpErrorBody } from '../errors/http-error-body.js';
import { runOnSource } from '../mirror/read/create-mirror.js';
import type { MirrorSource } from '../mirror/read/create-mirror.js';
import { EventsQueryError, parseEventsQuery } from './events-query.js';
import { listInboxEvents } from './list-inbox-events.js';

/** The path of our Events API on `serve`, as on WorkOS's API. */
export const eventsApiPath = '/events';

/**
 * Our own `GET /events`, in WorkOS's Events API shape, over the events in the inbox: the official
 * SDK's `workos.events.listEvents(...)` pointed at `serve` reads it unchanged. The caller checks
 * the admin token. Bad parameters, and an `after` that is not an event in the inbox, answer 400
 * naming the field.
 */
export async function handleEventsRequest(
  source: MirrorSource,
  request: { method: string; query: Record<string, string | string[]> },
): Promise<{ status: number; body: unknown }> {
  if (request.method !== 'GET') {
    return {
      status: 405,
      body: httpErrorBody({
        status: 405,
        code: 'method_not_allowed',
        message: `${request.method} is not supported on ${eventsApiPath}: use GET`,
      }),
    };
  }
  try {
    const query = parseEventsQuery(request.query);
    return { status: 200, body: await runOnSource(source, (db) => listInboxEvents(db, query)) };
  } catch (error) {
    if (error instanceof EventsQueryError) {
      return {
        status: 400,
        body: httpErrorBody({
          status: 400,
          code: error.code,
          message: error.message,
          field: error.field,
          errors: [{ field: error.field, code: 'invalid' }],
        }),
      };
    }
    throw error;
  }
}
