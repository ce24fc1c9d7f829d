// `workos-inbox/web`: verification with Web Crypto for edge runtimes (no node: imports).
export { SignatureVerificationException, signatureErrorCodes } from './signature/errors.js';
