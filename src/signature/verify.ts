import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { checkTimestamp } from './check-timestamp.js';
import type { TimestampCheck } from './check-timestamp.js';
import { resolveSecrets, resolveToleranceMs } from './options.js';
import type { WebhookSecret } from './options.js';
import { parseSignatureHeader } from './parse-header.js';
import type { SignatureHeaderInput } from './parse-header.js';
import { bytesOf, isBinaryPayload, mismatch, textOfPayload } from './payload.js';
import type { WebhookPayload } from './payload.js';
import type { VerifiedSignature } from './verified-signature.js';

const lowerHex64 = /^[0-9a-f]{64}$/;

/** A payload ready to HMAC: raw bytes or text, and whether it came from a parsed object. */
export interface SignableBody {
  data: string | Buffer;
  fromObject: boolean;
}

/**
 * Binary payloads are HMACed as the bytes received, never decoded: this is byte-exact and
 * avoids a decode/encode per request. It equals the SDK (which decodes as UTF-8 with
 * `ignoreBOM: true` and re-encodes) for every valid UTF-8 body; see docs/verification.md for
 * the one difference (invalid UTF-8).
 */
export function signableBody(payload: WebhookPayload): SignableBody {
  if (isBinaryPayload(payload)) {
    const bytes = bytesOf(payload);
    return {
      data: Buffer.isBuffer(bytes)
        ? bytes
        : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      fromObject: false,
    };
  }
  const { text, fromObject } = textOfPayload(payload);
  return { data: text, fromObject };
}

/** Secrets as HMAC keys, made once: a KeyObject spares re-deriving the key from a string per call. */
export function hmacKeys(secret: WebhookSecret | undefined | null): readonly KeyObject[] {
  return resolveSecrets(secret).map((s) => createSecretKey(Buffer.from(s, 'utf8')));
}

/** A successful check, with the body it was computed over (so callers parse the same bytes). */
export interface VerifiedBody extends VerifiedSignature {
  body: SignableBody;
}

/**
 * The signature check shared by `verifySignature`, `createVerifier` and the compat facade, in
 * the SDK's order: header, timestamp (`timestampCheck`: strict unless the facade passes the
 * SDK's), then the body, compared in constant time for every secret against every `v1`.
 */
export function verifyWithKeys(
  keys: readonly KeyObject[],
  payload: WebhookPayload,
  sigHeader: SignatureHeaderInput,
  toleranceMs: number,
  nowMs: number,
  timestampCheck: TimestampCheck = checkTimestamp,
): VerifiedBody {
  const { timestamp, signatures } = parseSignatureHeader(sigHeader);
  const timestampMs = timestampCheck(timestamp, nowMs, toleranceMs);
  const body = signableBody(payload);

  // Anything but 64 lowercase hex digits can never equal a digest (the SDK rejects uppercase too).
  const candidates: Buffer[] = [];
  for (const s of signatures) if (lowerHex64.test(s)) candidates.push(Buffer.from(s, 'hex'));

  if (candidates.length > 0) {
    for (let i = 0; i < keys.length; i++) {
      const digest = createHmac('sha256', keys[i]!)
        .update(`${timestamp}.`)
        .update(body.data)
        .digest();
      for (const candidate of candidates) {
        if (timingSafeEqual(digest, candidate)) return { timestampMs, secretIndex: i, body };
      }
    }
  }
  throw mismatch(body.fromObject);
}

/** Options of `verifySignature`. */
export interface VerifySignatureOptions {
  /** The raw body (string, Buffer, Uint8Array, ArrayBuffer) or, for compatibility only, a parsed object. */
  payload: WebhookPayload;
  /** The `WorkOS-Signature` header as Node gives it. */
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
 * Verifies a WorkOS webhook signature synchronously.
 * For many requests with the same secret, `createVerifier` is faster (keys are prepared once).
 *
 * @throws SignatureVerificationException with a `code` saying which check failed.
 */
export function verifySignature(options: VerifySignatureOptions): VerifiedSignature {
  const keys = hmacKeys(options.secret);
  const toleranceMs = resolveToleranceMs(options.toleranceMs);
  const { timestampMs, secretIndex } = verifyWithKeys(
    keys,
    options.payload,
    options.sigHeader,
    toleranceMs,
    options.now ?? Date.now(),
  );
  return { timestampMs, secretIndex };
}
