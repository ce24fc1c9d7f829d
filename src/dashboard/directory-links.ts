import { dotSegmentIds } from './event-links.js';
import { dashboardBase } from './layout.js';

/** What a directory page shows: a directory, a directory user or a directory group. */
export type DirectoryObjectKind = 'directory' | 'user' | 'group';

const base = `${dashboardBase}/directory`;
const pathOf: Record<DirectoryObjectKind, string> = {
  directory: base,
  user: `${base}/users`,
  group: `${base}/groups`,
};

/**
 * The one place links to a directory, user or group page are made: `/dashboard/directory/<id>`,
 * `…/directory/users/<id>` or `…/directory/groups/<id>` for an id that can be a path segment,
 * else the directory index with the id in the query string (`?directory=`, `?user=`, `?group=`),
 * which no id can make ambiguous. An id equal to a route's literal segment (a directory `users`)
 * needs no query: each page's path has a number of segments of its own (the test checks both).
 */
export function directoryHref(kind: DirectoryObjectKind, id: string): string {
  return dotSegmentIds.has(id)
    ? `${base}?${kind}=${encodeURIComponent(id)}`
    : `${pathOf[kind]}/${encodeURIComponent(id)}`;
}
