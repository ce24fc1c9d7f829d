import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { securityHeaders } from './http-helpers.js';

/**
 * The dashboard's two static files, built into dist/dashboard by `npm run build` (the client
 * compiled by tsc, the stylesheet copied) and shipped in the package: nothing is fetched from
 * another host.
 */
const files: Record<string, { url: URL; type: string }> = {
  'dashboard.css': {
    url: new URL('./assets/dashboard.css', import.meta.url),
    type: 'text/css; charset=utf-8',
  },
  'dashboard-client.js': {
    url: new URL('./client/dashboard-client.js', import.meta.url),
    type: 'text/javascript; charset=utf-8',
  },
};

const cache = new Map<string, Buffer>();

/** Serve `name` if it is one of the assets; false otherwise. */
export async function sendAsset(res: ServerResponse, name: string): Promise<boolean> {
  const file = files[name];
  if (!file) return false;
  let body = cache.get(name);
  if (!body) {
    body = await readFile(fileURLToPath(file.url));
    cache.set(name, body);
  }
  res.writeHead(200, {
    ...securityHeaders,
    'content-type': file.type,
    'content-length': body.length,
    'cache-control': 'no-cache',
  });
  res.end(body);
  return true;
}
