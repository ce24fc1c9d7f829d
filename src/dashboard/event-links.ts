import { dashboardBase } from './layout.js';

/**
 * Ids that cannot be any path segment: `.` and `..` (and their `%2e` spellings) are dot segments
 * the browser's URL parser removes, so `/events/..` would open the overview; an empty id leaves no
 * segment.
 */
export const dotSegmentIds: ReadonlySet<string> = new Set(['', '.', '..']);

/**
 * Ids that cannot be an event's path segment: {@link dotSegmentIds}, and `stream`, the events
 * list's live stream (`/events/stream`, matched before `/events/:id`). The test checks that every
 * literal segment after `/events/` in dashboardRoutes is here.
 */
export const idsNotAPathSegment: ReadonlySet<string> = new Set([...dotSegmentIds, 'stream']);

/**
 * The one place event links are made: `/dashboard/events/<id>` (then `/replay` or `/stream`) for
 * an id that can be a path segment, else `/dashboard/event` (then `/replay` or `/stream`) with the
 * id in the query string, which no id can make ambiguous.
 */
export function eventHref(id: string, part?: 'replay' | 'stream'): string {
  const tail = part ? `/${part}` : '';
  return idsNotAPathSegment.has(id)
    ? `${dashboardBase}/event${tail}?id=${encodeURIComponent(id)}`
    : `${dashboardBase}/events/${encodeURIComponent(id)}${tail}`;
}
