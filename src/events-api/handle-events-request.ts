import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { defaults } from '../defaults.js';
import { httpErrorBody, invalidParameterAnswer } from '../errors/http-error-body.js';
import { runOnSource } from '../mirror/read/create-mirror.js';
import type { MirrorSource } from '../mirror/read/create-mirror.js';
import { EventsQueryError, parseEventsQuery } from './events-query.js';
import { listInboxEvents } from './list-inbox-events.js';

/** Options of our Events API (`serve` passes its configuration). */
export interface EventsApiOptions {
  /**
   * Ascending reads list only events received at least this long ago (0: all).
   * @defaultValue `defaults.eventsApiHoldBackMs.value`
   */
  holdBackMs?: number;
  clock?: Clock;
}

/** The path of our Events API on `serve`, as on WorkOS's API. */
export const eventsApiPath = '/events';

/**
 * Our own `GET /events`, in WorkOS's Events API shape, over the events in the inbox: the official
 * SDK's `workos.events.listEvents(...)` pointed at `serve` reads it unchanged. The caller checks
 * the admin token. Bad parameters, and an `after` that is not an event in the inbox, answer 422
 * naming the field, as WorkOS does (the SDK raises `UnprocessableEntityException`).
 */
export async function handleEventsRequest(
  source: MirrorSource,
  request: { method: string; query: Record<string, string | string[]> },
  options: EventsApiOptions = {},
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
    const holdBackMs = options.holdBackMs ?? defaults.eventsApiHoldBackMs.value;
    const heldBackFrom =
      holdBackMs > 0 ? new Date((options.clock ?? systemClock).now() - holdBackMs) : undefined;
    return {
      status: 200,
      body: await runOnSource(source, (db) => listInboxEvents(db, query, heldBackFrom)),
    };
  } catch (error) {
    if (error instanceof EventsQueryError)
      return invalidParameterAnswer(error.field, error.message);
    throw error;
  }
}
