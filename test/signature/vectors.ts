// Test vectors shared by the node:crypto and the Web Crypto implementations: one table, two runners.
import { createHmac } from 'node:crypto';
import type { SignatureErrorCode } from '../../src/signature/errors.js';

export const T = 1_700_000_000_000;
export const secret = 'whsec_test';
export const otherSecret = 'whsec_other';
export const body =
  '{"id":"event_01","event":"dsync.user.created","data":{"id":"directory_user_01","first_name":"Zoë","emoji":"😀"},"created_at":"2024-01-01T00:00:00.000Z"}';

/** Independent of the code under test: plain node:crypto over `${t}.${body}`. */
export function hmacHex(t: string | number, payload: string | Uint8Array, key = secret): string {
  return createHmac('sha256', key).update(`${t}.`).update(payload).digest('hex');
}

const good = hmacHex(T, body);
const other = hmacHex(T, body, otherSecret);
const bad = '0'.repeat(64);

export type Expected =
  { ok: true; secretIndex?: number } | { code: SignatureErrorCode; message: string };

export interface Vector {
  name: string;
  payload: () => unknown;
  header: unknown;
  secret?: string | readonly string[];
  nowMs?: number;
  toleranceMs?: number;
  expected: Expected;
}

const missing = 'Signature or timestamp missing';
const noV1 = 'No signature hash found with expected scheme v1';
const tolerance = 'Timestamp outside the tolerance zone';
const mismatch = 'Signature hash does not match the expected signature hash for payload';

const bytes = () => new TextEncoder().encode(body);
const ok: Expected = { ok: true, secretIndex: 0 };

