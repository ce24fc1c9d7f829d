import { createHmac } from 'node:crypto';

/** Lowercase hex HMAC-SHA256 of `${timestamp}.${body}`, keyed with the secret as UTF-8. */
export function computeSignatureSync(
  timestamp: number | string,
  body: string | Uint8Array,
  secret: string,
): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(body);
  return hmac.digest('hex');
}

/** The `WorkOS-Signature` header value for a body: `t=<ms>, v1=<hex>`, one `v1` per secret. */
export function signatureHeader(
  body: string | Uint8Array,
  secret: string | readonly string[],
  timestampMs: number = Date.now(),
): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const parts = secrets.map((s) => `v1=${computeSignatureSync(timestampMs, body, s)}`);
  return [`t=${timestampMs}`, ...parts].join(', ');
}
