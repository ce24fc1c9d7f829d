import { checkTimestamp } from '../check-timestamp.js';
import { resolveToleranceMs } from '../options.js';
import type { WebhookSecret } from '../options.js';
import { parseSignatureHeader } from '../parse-header.js';
import type { SignatureHeaderInput } from '../parse-header.js';
import { bytesOf, isBinaryPayload, mismatch, textOfPayload } from '../payload.js';
import type { WebhookPayload } from '../payload.js';
import type { VerifiedSignature } from '../verified-signature.js';
import { importHmacKeys, signatureBytes, signedBytes } from './web-hmac.js';

/** The body a check ran over: the text or the bytes, and whether it came from a parsed object. */
export interface WebSignableBody {
  data: string | Uint8Array;
  fromObject: boolean;
}

export interface WebVerifiedBody extends VerifiedSignature {
  body: WebSignableBody;
}

function signableBody(payload: WebhookPayload): WebSignableBody {
  if (isBinaryPayload(payload)) return { data: bytesOf(payload), fromObject: false };
  const { text, fromObject } = textOfPayload(payload);
  return { data: text, fromObject };
}

/**
 * The same checks, in the same order, as the node:crypto `verifyWithKeys`; the comparison is
 * `crypto.subtle.verify`, which compares in constant time.
 */
export async function verifyWithCryptoKeys(
  keys: readonly CryptoKey[],
  payload: WebhookPayload,
  sigHeader: SignatureHeaderInput,
  toleranceMs: number,
  nowMs: number,
): Promise<WebVerifiedBody> {
  const { timestamp, signatures } = parseSignatureHeader(sigHeader);
  const timestampMs = checkTimestamp(timestamp, nowMs, toleranceMs);
  const body = signableBody(payload);

  const candidates: Uint8Array[] = [];
  for (const s of signatures) {
    const bytes = signatureBytes(s);
    if (bytes) candidates.push(bytes);
  }
  if (candidates.length > 0) {
    const data = signedBytes(timestamp, body.data) as BufferSource;
    for (let i = 0; i < keys.length; i++) {
      for (const candidate of candidates) {
        if (await crypto.subtle.verify('HMAC', keys[i]!, candidate as BufferSource, data)) {
          return { timestampMs, secretIndex: i, body };
        }
      }
    }
  }
  throw mismatch(body.fromObject);
}

/** Options of the Web Crypto `verifySignature`: the same as the node:crypto one. */
export interface WebVerifySignatureOptions {
  /** The raw body (string, Uint8Array, ArrayBuffer) or, for compatibility only, a parsed object. */
  payload: WebhookPayload;
  /** The `WorkOS-Signature` header (`request.headers.get('workos-signature')`). */
  sigHeader: SignatureHeaderInput;
  /** The endpoint secret, or several while rotating. */
  secret: WebhookSecret;
  /**
   * How far `t` may be from now, in either direction.
   * @defaultValue `defaults.toleranceMs.value`
   */
  toleranceMs?: number;
  /**
   * The current time in milliseconds since the epoch.
   * @defaultValue Date.now()
   */
  now?: number;
}

/**
 * Verifies a WorkOS webhook signature with Web Crypto.
 * @throws (rejects with) SignatureVerificationException with a `code` saying which check failed.
 */
export async function verifySignature(
  options: WebVerifySignatureOptions,
): Promise<VerifiedSignature> {
  const toleranceMs = resolveToleranceMs(options.toleranceMs);
  const keys = await importHmacKeys(options.secret);
  const { timestampMs, secretIndex } = await verifyWithCryptoKeys(
    keys,
    options.payload,
    options.sigHeader,
    toleranceMs,
    options.now ?? Date.now(),
  );
  return { timestampMs, secretIndex };
}
