import { pino } from 'pino';
import { systemClock } from '../../../src/clock.js';
import type { MirrorSource } from '../../../src/mirror/read/create-mirror.js';
import { startHttpServer } from '../../../src/server/http-server.js';
import { createMirrorHandler } from '../../../src/server/mirror-routes.js';
import { createRequestHandler } from '../../../src/server/request-handler.js';
import type { Store } from '../../../src/store/types.js';

export const adminToken = 'the_admin_token';

/**
 * The mirror behind `serve`'s own request handler (its route table, admin-token check and error
 * bodies) on a loopback port. These databases hold only the mirror's tables, so the inbox store
 * is one that fails loudly if a mirror read ever reaches it.
 */
export async function startMirrorServer(
  source: MirrorSource,
): Promise<{ port: number; close: () => Promise<void> }> {
  const noStore = new Proxy({} as Store, {
    get(_, key) {
      throw new Error(`the mirror read API used the inbox store (${String(key)})`);
    },
  });
  const http = await startHttpServer(
    { port: 0, host: '127.0.0.1', maxHeaderBytes: 16 * 1024, requestTimeoutMs: 60_000 },
    createRequestHandler({
      store: noStore,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      webhookPath: '/webhooks/workos',
      adminToken,
      production: false,
      trustProxy: false,
      allowIps: [],
      metrics: [],
      mirror: createMirrorHandler(source),
    }),
  );
  return { port: http.port, close: () => http.close(5000) };
}
