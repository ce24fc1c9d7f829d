import { isUtf8 } from 'node:buffer';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { deserializeEvent } from '../events/index.js';
import type { Event, WireEvent } from '../events/index.js';
import { SignatureVerificationException } from '../signature/errors.js';
import { checkTimestamp } from '../signature/check-timestamp.js';
import type { TimestampCheck } from '../signature/check-timestamp.js';
import { defaultToleranceMs, resolveToleranceMs } from '../signature/options.js';
import type { WebhookSecret } from '../signature/options.js';
import type { SignatureHeaderInput } from '../signature/parse-header.js';
import { bytesOf, isBinaryPayload } from '../signature/payload.js';
import type { WebhookPayload } from '../signature/payload.js';
import { computeSignatureSync } from '../signature/sign.js';
import { hmacKeys, verifyWithKeys } from '../signature/verify.js';
import { checkTimestampLikeSdk } from './check-timestamp-like-sdk.js';
import { timestampAndSignatureHash } from './timestamp-and-signature-hash.js';
import { sdkHeaderParts, sdkSignedText, verifyLikeSdk } from './verify-like-sdk.js';
import type { TimestampAndSignatureHash } from './timestamp-and-signature-hash.js';

/** The argument of `constructEvent` and `verifyHeader`, as in `@workos-inc/node`. */
export interface WebhookVerifyOptions {
  /** The raw body (string, Buffer, Uint8Array, ArrayBuffer) or, for compatibility, the parsed object. */
  payload: WebhookPayload;
  /** The `WorkOS-Signature` header (Node's `string | string[] | undefined` is accepted too). */
  sigHeader: SignatureHeaderInput;
  /**
   * The endpoint secret; an array during a rotation (an addition to the SDK). `undefined` is
   * typed in so the guide's `process.env.WORKOS_WEBHOOK_SECRET` compiles; it is rejected at run
   * time with code `no_secret`.
   */
  secret: WebhookSecret | undefined;
  /**
   * How many milliseconds old `t` may be, as in the SDK: a later `t` and a `t` that does not
   * parse as a number pass. With `strictTimestamps`, the bound applies in both directions and
   * must be a finite number >= 0.
   * @defaultValue `defaults.toleranceMs.value`
   */
  tolerance?: number;
}

/** Options of the compat facade; additions to the SDK. */
export interface WebhooksOptions {
  /** @defaultValue the system clock */
  clock?: Clock;
  /**
   * Check timestamps as the native API does instead of as the SDK does: refuse a `t` more than
   * `tolerance` ahead (`timestamp_too_new`), a `t` that is not 1-16 digits
   * (`invalid_timestamp`), and a `tolerance` that is not a finite number >= 0 (RangeError).
   * Off by default so test suites written the SDK's way (signed at `Date.now() * 1000`) pass.
   * @defaultValue false
   */
  strictTimestamps?: boolean;
}

// Secrets arrive per call, but one endpoint reuses one secret: caching the prepared keys for the
// last secret seen avoids re-deriving them on every request.
let lastSecret: string | undefined;
let lastKeys: ReturnType<typeof hmacKeys> = [];
function keysFor(secret: WebhookSecret | undefined): ReturnType<typeof hmacKeys> {
  if (typeof secret !== 'string' || secret !== lastSecret) {
    const keys = hmacKeys(secret);
    if (typeof secret !== 'string') return keys;
    lastKeys = keys;
    lastSecret = secret;
  }
  return lastKeys;
}

/**
 * The secret as the SDK reads it: it encodes any value as text (`TextEncoder`), so a Buffer read
 * from a file, a number or `null` is its `String()` (a Symbol throws the SDK's TypeError). A list
 * stays a list (rotation, an addition to the SDK); `undefined` stays unset (`no_secret`).
 */
