import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyTooLarge, declaredLengthExceeds } from '../body.js';
import type { Receiver } from '../create-receiver.js';
import type { ReceiverResponse } from '../responses.js';

/** Write a core response to a node:http response. */
export function sendNodeResponse(res: ServerResponse, response: ReceiverResponse): void {
  // With a length, node:http sends headers and body in one write instead of chunked encoding.
  res.writeHead(response.status, {
    ...response.headers,
    'content-length': Buffer.byteLength(response.body),
  });
  res.end(response.body);
}

/** Read the body of a node:http request, keeping nothing past `maxBytes`. */
export function readNodeBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<Uint8Array | typeof bodyTooLarge> {
  if (declaredLengthExceeds(req.headers['content-length'], maxBytes))
    return Promise.resolve(bodyTooLarge);
  // Plain listeners rather than `for await`: this runs for every request, and the async iterator
  // costs a promise per chunk.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        cleanup();
        req.pause();
        resolve(bodyTooLarge);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      if (!req.complete) onError(new Error('the client closed the connection mid-body'));
    };
    function cleanup(): void {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * A node:http `(req, res)` listener: `http.createServer(inbox.node())`, or mount it on a route of
 * any framework that exposes the untouched request stream.
 */
export function createNodeHandler(
  receiver: Receiver,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handleNodeRequest(receiver, req, res);
  };
}

/** The same as the listener, as a promise that settles once the answer was written. */
export async function handleNodeRequest(
  receiver: Receiver,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  let body: Uint8Array | typeof bodyTooLarge = new Uint8Array(0);
  let discarded = true;
  if (method === 'POST') {
    try {
      body = await readNodeBody(req, receiver.maxBodyBytes);
    } catch {
      // The client went away mid-body: nothing to answer, nothing stored.
      if (!res.headersSent) res.destroy();
      return;
    }
    if (body === bodyTooLarge) discarded = await discardRest(req, receiver.discardOversize);
  }
  const response = await receiver.handle({ method, headers: req.headers, body });
  if (!discarded) {
    // The rest of the body is still on the socket: close it once the answer is out.
    res.once('finish', () => req.destroy());
  }
  sendNodeResponse(res, response);
}

/**
 * Read and throw away the rest of an oversized body, within the bounds, so the 413 reaches a
 * client that is still uploading. Resolves `true` when the body ended, `false` when a bound was
 * hit or the client went away.
 */
export function discardRest(
  req: IncomingMessage,
  bounds: { maxBytes: number; maxMs: number },
): Promise<boolean> {
  if (req.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let seen = 0;
    const timer = setTimeout(() => finish(false), bounds.maxMs);
    const onData = (chunk: Buffer): void => {
      seen += chunk.byteLength;
      if (seen > bounds.maxBytes) finish(false);
    };
    const onEnd = (): void => finish(true);
    const onGone = (): void => finish(false);
    function finish(ended: boolean): void {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onGone);
      if (!ended) req.pause();
      resolve(ended);
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onGone);
    req.resume();
  });
}
