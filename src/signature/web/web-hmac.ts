// Web Crypto building blocks. No `node:` imports anywhere below `workos-inbox/web`: edge
// runtimes (Cloudflare Workers, Vercel Edge, Deno, Bun) only have the web platform.
import { resolveSecrets } from '../options.js';
import type { WebhookSecret } from '../options.js';

const encoder = new TextEncoder();
const hmacSha256 = { name: 'HMAC', hash: 'SHA-256' } as const;

/** Secrets imported once as HMAC-SHA256 keys. */
export function importHmacKeys(secret: WebhookSecret | undefined | null): Promise<CryptoKey[]> {
  const secrets = resolveSecrets(secret);
  return Promise.all(
    secrets.map((s) =>
      crypto.subtle.importKey('raw', encoder.encode(s), hmacSha256, false, ['sign', 'verify']),
    ),
  );
}

/** `${timestamp}.` followed by the body, as one buffer for a single sign/verify call. */
export function signedBytes(timestamp: string, body: string | Uint8Array): Uint8Array {
  if (typeof body === 'string') return encoder.encode(`${timestamp}.${body}`);
  const prefix = encoder.encode(`${timestamp}.`);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

const lowerHex64 = /^[0-9a-f]{64}$/;

/** The 32 bytes of a 64-digit lowercase hex `v1`, or undefined for anything else (never a match). */
export function signatureBytes(hex: string): Uint8Array | undefined {
  if (!lowerHex64.test(hex)) return undefined;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const hexByte = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let out = '';
  for (const b of bytes) out += hexByte[b];
  return out;
}

export async function hmacHex(key: CryptoKey, data: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.sign('HMAC', key, data as BufferSource));
}
