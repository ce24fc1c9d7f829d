import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import { securityHeaders } from './http-helpers.js';

/** How often an open page's view is read again (status changes do not wake the store). */
export const livePollMs = 1000;
const keepAliveMs = 15_000;

/**
 * Keeps an open page current over server-sent events. `snapshot` renders the page's live parts
 * as element id → HTML; whenever one changes (after an append wakes the store, or on the next
 * poll) the new HTML is sent as `{ id, html }`, and the page's script replaces that element or,
 * when it is new, inserts it at the top of its list. On connect every part is sent once, so
 * nothing that changed between the page's render and the connection is missed.
 */
export function streamLive(
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    store: Store;
    logger: Logger;
    snapshot: () => Promise<ReadonlyArray<[string, string]>>;
    /** Open streams, so that shutting down can end them instead of waiting for the browser. */
    open: Set<() => void>;
  },
): void {
  res.writeHead(200, {
    ...securityHeaders,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  // HEAD: the headers, then the end (the stream would never end, and a HEAD has no body).
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.write(': connected\n\n');
  // Everything is sent once on connect: what changed between the page's render and now too.
  const sent = new Map<string, string>();
  let running = false;
  let again = false;
  let closed = false;
  const refresh = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const entries = await options.snapshot();
        if (closed) return;
        // Oldest first, so that each newly inserted row ends up above the previous one.
        for (const [id, html] of [...entries].reverse()) {
          if (sent.get(id) === html) continue;
          sent.set(id, html);
          res.write(`data: ${JSON.stringify({ id, html })}\n\n`);
        }
      } while (again && !closed);
    } catch (error) {
      options.logger.warn({ err: error }, 'dashboard live update failed');
    } finally {
      running = false;
    }
  };
  void refresh();
  const unsubscribe = options.store.onWake(() => void refresh());
  const poll = setInterval(() => void refresh(), livePollMs);
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs);
  poll.unref();
  keepAlive.unref();
  const stop = () => {
    closed = true;
    options.open.delete(end);
    unsubscribe();
    clearInterval(poll);
    clearInterval(keepAlive);
  };
  const end = () => {
    stop();
    res.end();
  };
  options.open.add(end);
  req.on('close', stop);
  res.on('close', stop);
}
