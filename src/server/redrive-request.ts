import { eventStatuses } from '../store/types.js';
import type { EventFilter } from '../store/types.js';
import { FilterError, parseEventFilter } from './event-filter.js';

const fields = ['status', 'event', 'since'] as const;

/**
 * The filter of `POST /inbox/redrive`, from a JSON object body and the query string. Anything
 * unexpected (a body that is not an object, a field that is not a string, an unknown field) is
 * refused naming the field: dropping it would widen the filter and redrive every dead event.
 */
export function parseRedriveRequest(body: string, query: URLSearchParams, now: Date): EventFilter {
  let fromBody: Record<string, unknown> = {};
  if (body.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new FilterError('the body is not valid JSON', 'body');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new FilterError(
        `the body must be a JSON object such as {"event":"dsync.user.created"}, got ${JSON.stringify(parsed)}`,
        'body',
      );
    }
    fromBody = parsed as Record<string, unknown>;
  }
  const known = new Set<string>(fields);
  for (const key of [...Object.keys(fromBody), ...query.keys()]) {
    if (!known.has(key)) {
      throw new FilterError(`unknown field "${key}"; use ${fields.join(', ')}`, key);
    }
  }
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
  return parseEventFilter({ status, event: pick('event'), since: pick('since') }, now);
}
