import { WorkosInboxError } from '../errors/workos-inbox-error.js';
/**
 * Why a signature check failed. Stable strings: use them in logs, metrics and HTTP bodies.
 * The list is kept equal to the table in docs/verification.md by a test.
 */
export const signatureErrorCodes = [
  'missing_header',
  'malformed_header',
  'no_v1_signature',
  'invalid_timestamp',
  'timestamp_too_old',
  'timestamp_too_new',
  'signature_mismatch',
  'no_secret',
] as const;

export type SignatureErrorCode = (typeof signatureErrorCodes)[number];

/** The official SDK's four messages, kept byte-for-byte. */
export const sdkMessages = {
  missing: 'Signature or timestamp missing',
  noV1: 'No signature hash found with expected scheme v1',
  tolerance: 'Timestamp outside the tolerance zone',
  mismatch: 'Signature hash does not match the expected signature hash for payload',
} as const;

const messageByCode: Record<SignatureErrorCode, string> = {
  missing_header: sdkMessages.missing,
  malformed_header: sdkMessages.missing,
  no_v1_signature: sdkMessages.noV1,
  invalid_timestamp: sdkMessages.tolerance,
  timestamp_too_old: sdkMessages.tolerance,
  timestamp_too_new: sdkMessages.tolerance,
  signature_mismatch: sdkMessages.mismatch,
  no_secret: 'No webhook secret was given',
};

/**
 * Thrown for every verification failure, as `@workos-inc/node` throws it: same class name,
 * same messages. `code` says which check failed.
 */
export class SignatureVerificationException extends WorkosInboxError {
  override readonly name = 'SignatureVerificationException';
  readonly code: SignatureErrorCode;

  constructor(
    message?: string,
    code: SignatureErrorCode = 'signature_mismatch',
    options?: ErrorOptions,
  ) {
    super(message || 'Signature verification failed.', options);
    this.code = code;
  }

  /** The exception for `code`, with the SDK's message, optionally followed by a hint. */
  static of(code: SignatureErrorCode, hint?: string): SignatureVerificationException {
    const base = messageByCode[code];
    return new SignatureVerificationException(hint ? `${base}. ${hint}` : base, code);
  }
}
