import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Receiver } from '../create-receiver.js';
import { handleNodeRequest, sendNodeResponse } from './node.js';

/** The parts of an Express request the adapter reads (structural: express stays optional). */
export type ExpressLikeRequest = IncomingMessage & {
  body?: unknown;
  rawBody?: unknown;
  _body?: boolean;
};

export type ExpressLikeHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/**
 * Keep the raw bytes when a global `express.json()` parses the body first:
 * `app.use(express.json({ verify: captureRawBody }))`. The signature covers the exact bytes,
 * which re-serializing `req.body` does not reproduce.
 */
export function captureRawBody(req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  (req as ExpressLikeRequest).rawBody = buf;
}

const consumedMessage =
  'The request body was already read by another middleware (e.g. app.use(express.json())) and its raw bytes were not kept, ' +
  'so the WorkOS signature cannot be checked. Fix: app.use(express.json({ verify: captureRawBody })) with captureRawBody ' +
  "from 'workos-inbox', or mount the webhook route before express.json().";

/** `app.post('/webhooks/workos', inbox.express())`. */
export function createExpressHandler(receiver: Receiver): ExpressLikeHandler {
  return (rawReq, res, next) => {
    const req = rawReq as ExpressLikeRequest;
    const method = req.method ?? 'GET';
    let raw: Uint8Array | undefined;
    if (req.rawBody instanceof Uint8Array) raw = req.rawBody;
    // A `verify` that kept `buf.toString()` (the common Stripe-style recipe): WorkOS sends UTF-8
    // JSON, which re-encodes to the same bytes.
    else if (typeof req.rawBody === 'string') raw = Buffer.from(req.rawBody, 'utf8');
    else if (req.body instanceof Uint8Array)
      raw = req.body; // express.raw()
    else if (typeof req.body === 'string' && (req._body === true || req.readableEnded))
      // express.text(): Express 4's body-parser marks `_body`; Express 5's leaves the stream ended.
      raw = Buffer.from(req.body, 'utf8');

    if (raw === undefined && method === 'POST' && (req._body === true || req.readableEnded)) {
      sendNodeResponse(res, receiver.bodyUnavailable(consumedMessage));
      return;
    }
    const done =
      raw === undefined
        ? handleNodeRequest(receiver, req, res)
        : receiver
            .handle({ method, headers: req.headers, body: raw })
            .then((response) => sendNodeResponse(res, response));
    done.catch((error: unknown) => {
      if (next) next(error);
      else res.destroy();
    });
  };
}
