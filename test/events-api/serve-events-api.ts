import { WorkOS } from '@workos-inc/node';
import { createMirrorHandler } from '../../src/server/mirror-routes.js';
import type { RunningHttpServer } from '../../src/server/http-server.js';
import type { Store } from '../../src/store/types.js';
import { startServeRoutes } from '../helpers/serve-routes.js';

/**
 * `serve`'s routes over `store` (GET /events and the mirror's reads, behind `token`) on a loopback
 * port, and the official SDK pointed at them as a user would point it at `serve`.
 */
export async function serveEventsApi(
  store: Store,
  token: string,
): Promise<{ http: RunningHttpServer; sdk: WorkOS }> {
  const http = await startServeRoutes(
    { store, adminToken: token, mirror: createMirrorHandler(store) },
    { maxHeaderBytes: 8192, requestTimeoutMs: 5000 },
  );
  const port = Number(new URL(http.url).port);
  return {
    http,
    sdk: new WorkOS(token, { apiHostname: '127.0.0.1', port, https: false, maxRetries: 0 }),
  };
}
