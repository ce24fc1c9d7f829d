// `workos-inbox/web`: verification with Web Crypto for edge runtimes (Cloudflare Workers,
// Vercel Edge, Deno, Bun). Nothing under this entry imports `node:` modules; a test walks the
// import graph to keep it that way.
export { SignatureVerificationException, signatureErrorCodes } from './signature/errors.js';
export type { SignatureErrorCode } from './signature/errors.js';
export { verifySignature } from './signature/web/verify.js';
export type { WebVerifySignatureOptions as VerifySignatureOptions } from './signature/web/verify.js';
export { createVerifier } from './signature/web/verifier.js';
export type {
  WebVerifier as Verifier,
  WebVerifierOptions as VerifierOptions,
} from './signature/web/verifier.js';
export { computeSignature, signatureHeader } from './signature/web/sign.js';
export type { VerifiedSignature } from './signature/verified-signature.js';
export { parseSignatureHeader } from './signature/parse-header.js';
export type { ParsedSignatureHeader, SignatureHeaderInput } from './signature/parse-header.js';
export { defaultToleranceMs } from './signature/options.js';
export type { WebhookSecret } from './signature/options.js';
export type { WebhookPayload } from './signature/payload.js';
export { WebhookBodyError, webhookBodyErrorCodes } from './signature/body-error.js';
export type { WebhookBodyErrorCode } from './signature/body-error.js';
export type { Clock } from './clock.js';
