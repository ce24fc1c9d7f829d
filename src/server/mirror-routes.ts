import { eventsApiPath, handleEventsRequest } from '../events-api/handle-events-request.js';
import type { EventsApiOptions } from '../events-api/handle-events-request.js';
import { handleMirrorRequest, isMirrorPath } from '../mirror/http/handle-mirror-request.js';
import type { MirrorSource } from '../mirror/read/create-mirror.js';
import { dashboardBase } from '../dashboard/layout.js';
import type { MirrorHandler } from './request-handler.js';

/**
 * Whether `path` belongs to the web dashboard: `/` (which redirects to it) and everything under
 * `/dashboard`. The dashboard checks its own session; the paths are stated here with the others.
 */
export function isDashboardPath(path: string): boolean {
  return path === '/' || path === dashboardBase || path.startsWith(`${dashboardBase}/`);
}

/**
 * Whether `path` is one of serve's WorkOS-compatible read routes behind the admin token: the
 * mirror's (its own route table) or our Events API's. The request handler asks this, so the
 * routes are stated once.
 */
export function isReadApiPath(path: string): boolean {
  return path === eventsApiPath || isMirrorPath(path);
}

/**
 * The mirror's WorkOS-compatible read API and our Events API over the inbox's events (the caller
 * checks the admin token first).
 */
export function createMirrorHandler(
  source: MirrorSource,
  eventsApi: EventsApiOptions = {},
): MirrorHandler {
  return async (request) =>
    request.path === eventsApiPath
      ? handleEventsRequest(source, request, eventsApi)
      : ((await handleMirrorRequest(source, request)) ?? undefined);
}
