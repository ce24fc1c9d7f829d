import { WorkOS } from '@workos-inc/node';
import type { EventsApiOptions } from '../../src/events-api/handle-events-request.js';
import { createMirrorHandler } from '../../src/server/mirror-routes.js';
import type { RunningHttpServer } from '../../src/server/http-server.js';
import type { Store } from '../../src/store/types.js';
import { startServeRoutes } from '../helpers/serve-routes.js';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { Puller } from '../../src/pull/puller.js';
import type { WireEvent } from '../../src/workos-api/event-list.js';
import { WorkosApiClient } from '../../src/workos-api/workos-api-client.js';
import { createBackend, type BackendKind } from '../inbox/helpers/backends.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';

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

/**
 * `events` served twice to the official SDK: by the stand-in WorkOS API, and by `serve`'s
 * GET /events after a puller caught up from that stand-in into a fresh inbox on `backend`. For
 * tests that compare our Events API with WorkOS's on the same events. `close` ends it all.
 */
export async function pulledEventsApi(
  backend: BackendKind,
  databasePrefix: string,
  events: WireEvent[],
  token: string,
) {
  const api = await startWorkosApiStandIn();
  api.events = events;
  const db = await createBackend(backend, databasePrefix);
  const inbox = await createInbox({ database: db.database, secret: 'whsec_x' });
  const client = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });
  await new Puller({ store: inbox.store, client, since: '2020-01-01T00:00:00Z' }).catchUp();
  const { http, sdk: fromServe } = await serveEventsApi(inbox.store, token, readAMinuteLater);
  const fromWorkos = new WorkOS(api.apiKey, {
    apiHostname: '127.0.0.1',
    port: api.port,
    https: false,
    maxRetries: 0,
  });
  return {
    api,
    inbox,
    http,
    fromServe,
    fromWorkos,
    close: async () => {
      await http.close(1000);
      await inbox.close();
      await db.cleanup();
      await api.close();
    },
  };
}
