// `workos-inbox/testing`: helpers for your own tests (signed sample events).
export { signatureHeader } from '../signature/sign.js';
