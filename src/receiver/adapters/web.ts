import { bodyTooLarge, declaredLengthExceeds } from '../body.js';
import type { Receiver } from '../create-receiver.js';
import { defaults } from '../../defaults.js';
import { retryAfterHeader, storeUnavailableResponse } from '../responses.js';
import type { ReceiverResponse } from '../responses.js';

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
    // Read before us (a validator or a logging middleware calling `c.req.json()`): the exact
    // bytes are gone, and reading again would throw "ReadableStream is locked".
    if (method === 'POST' && (request.bodyUsed || request.body?.locked === true)) {
      return answer(receiver.bodyUnavailable(consumedMessage));
    }
    const body =
      method === 'POST' ? await readWebBody(request, receiver.maxBodyBytes) : new Uint8Array(0);
    return answer(await receiver.handle({ method, headers: request.headers, body }));
  };
}

function answer(response: ReceiverResponse): Response {
  return new Response(response.body, { status: response.status, headers: response.headers });
}

/**
 * What `inbox.fetch` answers while the database is unavailable (503 `store_unavailable` with
 * `Retry-After`), for a route whose inbox could not be opened: `createInbox` failed, so there is
 * no `inbox.fetch` to ask (a Next.js route that throws answers 500 with an empty body).
 */
export function inboxUnavailableResponse(options: { retryAfterSeconds?: number } = {}): Response {
  return answer(
    storeUnavailableResponse(
      retryAfterHeader(options.retryAfterSeconds ?? defaults.retryAfterSeconds.value),
    ),
  );
}

const consumedMessage =
  'The request body was already read (by a validator, a logging middleware or a call to ' +
  'request.json() / c.req.json()), so the WorkOS signature cannot be checked. Fix: pass the ' +
  'untouched request to inbox.fetch before anything reads it (Hono: inbox.fetch(c.req.raw) in ' +
  'a route with no body validator), or pass request.clone() to whatever reads it first.';
