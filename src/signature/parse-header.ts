import { SignatureVerificationException } from './errors.js';

/** What Node gives for a header: `req.headers['workos-signature']`. */
export type SignatureHeaderInput = string | readonly string[] | undefined | null;

/** A `WorkOS-Signature` header, read by key name. */
export interface ParsedSignatureHeader {
  /** The `t` value exactly as sent: it is part of the signed string, so it is never reformatted. */
  timestamp: string;
  /** Every non-empty `v1` value, in header order. */
  signatures: string[];
}

/**
 * Parses `t=<ms>, v1=<hex>[, v1=<hex> …]` by key name: any order, whitespace around parts,
 * keys and values ignored, unknown keys (`v0`, future schemes) skipped.
 *
 * The SDK reads the header by position instead; the checks below keep its messages for
 * every header it also rejects (one part only → "missing", no usable v1 → "no v1").
 *
 * @throws SignatureVerificationException `missing_header`, `malformed_header` or `no_v1_signature`.
 */
export function parseSignatureHeader(header: SignatureHeaderInput): ParsedSignatureHeader {
  // Node joins repeated headers itself; an array only comes from callers that collected them.
  // Anything else (a number from untyped JavaScript …) counts as no header, not a TypeError.
  const text =
    typeof header === 'string'
      ? header
      : Array.isArray(header)
        ? header.filter((h) => typeof h === 'string').join(', ')
        : '';
  if (text.trim() === '') throw SignatureVerificationException.of('missing_header');

  const parts = text.split(',');
  if (parts.length < 2) throw SignatureVerificationException.of('malformed_header');

  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      // Two timestamps make the signed string ambiguous: refuse rather than guess.
      if (timestamp !== undefined) throw SignatureVerificationException.of('malformed_header');
      timestamp = value;
    } else if (key === 'v1' && value !== '') {
      signatures.push(value);
    }
  }
  if (timestamp === undefined) throw SignatureVerificationException.of('malformed_header');
  if (signatures.length === 0) throw SignatureVerificationException.of('no_v1_signature');
  return { timestamp, signatures };
}
