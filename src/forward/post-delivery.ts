import http from 'node:http';
import https from 'node:https';

/** What one POST came to: an HTTP status, or an error before one arrived. */
export type PostResult = { statusCode: number; error: null } | { statusCode: null; error: string };

export interface PostRequest {
  url: URL;
  body: Buffer;
  headers: Record<string, string>;
  /** The whole attempt, connection to the end of the answer. */
  timeoutMs: number;
}

/** A keep-alive agent per destination, so deliveries reuse connections. */
export function createAgent(url: URL, maxSockets: number): http.Agent {
  const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
  return url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}

/**
 * POST the body as is. Never rejects: a timeout, a refused connection or a reset is a result.
 * The answer's body is read and dropped (the connection can then be reused), up to the timeout.
 */
export function postDelivery(agent: http.Agent, request: PostRequest): Promise<PostResult> {
  const { url } = request;
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = send(url, {
      method: 'POST',
      agent,
      headers: { ...request.headers, 'content-length': String(request.body.length) },
    });
    const timer = setTimeout(() => {
      finish({ statusCode: null, error: `timed out after ${request.timeoutMs} ms` });
      req.destroy();
    }, request.timeoutMs);
    req.on('response', (res) => {
      res.on('data', () => {});
      res.on('end', () => finish({ statusCode: res.statusCode ?? 0, error: null }));
      res.on('error', (error) => finish({ statusCode: null, error: describe(error) }));
    });
    req.on('error', (error) => finish({ statusCode: null, error: describe(error) }));
    req.end(request.body);
  });
}

function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
