import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { TimestampCheck } from '../signature/check-timestamp.js';
import { SignatureVerificationException } from '../signature/errors.js';
import type { SignatureHeaderInput } from '../signature/parse-header.js';
import { bytesOf, isBinaryPayload, mismatch, textOfPayload } from '../signature/payload.js';
import type { WebhookPayload } from '../signature/payload.js';

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The text `@workos-inc/node` 11.0.0 signs for a payload (its `decodePayloadToString`). */
export function sdkSignedText(payload: WebhookPayload): string {
  if (typeof payload === 'string') return payload;
  if (isBinaryPayload(payload)) return utf8.decode(bytesOf(payload));
  // JSON.stringify(undefined) is undefined, which the SDK's template literal signs as "undefined".
  return `${JSON.stringify(payload)}`;
}

function headerText(sigHeader: SignatureHeaderInput): string {
  if (typeof sigHeader === 'string') return sigHeader;
  return Array.isArray(sigHeader) ? sigHeader.filter((h) => typeof h === 'string').join(', ') : '';
}

/**
 * The SDK's `getTimestampAndSignatureHash`: the text after the first `=` of the first two
 * comma-separated parts, untrimmed, key names ignored; `undefined` where a part has no `=`.
 * (A `string[]` is joined as Node joins repeated headers; the SDK would throw a TypeError.)
 * @throws SignatureVerificationException "Signature or timestamp missing" for fewer than two parts.
 */
export function sdkHeaderParts(
  sigHeader: SignatureHeaderInput,
): [string | undefined, string | undefined] {
  const text = headerText(sigHeader);
  const [t, v1] = text.split(',');
  if (t === undefined || v1 === undefined) {
    throw SignatureVerificationException.of(
      text.trim() === '' ? 'missing_header' : 'malformed_header',
    );
  }
  return [t.split('=')[1], v1.split('=')[1]];
}

/**
 * `verifyHeader` of `@workos-inc/node` 11.0.0, step by step and synchronously: the header read by
 * position (`split(',')`, then the text after the first `=` of the first two parts, key names
 * ignored), the timestamp through `timestampCheck`, then the HMAC of `${t}.${text}` compared as
 * hex text, trying each secret. The facade runs it only when its own check has failed, so the
 * facade accepts everything the SDK accepts and rejects with the SDK's message.
 *
 * @returns the text the SDK would parse (`constructEvent`), for string and binary payloads.
 * @throws SignatureVerificationException with the SDK's message for the check that failed.
 */
export function verifyLikeSdk(
  keys: readonly KeyObject[],
  payload: WebhookPayload,
  sigHeader: SignatureHeaderInput,
  toleranceMs: number,
  nowMs: number,
  timestampCheck: TimestampCheck,
): string {
  const [t, signatureHash] = sdkHeaderParts(sigHeader);
  // `undefined` when the part has no "=": the SDK then signs the text "undefined".
  const timestamp = String(t);
  if (!signatureHash) throw SignatureVerificationException.of('no_v1_signature');
  timestampCheck(timestamp, nowMs, toleranceMs);

  const signed = sdkSignedText(payload);
  const expected = Buffer.from(signatureHash, 'utf8');
  for (const key of keys) {
    const digest = Buffer.from(
      createHmac('sha256', key).update(`${timestamp}.${signed}`).digest('hex'),
    );
    if (digest.length === expected.length && timingSafeEqual(digest, expected)) return signed;
  }
  if (typeof payload !== 'string' && !isBinaryPayload(payload)) {
    textOfPayload(payload); // throws the "no body was read" hint for undefined and null
    throw mismatch(true);
  }
  throw mismatch(false);
}
