import { eventStatuses } from '../store/types.js';
import type { EventFilter } from '../store/types.js';
import { FilterError, checkRedriveFilter, parseEventFilter } from './event-filter.js';
import { parseJsonObjectBody, refuseUnknown } from './request-fields.js';

const fields = ['status', 'event', 'since'] as const;

/**
 * The filter of `POST /inbox/redrive`, from a JSON object body and the query string. Anything
 * unexpected (a body that is not an object, a field that is not a string, an unknown field) is
 * refused naming the field: dropping it would widen the filter and redrive every dead event.
 */
export function parseRedriveRequest(body: string, query: URLSearchParams, now: Date): EventFilter {
  const fromBody = parseJsonObjectBody(body, '{"event":"dsync.user.created"}', filterError);
  refuseUnknown([...Object.keys(fromBody), ...query.keys()], fields, filterError);
  const pick = (key: (typeof fields)[number]): string | undefined => {
    const value = key in fromBody ? fromBody[key] : (query.get(key) ?? undefined);
    if (value !== undefined && typeof value !== 'string') {
      throw new FilterError(`"${key}" must be a string, got ${JSON.stringify(value)}`, key);
    }
    return value;
  };
  const status = pick('status') ?? 'dead';
  if (status === '')
    throw new FilterError(`"status" must be one of ${eventStatuses.join(', ')}`, 'status');
  return checkRedriveFilter(
    parseEventFilter({ status, event: pick('event'), since: pick('since') }, now),
  );
}

const filterError = (message: string, field: string) => new FilterError(message, field);
