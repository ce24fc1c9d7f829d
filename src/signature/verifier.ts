import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { deserializeEvent } from '../events/index.js';
import type { Event, WireEvent } from '../events/index.js';
import { checkEnvelope } from '../events/index.js';
import { resolveToleranceMs } from './options.js';
import type { WebhookSecret } from './options.js';
import type { SignatureHeaderInput } from './parse-header.js';
import { parseWireEvent } from './parse-event.js';
import type { WebhookPayload } from './payload.js';
import type { VerifiedSignature } from './verified-signature.js';
import { hmacKeys, verifyWithKeys } from './verify.js';

/** Options of `createVerifier`. */
export interface VerifierOptions {
  /** The endpoint secret, or several while rotating (valid if any matches any `v1`). */
  secret: WebhookSecret;
  /**
   * How far `t` may be from now, in either direction.
   * @defaultValue `defaults.toleranceMs.value`
   */
  toleranceMs?: number;
  /**
   * Where "now" comes from.
   * @defaultValue the system clock
   */
  clock?: Clock;
}

/** Synchronous verification with keys prepared once. Every method throws `SignatureVerificationException` on a bad signature. */
export interface Verifier {
  /** Checks the signature only. */
  verify(payload: WebhookPayload, sigHeader: SignatureHeaderInput): VerifiedSignature;
  /**
   * Checks the signature, then parses the body and checks the envelope (string `id`, `event`,
   * `created_at`, object `data`).
   * @throws WebhookBodyError `invalid_json`; EventValidationError for a bad envelope.
   */
  verifyAndParse(payload: WebhookPayload, sigHeader: SignatureHeaderInput): WireEvent;
  /** `verifyAndParse` + `deserializeEvent`: what the SDK's `constructEvent` returns, synchronously. */
  constructEvent(payload: WebhookPayload, sigHeader: SignatureHeaderInput): Event;
}

/**
 * Creates the fast, synchronous verifier for a hot path.
 * @throws SignatureVerificationException `no_secret`; RangeError for a bad `toleranceMs`.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const keys = hmacKeys(options.secret);
  const toleranceMs = resolveToleranceMs(options.toleranceMs);
  const clock = options.clock ?? systemClock;

  const verifyAndParse = (payload: WebhookPayload, sigHeader: SignatureHeaderInput): WireEvent => {
    const { body } = verifyWithKeys(keys, payload, sigHeader, toleranceMs, clock.now());
    if (body.fromObject) return checkEnvelope(payload);
    return parseWireEvent(typeof body.data === 'string' ? body.data : body.data.toString('utf8'));
  };

  return {
    verify: (payload, sigHeader) => {
      const { timestampMs, secretIndex } = verifyWithKeys(
        keys,
        payload,
        sigHeader,
        toleranceMs,
        clock.now(),
      );
      return { timestampMs, secretIndex };
    },
    verifyAndParse,
    constructEvent: (payload, sigHeader) => deserializeEvent(verifyAndParse(payload, sigHeader)),
  };
}
