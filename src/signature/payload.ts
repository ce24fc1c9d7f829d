import { SignatureVerificationException } from './errors.js';

/** What the SDK accepts as a payload; an object is `JSON.stringify`-ed, as the SDK does. */
export type WebhookPayload = string | Uint8Array | ArrayBuffer | object;

/**
 * Binary payloads, checked realm-agnostically exactly as the SDK does (`instanceof` fails for
 * buffers from another realm: workers, vm contexts).
 */
export function isBinaryPayload(payload: unknown): payload is ArrayBufferView | ArrayBuffer {
  return (
    ArrayBuffer.isView(payload) ||
    Object.prototype.toString.call(payload) === '[object ArrayBuffer]'
  );
}

/** The bytes of a binary payload, without copying. */
export function bytesOf(payload: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (ArrayBuffer.isView(payload)) {
    return payload instanceof Uint8Array
      ? payload
      : new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  }
  return new Uint8Array(payload);
}

/** How to get the raw body in each framework; part of the hints below. */
export const rawBodyRecipes =
  'Signatures are computed over the ' +
  'exact bytes WorkOS sent, and re-serializing parsed JSON changes them (key order, escapes, ' +
  'whitespace, numbers). Pass the raw body: in Express use ' +
  "`express.raw({ type: 'application/json' })` on the route and pass `req.body` (a Buffer), or " +
  '`express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })` and pass `req.rawBody`; ' +
  "in Fastify use `app.addContentTypeParser('application/json', { parseAs: 'buffer' }, " +
  '(_req, body, done) => done(null, body))` and pass `request.body`; in Next.js (App Router) ' +
  'pass `await req.text()`.';

/** Appended to the SDK's mismatch message when the payload was a parsed object. */
export const rawBodyHint = `The payload was a parsed object, not the raw request body. ${rawBodyRecipes}`;

/**
 * The signed text of a non-binary payload: strings as they are, anything else through
 * `JSON.stringify` (the SDK's legacy object path).
 * @throws SignatureVerificationException `signature_mismatch` with the raw-body recipes for
 * `undefined`/`null` (no body parser ran, or the wrong property was passed) and anything
 * JSON.stringify cannot serialize (functions, symbols): the SDK signs the text "undefined"
 * and reports a bare mismatch.
 */
export function textOfPayload(payload: unknown): { text: string; fromObject: boolean } {
  if (typeof payload === 'string') return { text: payload, fromObject: false };
  const text = payload === undefined || payload === null ? undefined : JSON.stringify(payload);
  if (text === undefined) {
    throw SignatureVerificationException.of(
      'signature_mismatch',
      `The payload was ${payload === null ? 'null' : typeof payload}: no body was read. ${rawBodyRecipes}`,
    );
  }
  return { text, fromObject: true };
}

/** The SDK's mismatch error, with the raw-body hint when the payload was an object. */
export function mismatch(fromObject: boolean): SignatureVerificationException {
  return SignatureVerificationException.of('signature_mismatch', fromObject ? rawBodyHint : '');
}
