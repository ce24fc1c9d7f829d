import { bodyTooLarge, declaredLengthExceeds } from '../body.js';
import type { Receiver } from '../create-receiver.js';

async function readWebBody(
  request: Request,
  maxBytes: number,
): Promise<Uint8Array | typeof bodyTooLarge> {
  if (declaredLengthExceeds(request.headers.get('content-length'), maxBytes)) return bodyTooLarge;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return bodyTooLarge;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/**
 * A Fetch-style handler, `Request → Response`: Hono (`app.post(path, (c) => inbox.fetch(c.req.raw))`),
 * Next.js route handlers (`export const POST = inbox.fetch`), Bun, Deno.
 */
export function createWebHandler(receiver: Receiver): (request: Request) => Promise<Response> {
  return async (request) => {
    const method = request.method;
    const body =
      method === 'POST' ? await readWebBody(request, receiver.maxBodyBytes) : new Uint8Array(0);
    const response = await receiver.handle({ method, headers: request.headers, body });
    return new Response(response.body, { status: response.status, headers: response.headers });
  };
}
