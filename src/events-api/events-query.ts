import { defaults } from '../defaults.js';
import { isoInstantMs } from '../pull/parse-since.js';
import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import { limits } from '../limits.js';
import { didYouMean } from '../errors/close-matches.js';
import { listOrderOf, listOrderValues } from '../mirror/read/paginate.js';
import { firstUnknown, unknownNameMessage } from '../server/request-fields.js';

/** A query parameter of our `GET /events` is invalid; `field` names it. Answered 422, as WorkOS does. */
export class EventsQueryError extends WorkosInboxError {
  override readonly name = 'EventsQueryError';
  readonly code = 'invalid_request_parameters';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** `GET /events`'s parameters, checked. */
export interface EventsQuery {
  events: string[];
  organizationId: string | undefined;
  rangeStartMs: number | undefined;
  rangeEndMs: number | undefined;
  after: string | undefined;
  limit: number;
  order: 'asc' | 'desc';
}

type RawQuery = Record<string, string | string[]>;

function single(query: RawQuery, field: string): string | undefined {
  const value = query[field];
  if (Array.isArray(value)) throw new EventsQueryError(field, 'give it once');
  return value === '' ? undefined : value;
}

function time(query: RawQuery, field: string): number | undefined {
  const value = single(query, field);
  if (value === undefined) return undefined;
  // Strictly: `Date.parse` would take `2026-02-30` as March 2nd, and `0` or `2026` as a year.
  const ms = isoInstantMs(value);
  if (Number.isNaN(ms)) throw new EventsQueryError(field, `"${value}" is not an ISO-8601 date`);
  return ms;
}

/**
 * Every parameter `GET /events` takes: what the official SDK's `listEvents` sends (11.0.0:
 * `events`, `organization_id`, `range_start`, `range_end`, `limit`, `after`, `order`) and the
 * bracketed `events[]` other clients send.
 */
export const eventsQueryParams = [
  'events',
  'events[]',
  'organization_id',
  'range_start',
  'range_end',
  'after',
  'limit',
  'order',
] as const;

/**
 * Any other parameter is refused, not ignored: a misspelt filter (`organisation_id`) would widen
 * the list to every event, and `before` would answer the first page again, which a client paging
 * backwards takes for the page it asked for. `before` gets its own reason: WorkOS's List events
 * pages forward only (its SDK sends no `before`), and so does ours.
 */
function refuseUnknownParams(query: RawQuery): void {
  const unknown = firstUnknown(Object.keys(query), eventsQueryParams);
  if (unknown === undefined) return;
  if (unknown === 'before') {
    throw new EventsQueryError(
      'before',
      'not supported: the Events API pages forward only, with after (the list_metadata.after of the page before); to read the other way, use order=asc or order=desc',
    );
  }
  const named = [...eventsQueryParams];
  throw new EventsQueryError(
    unknown,
    `${unknownNameMessage(unknown, named, 'query parameter')}.${didYouMean(unknown, named, 3)}`,
  );
}

/**
 * The parameters WorkOS's `GET /events` takes, in every form clients send: `events=a,b` (the
 * official SDK), `events=a&events=b`, `events[]=a`. Limit 1–100, default `defaults.listPageLimit`; order default `desc`
 * (`normal` too is `desc`, see {@link listOrderOf}).
 * Any other parameter is refused (see {@link refuseUnknownParams}).
 */
export function parseEventsQuery(query: RawQuery): EventsQuery {
  refuseUnknownParams(query);
  const names = [query.events ?? [], query['events[]'] ?? []]
    .flat()
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const badName = names.find((n) => !/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/.test(n));
  if (badName !== undefined)
    throw new EventsQueryError('events', `"${badName}" is not an event name`);
  const limitText = single(query, 'limit');
  const limit = limitText === undefined ? defaults.listPageLimit.value : Number(limitText);
  if (!/^\d+$/.test(limitText ?? String(limit)) || limit < 1 || limit > limits.workosListPage) {
    throw new EventsQueryError(
      'limit',
      `must be an integer between 1 and ${limits.workosListPage}`,
    );
  }
  const order = listOrderOf(single(query, 'order') ?? defaults.listOrder.value);
  if (order === undefined)
    throw new EventsQueryError('order', `must be ${listOrderValues.join(', ')} (normal is desc)`);
  const after = single(query, 'after');
  const rangeStartMs = time(query, 'range_start');
  if (after !== undefined && rangeStartMs !== undefined) {
    throw new EventsQueryError('after', 'cannot be used together with range_start');
  }
  return {
    events: [...new Set(names)],
    organizationId: single(query, 'organization_id'),
    rangeStartMs,
    rangeEndMs: time(query, 'range_end'),
    after,
    limit,
    order,
  };
}
