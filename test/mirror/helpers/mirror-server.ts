import type { MirrorSource } from '../../../src/mirror/read/create-mirror.js';
import { createMirrorHandler } from '../../../src/server/mirror-routes.js';
import type { Store } from '../../../src/store/types.js';
import { startServeRoutes } from '../../helpers/serve-routes.js';

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
  const http = await startServeRoutes(
    {
      store: noStore,
      webhookPath: '/webhooks/workos',
      adminToken,
      mirror: createMirrorHandler(source),
    },
    { maxHeaderBytes: 16 * 1024, requestTimeoutMs: 60_000 },
  );
  return { port: http.port, close: () => http.close(5000) };
}