function sdkSecret(secret: unknown): WebhookSecret | undefined {
  if (secret === undefined || typeof secret === 'string' || Array.isArray(secret)) {
    return secret as WebhookSecret | undefined;
  }
  return `${secret as string}`;
}

/** A `String` object is read as its text, as the SDK's `sigHeader.split` reads it. */
function headerOf(sigHeader: SignatureHeaderInput): SignatureHeaderInput {
  return (sigHeader as unknown) instanceof String ? String(sigHeader) : sigHeader;
}

function settle<T>(work: () => T): Promise<T> {
  // The work is synchronous: one settled promise, no awaits, and throws become rejections as
  // they would in the SDK's async functions.
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * `workos.webhooks` of `@workos-inc/node` 11.0.0: the same methods, results and exceptions. It
 * accepts every delivery the SDK accepts (timestamps checked as the SDK checks them unless
 * `strictTimestamps` is set) and rejects with the SDK's messages. The documented differences only
 * accept more of what is genuine (the header also read by key name, any `v1` may match, secret
 * rotation, raw bytes HMACed as received) or explain more (the raw-body hint, `no_secret`).
 * Endpoint management (`listWebhookEndpoints` …) is not provided: use the SDK for that.
 */
export class Webhooks {
  readonly #clock: Clock;
  readonly #strict: boolean;
  readonly #checkTimestamp: TimestampCheck;
  /** `verifyHeader` as built; a test that stubs it (`jest.spyOn`) replaces the property. */
  readonly #ownVerifyHeader: Webhooks['verifyHeader'];

  // The first argument is the SDK's `WorkOS` instance; it is accepted and not needed.
  constructor(_workos?: unknown, options: WebhooksOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#strict = options.strictTimestamps === true;
    this.#checkTimestamp = this.#strict ? checkTimestamp : checkTimestampLikeSdk;
    this.#ownVerifyHeader = this.verifyHeader;
  }

  #verify(options: WebhookVerifyOptions): string | Buffer | object {
    const { payload, tolerance } = options;
    const sigHeader = headerOf(options.sigHeader);
    const keys = keysFor(sdkSecret(options.secret));
    // The SDK's destructuring default: only `undefined` becomes 180000.
    const toleranceMs = this.#strict
      ? resolveToleranceMs(tolerance)
      : tolerance === undefined
        ? defaultToleranceMs
        : tolerance;
    const nowMs = this.#clock.now();
    try {
      const { body } = verifyWithKeys(
        keys,
        payload,
        sigHeader,
        toleranceMs,
        nowMs,
        this.#checkTimestamp,
      );
      return body.fromObject ? payload : body.data;
    } catch (error) {
      // A payload JSON cannot serialize (a circular object, a BigInt) throws when our check
      // serializes it, which can come before a header or timestamp failure the SDK reports
      // first: its own order decides then, as for every failure.
      const serializable = typeof payload === 'string' || isBinaryPayload(payload);
      if (!(error instanceof SignatureVerificationException) && serializable) throw error;
      // Our check reads the header by key and HMACs raw bytes; the SDK reads it by position
      // and HMACs decoded text. Whatever the SDK accepts is accepted here too, and a rejection
      // carries the SDK's message. Only failures pay for this second pass.
      const text = verifyLikeSdk(
        keys,
        payload,
        sigHeader,
        toleranceMs,
        nowMs,
        this.#checkTimestamp,
      );
      return typeof payload === 'string' || isBinaryPayload(payload) ? text : payload;
    }
  }

  /**
   * Verifies, parses and deserializes a delivery. Resolves to what the SDK's `constructEvent`
   * resolves to; rejects with `SignatureVerificationException`, or the `SyntaxError` of
   * `JSON.parse` for a correctly signed body that is not JSON (as the SDK does).
   */
  constructEvent(options: WebhookVerifyOptions): Promise<Event> {
    // The SDK's constructEvent calls `this.verifyHeader`, so a test suite that stubs it to feed
    // unsigned fixtures works: a replaced one decides here too.
    if (this.verifyHeader !== this.#ownVerifyHeader) return this.#constructLikeSdk(options);
    return settle(() => {
      const verified = this.#verify(options);
      // Parse only after verification, as the SDK does; an object payload is used as given, any
      // other value (a number, a function) is parsed from its JSON text, as the SDK parses it.
      // Verified and parsed at the call: a payload changed before the promise settles is not
      // read again (the SDK parses it after its awaits).
      const wire: unknown =
        typeof verified === 'string'
          ? JSON.parse(verified)
          : Buffer.isBuffer(verified)
            ? JSON.parse(verified.toString('utf8'))
            : typeof verified === 'object'
              ? verified
              : JSON.parse(JSON.stringify(verified) as string);
      // The SDK's deserializer reads `id` first: the same TypeError for a null payload.
      if (wire === null) throw new TypeError("Cannot read properties of null (reading 'id')");
      return deserializeEvent(wire as WireEvent);
    });
  }

  /** The SDK's constructEvent, step by step, for a replaced `verifyHeader`. */
  async #constructLikeSdk(options: WebhookVerifyOptions): Promise<Event> {
    const { payload, sigHeader, secret, tolerance = defaultToleranceMs } = options;
    await this.verifyHeader({ payload, sigHeader, secret, tolerance });
    const wire: unknown =
      typeof payload === 'object' && !isBinaryPayload(payload)
        ? payload
        : JSON.parse(sdkSignedText(payload));
    if (wire === null) throw new TypeError("Cannot read properties of null (reading 'id')");
    return deserializeEvent(wire as WireEvent);
  }

  /** Resolves `true` or rejects with `SignatureVerificationException`. Bound: safe to destructure. */
  readonly verifyHeader = (options: WebhookVerifyOptions): Promise<boolean> =>
    settle(() => {
      this.#verify(options);
      return true;
    });

  /**
   * Lowercase hex HMAC-SHA256 of `${timestamp}.${payload}` as the SDK computes it (objects
   * through JSON.stringify, bytes as UTF-8 text, the secret as text). Rejects as the SDK's Web
   * Crypto does for an empty or `undefined` secret (`DataError`). Bound: safe to destructure.
   */
  readonly computeSignature = (
    timestamp: unknown,
    payload: WebhookPayload,
    secret: string,
  ): Promise<string> =>
    settle(() => {
      // In the SDK's order: the signed text (timestamp, then payload), then the key, so a bad
      // value of each throws the SDK's error for it first.
      const t = `${timestamp as string}`;
      // Valid UTF-8 decodes and re-encodes to the same bytes, so those are HMACed as they are;
      // anything else goes through the SDK's decoding (U+FFFD replacements).
      const body =
        isBinaryPayload(payload) && isUtf8(bytesOf(payload))
          ? bytesOf(payload)
          : sdkSignedText(payload);
      const key = secret === undefined ? '' : `${secret as unknown as string}`;
      if (key === '') throw new DOMException('Zero-length key is not supported', 'DataError');
      return computeSignatureSync(t, body, key);
    });

  /**
   * `[timestamp, signatureHash]` from the header, synchronously, exactly as the SDK returns it
   * (the first two comma-separated parts, the text after each one's first `=`, untrimmed; an
   * element is `undefined` when its part has no `=`). The result also has `.timestamp` and
   * `.signatureHash`, so the guide's destructuring works.
   * @throws SignatureVerificationException "Signature or timestamp missing" for fewer than two parts.
   */
  readonly getTimestampAndSignatureHash = (
    sigHeader: SignatureHeaderInput,
  ): TimestampAndSignatureHash => {
    const [timestamp, signatureHash] = sdkHeaderParts(headerOf(sigHeader));
    // The SDK's declared type is [string, string]; its values can be undefined, and so can ours.
    return timestampAndSignatureHash(timestamp as string, signatureHash as string);
  };
}
