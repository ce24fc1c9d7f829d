import { defaults } from '../defaults.js';

/** Marks a body that exceeded the limit; adapters stop reading and pass this instead of bytes. */
export const bodyTooLarge: unique symbol = Symbol.for('workos-inbox.body-too-large');
export type BodyTooLarge = typeof bodyTooLarge;

/** 1 MiB: WorkOS events are a few KiB; a directory user with many custom attributes stays far below. */
export const defaultMaxBodyBytes = defaults.maxBodyBytes.value;

/**
 * After an oversized body, how much more of it a node:http adapter reads and throws away before
 * answering 413, so the client has finished sending and reads the answer (closing mid-upload makes
 * most clients report ECONNRESET / EPIPE instead of the status). Beyond either bound the
 * connection is cut.
 */
export const defaultDiscardOversizeMaxBytes = defaults.discardOversizeMaxBytes.value;
export const defaultDiscardOversizeMaxMs = defaults.discardOversizeMaxMs.value;

/**
 * Read a byte stream up to `maxBytes`. Returns `bodyTooLarge` as soon as the limit is exceeded,
 * without reading the rest (the caller answers 413 and closes the connection).
 */
export async function readBodyWithLimit(
  stream: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
): Promise<Uint8Array | BodyTooLarge> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    total += bytes.byteLength;
    if (total > maxBytes) return bodyTooLarge;
    chunks.push(bytes);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  return Buffer.concat(chunks, total);
}

/** A declared `Content-Length` above the limit lets adapters answer 413 without reading at all. */
export function declaredLengthExceeds(
  contentLength: string | null | undefined,
  maxBytes: number,
): boolean {
  if (!contentLength) return false;
  const n = Number(contentLength);
  return Number.isFinite(n) && n > maxBytes;
}
