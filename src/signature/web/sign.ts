import { bytesOf, isBinaryPayload } from '../payload.js';
import type { WebhookPayload } from '../payload.js';
import { hmacHex, importHmacKeys, signedBytes } from './web-hmac.js';

/** Lowercase hex HMAC-SHA256 of `${timestamp}.${payload}` with Web Crypto (objects through JSON.stringify). */
export async function computeSignature(
  timestamp: number | string,
  payload: WebhookPayload,
  secret: string,
): Promise<string> {
  const [key] = await importHmacKeys(secret);
  const body = isBinaryPayload(payload)
    ? bytesOf(payload)
    : typeof payload === 'string'
      ? payload
      : String(JSON.stringify(payload));
  return hmacHex(key!, signedBytes(String(timestamp), body));
}

/** The `WorkOS-Signature` header value for a body: `t=<ms>, v1=<hex>`, one `v1` per secret. */
export async function signatureHeader(
  body: string | Uint8Array,
  secret: string | readonly string[],
  timestampMs: number = Date.now(),
): Promise<string> {
  const keys = await importHmacKeys(secret);
  const data = signedBytes(String(timestampMs), body);
  const parts = await Promise.all(keys.map(async (k) => `v1=${await hmacHex(k, data)}`));
  return [`t=${timestampMs}`, ...parts].join(', ');
}
