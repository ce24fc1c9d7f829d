import type { IncomingMessage } from 'node:http';
import { WorkosInboxError } from '../errors/workos-inbox-error.js';

/** An admin request body above the limit. */
export class BodyTooLargeError extends WorkosInboxError {
  override readonly name = 'BodyTooLargeError';
  override readonly code = 'body_too_large';

  constructor(maxBytes: number) {
    super(`the request body is larger than ${maxBytes} bytes`);
  }
}

/** The admin API's small JSON bodies; anything larger is a mistake or an attack. */
export async function readSmallBody(req: IncomingMessage, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
