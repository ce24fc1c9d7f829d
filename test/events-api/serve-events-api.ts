import { WorkOS } from '@workos-inc/node';
import type { EventsApiOptions } from '../../src/events-api/handle-events-request.js';
import { createMirrorHandler } from '../../src/server/mirror-routes.js';
import type { RunningHttpServer } from '../../src/server/http-server.js';
import type { Store } from '../../src/store/types.js';
import { startServeRoutes } from '../helpers/serve-routes.js';

/**
 * Our Events API read a minute after now, past its hold-back (`defaults.eventsApiHoldBackMs`):
 * for tests about what a list holds, not about when the newest events appear in it
 * (test/events-api/hold-back.test.ts).
 */
export const readAMinuteLater: EventsApiOptions = { clock: { now: () => Date.now() + 60_000 } };

/**
 * `serve`'s routes over `store` (GET /events and the mirror's reads, behind `token`) on a loopback
 * port, and the official SDK pointed at them as a user would point it at `serve`.
 */
export async function serveEventsApi(
  store: Store,
  token: string,
  eventsApi: EventsApiOptions,
): Promise<{ http: RunningHttpServer; sdk: WorkOS }> {
  const http = await startServeRoutes(
    { store, adminToken: token, mirror: createMirrorHandler(store, eventsApi) },
    { maxHeaderBytes: 8192, requestTimeoutMs: 5000 },
  );
  const port = Number(new URL(http.url).port);
  return {
    http,
    sdk: new WorkOS(token, { apiHostname: '127.0.0.1', port, https: false, maxRetries: 0 }),
  };
}
