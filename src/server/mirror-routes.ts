import { handleEventsRequest } from '../events-api/handle-events-request.js';
import { handleMirrorRequest } from '../mirror/http/handle-mirror-request.js';
import type { Store } from '../store/types.js';
import type { MirrorHandler } from './request-handler.js';

/** The mirror's WorkOS-compatible read API and our Events API (the caller checks the admin token first). */
export function createMirrorHandler(store: Store): MirrorHandler {
  return async (request) =>
    request.path === '/events'
      ? handleEventsRequest(store, request)
      : ((await handleMirrorRequest(store, request)) ?? undefined);
}