export const vectors: Vector[] = [
  { name: 'string body', payload: () => body, header: `t=${T}, v1=${good}`, expected: ok },
  {
    name: 'Buffer body',
    payload: () => Buffer.from(body),
    header: `t=${T}, v1=${good}`,
    expected: ok,
  },
  { name: 'Uint8Array body', payload: bytes, header: `t=${T}, v1=${good}`, expected: ok },
  {
    name: 'Uint8Array view with an offset into a larger buffer',
    payload: () => {
      const b = bytes();
      const big = new Uint8Array(b.length + 20);
      big.set(b, 7);
      return big.subarray(7, 7 + b.length);
    },
    header: `t=${T}, v1=${good}`,
    expected: ok,
  },
  {
    name: 'ArrayBuffer body',
    payload: () => bytes().buffer,
    header: `t=${T}, v1=${good}`,
    expected: ok,
  },
  {
    name: 'parsed object whose JSON.stringify equals the body (legacy path)',
    payload: () => JSON.parse(body) as unknown,
    header: `t=${T}, v1=${good}`,
    expected: ok,
  },
  {
    name: 'parsed object of a pretty-printed body fails with the raw-body hint',
    payload: () => JSON.parse(body) as unknown,
    header: `t=${T}, v1=${hmacHex(T, JSON.stringify(JSON.parse(body), null, 2))}`,
    expected: {
      code: 'signature_mismatch',
      message: `${mismatch}. The payload was a parsed object`,
    },
  },
  {
    name: 'undefined payload (no body parser) fails with the recipes',
    payload: () => undefined,
    header: `t=${T}, v1=${good}`,
    expected: { code: 'signature_mismatch', message: `${mismatch}. The payload was undefined` },
  },
  {
    name: 'header undefined',
    payload: () => body,
    header: undefined,
    expected: { code: 'missing_header', message: missing },
  },
  {
    name: 'header null',
    payload: () => body,
    header: null,
    expected: { code: 'missing_header', message: missing },
  },
  {
    name: 'header empty',
    payload: () => body,
    header: '',
    expected: { code: 'missing_header', message: missing },
  },
  {
    name: 'header blank',
    payload: () => body,
    header: '   ',
    expected: { code: 'missing_header', message: missing },
  },
  {
    name: 'header empty array',
    payload: () => body,
    header: [],
    expected: { code: 'missing_header', message: missing },
  },
  {
    name: 't only',
    payload: () => body,
    header: `t=${T}`,
    expected: { code: 'malformed_header', message: missing },
  },
  {
    name: 'no t key',
    payload: () => body,
    header: `x=${T}, v1=${good}`,
    expected: { code: 'malformed_header', message: missing },
  },
  {
    name: 'two t keys',
    payload: () => body,
    header: `t=${T}, t=${T}, v1=${good}`,
    expected: { code: 'malformed_header', message: missing },
  },
  {
    name: 'empty v1',
    payload: () => body,
    header: `t=${T}, v1=`,
    expected: { code: 'no_v1_signature', message: noV1 },
  },
  {
    name: 'no key=value after t',
    payload: () => body,
    header: `t=${T}, abc`,
    expected: { code: 'no_v1_signature', message: noV1 },
  },
  {
    name: 'only an unknown scheme',
    payload: () => body,
    header: `t=${T}, v0=${good}`,
    expected: { code: 'no_v1_signature', message: noV1 },
  },
  { name: 'reversed order', payload: () => body, header: `v1=${good}, t=${T}`, expected: ok },
  { name: 'no space', payload: () => body, header: `t=${T},v1=${good}`, expected: ok },
  {
    name: 'whitespace around keys and values',
    payload: () => body,
    header: `  t = ${T} ,   v1 =  ${good}  `,
    expected: ok,
  },
  {
    name: 'unknown extra keys',
    payload: () => body,
    header: `t=${T}, v0=abc, v1=${good}, foo=bar`,
    expected: ok,
  },
  {
    name: 'header as a one-element array',
    payload: () => body,
    header: [`t=${T}, v1=${good}`],
    expected: ok,
  },
  {
    name: 'header split across an array',
    payload: () => body,
    header: [`t=${T}`, `v1=${good}`],
    expected: ok,
  },
  {
    name: 'good v1 second',
    payload: () => body,
    header: `t=${T}, v1=${bad}, v1=${good}`,
    expected: ok,
  },
  {
    name: 'good v1 first',
    payload: () => body,
    header: `t=${T}, v1=${good}, v1=${bad}`,
    expected: ok,
  },
  {
    name: 'uppercase hex never matches',
    payload: () => body,
    header: `t=${T}, v1=${good.toUpperCase()}`,
    expected: { code: 'signature_mismatch', message: mismatch },
  },
  {
    name: 'truncated hex',
    payload: () => body,
    header: `t=${T}, v1=${good.slice(0, 63)}`,
    expected: { code: 'signature_mismatch', message: mismatch },
  },
  {
    name: 'hex with trailing junk',
    payload: () => body,
    header: `t=${T}, v1=${good}zz`,
    expected: { code: 'signature_mismatch', message: mismatch },
  },
  {
    name: 'wrong secret',
    payload: () => body,
    header: `t=${T}, v1=${other}`,
    expected: { code: 'signature_mismatch', message: mismatch },
  },
  {
    name: 'rotation: the new secret matches',
    payload: () => body,
    header: `t=${T}, v1=${other}`,
    secret: [secret, otherSecret],
    expected: { ok: true, secretIndex: 1 },
  },
  {
    name: 'rotation: WorkOS signs with both, we know only the new one',
    payload: () => body,
    header: `t=${T}, v1=${good}, v1=${other}`,
    secret: [otherSecret],
    expected: { ok: true, secretIndex: 0 },
  },
  {
    name: 'one changed byte in the body',
    payload: () => body.replace('Zoë', 'Zoe'),
    header: `t=${T}, v1=${good}`,
    expected: { code: 'signature_mismatch', message: mismatch },
  },
  {
    name: 'Buffer with a UTF-8 BOM in front of the signed bytes',
    payload: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]),
    header: `t=${T}, v1=${good}`,
    expected: { code: 'signature_mismatch', message: mismatch },
  },
  {
    name: 'signature over a different timestamp',
    payload: () => body,
    header: `t=${T + 1}, v1=${good}`,
    expected: { code: 'signature_mismatch', message: mismatch },
  },
  {
    name: 'exactly tolerance old',
    payload: () => body,
    header: `t=${T}, v1=${good}`,
    nowMs: T + 180_000,
    expected: ok,
  },
  {
    name: '1 ms more than tolerance old',
    payload: () => body,
    header: `t=${T}, v1=${good}`,
    nowMs: T + 180_001,
    expected: { code: 'timestamp_too_old', message: tolerance },
  },
  {
    name: 'exactly tolerance ahead',
    payload: () => body,
    header: `t=${T}, v1=${good}`,
    nowMs: T - 180_000,
    expected: ok,
  },
  {
    name: '1 ms more than tolerance ahead',
    payload: () => body,
    header: `t=${T}, v1=${good}`,
    nowMs: T - 180_001,
    expected: { code: 'timestamp_too_new', message: tolerance },
  },
  {
    name: 'ten years ahead',
    payload: () => body,
    header: `t=${T + 315_360_000_000}, v1=${hmacHex(T + 315_360_000_000, body)}`,
    expected: { code: 'timestamp_too_new', message: tolerance },
  },
  {
    name: 'timestamp in seconds',
    payload: () => body,
    header: `t=${T / 1000}, v1=${hmacHex(T / 1000, body)}`,
    expected: { code: 'timestamp_too_old', message: tolerance },
  },
  {
    name: 'tolerance 0, same millisecond',
    payload: () => body,
    header: `t=${T}, v1=${good}`,
    toleranceMs: 0,
    expected: ok,
  },
  {
    name: 'tolerance 0, 1 ms old',
    payload: () => body,
    header: `t=${T}, v1=${good}`,
    toleranceMs: 0,
    nowMs: T + 1,
    expected: { code: 'timestamp_too_old', message: tolerance },
  },
  {
    name: 'custom tolerance is in milliseconds',
    payload: () => body,
    header: `t=${T}, v1=${good}`,
    toleranceMs: 200,
    nowMs: T + 170_000,
    expected: { code: 'timestamp_too_old', message: tolerance },
  },
  {
    name: 'non-numeric t, correctly signed',
    payload: () => body,
    header: `t=abc, v1=${hmacHex('abc', body)}`,
    expected: { code: 'invalid_timestamp', message: tolerance },
  },
  {
    name: 'numeric prefix then junk',
    payload: () => body,
    header: `t=${T}abc, v1=${hmacHex(`${T}abc`, body)}`,
    expected: { code: 'invalid_timestamp', message: tolerance },
  },
  {
    name: 'negative t',
    payload: () => body,
    header: `t=-1, v1=${good}`,
    expected: { code: 'invalid_timestamp', message: tolerance },
  },
  {
    name: 'fractional t',
    payload: () => body,
    header: `t=${T}.5, v1=${good}`,
    expected: { code: 'invalid_timestamp', message: tolerance },
  },
  {
    name: 'empty t',
    payload: () => body,
    header: `t=, v1=${good}`,
    expected: { code: 'invalid_timestamp', message: tolerance },
  },
  {
    name: 'leading zeros are signed as sent',
    payload: () => body,
    header: `t=0${T}, v1=${hmacHex(`0${T}`, body)}`,
    expected: ok,
  },
  {
    name: 'empty secret',
    payload: () => body,
    header: `t=${T}, v1=${good}`,
    secret: '',
    expected: { code: 'no_secret', message: 'No webhook secret was given' },
  },
  {
    name: 'no secrets',
    payload: () => body,
    header: `t=${T}, v1=${good}`,
    secret: [],
    expected: { code: 'no_secret', message: 'No webhook secret was given' },
  },
  {
    name: 'undefined secret (unset env variable)',
    payload: () => body,
    header: `t=${T}, v1=${good}`,
    secret: undefined as unknown as string,
    expected: { code: 'no_secret', message: 'No webhook secret was given' },
  },
  {
    name: 'empty body signed',
    payload: () => '',
    header: `t=${T}, v1=${hmacHex(T, '')}`,
    expected: ok,
  },
];

/** Vectors whose `secret` is left out use the default; this resolves that. */
export function secretOf(v: Vector): string | readonly string[] {
  return 'secret' in v ? (v.secret as string | readonly string[]) : secret;
}
