import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleMirrorRequest } from '../../../src/mirror/http/handle-mirror-request.js';
import type { MirrorSource } from '../../../src/mirror/read/create-mirror.js';

export const adminToken = 'the_admin_token';

/**
 * The mirror's handler behind a bearer check on a loopback port, as the `serve` process mounts it.
 */
export async function startMirrorServer(
  source: MirrorSource,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_test' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${adminToken}`) {
      send(401, { message: 'Unauthorized' });
      return;
    }
    handleMirrorRequest(source, {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
    })
      .then((answer) =>
        answer ? send(answer.status, answer.body) : send(404, { message: 'Not Found' }),
      )
      .catch((error: unknown) => send(500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
