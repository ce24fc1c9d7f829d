import type { Clock } from '../../clock.js';
import { checkEnvelope, deserializeEvent } from '../../events/index.js';
import type { Event, WireEvent } from '../../events/index.js';
import { resolveToleranceMs } from '../options.js';
import type { WebhookSecret } from '../options.js';
import type { SignatureHeaderInput } from '../parse-header.js';
import { parseWireEvent } from '../parse-event.js';
import type { WebhookPayload } from '../payload.js';
import type { VerifiedSignature } from '../verified-signature.js';
import { verifyWithCryptoKeys } from './verify.js';
import { importHmacKeys } from './web-hmac.js';

/** Options of the Web Crypto `createVerifier`: the same as the node:crypto one. */
export interface WebVerifierOptions {
  /** The endpoint secret, or several while rotating (valid if any matches any `v1`). */
  secret: WebhookSecret;
  /**
   * How far `t` may be from now, in either direction.
   * @defaultValue `defaults.toleranceMs.value`
   */
  toleranceMs?: number;
  /**
   * Where "now" comes from.
   * @defaultValue `Date.now()`
   */
  clock?: Clock;
}

/** The Web Crypto verifier: the node:crypto `Verifier`'s methods, returning promises. */
export interface WebVerifier {
  verify(payload: WebhookPayload, sigHeader: SignatureHeaderInput): Promise<VerifiedSignature>;
  verifyAndParse(payload: WebhookPayload, sigHeader: SignatureHeaderInput): Promise<WireEvent>;
  constructEvent(payload: WebhookPayload, sigHeader: SignatureHeaderInput): Promise<Event>;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Creates a Web Crypto verifier; keys are imported once, on first use.
 * @throws SignatureVerificationException `no_secret`; RangeError for a bad `toleranceMs`.
 */
export function createVerifier(options: WebVerifierOptions): WebVerifier {
  const toleranceMs = resolveToleranceMs(options.toleranceMs);
  const keys = importHmacKeys(options.secret);
  // An unawaited rejection would be reported as unhandled before the first verify awaits it.
  keys.catch(() => {});
  const now = options.clock ? () => options.clock!.now() : () => Date.now();

  const verifyAndParse = async (
    payload: WebhookPayload,
    sigHeader: SignatureHeaderInput,
  ): Promise<WireEvent> => {
    const { body } = await verifyWithCryptoKeys(await keys, payload, sigHeader, toleranceMs, now());
    if (body.fromObject) return checkEnvelope(payload);
    return parseWireEvent(typeof body.data === 'string' ? body.data : utf8.decode(body.data));
  };

  return {
    async verify(payload, sigHeader) {
      const result = await verifyWithCryptoKeys(await keys, payload, sigHeader, toleranceMs, now());
      return { timestampMs: result.timestampMs, secretIndex: result.secretIndex };
    },
    verifyAndParse,
    constructEvent: async (payload, sigHeader) =>
      deserializeEvent(await verifyAndParse(payload, sigHeader)),
  };
}
