// Whatever arrives (any header, any payload, from typed or untyped callers), verification ends
// in a result or a SignatureVerificationException with a known code: never a TypeError, never
// a hang. And a correct signature survives any header layout the parser promises to accept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVerifier as createWebVerifier } from '../../src/web.js';
import { SignatureVerificationException, signatureErrorCodes } from '../../src/signature/errors.js';
import { createVerifier } from '../../src/signature/verifier.js';
import { T, body, hmacHex, secret } from './vectors.js';

const clock = { now: () => T };
const node = createVerifier({ secret, clock });
const web = createWebVerifier({ secret, clock });
const good = hmacHex(T, body);

const anyHeader = fc.oneof(
  fc.string(),
  fc.array(fc.string(), { maxLength: 4 }),
  fc
    .array(
      fc
        .oneof(fc.constantFrom('t', 'v1', 'v0', ' t ', 'T', ''), fc.string({ maxLength: 5 }))
        .chain((k) =>
          fc.oneof(
            fc.constant(`${k}=${T}`),
            fc.constant(`${k}=${good}`),
            fc.string().map((v) => `${k}=${v}`),
          ),
        ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join(',')),
  fc.constantFrom(undefined, null, 42, {}, true) as fc.Arbitrary<unknown>,
);
const anyPayload = fc.oneof(
  fc.string(),
  fc.uint8Array(),
  fc.object(),
  fc.constantFrom(undefined, null, 0, () => 1, Symbol('s')) as fc.Arbitrary<unknown>,
);

function expectKnownFailure(error: unknown) {
  expect(error).toBeInstanceOf(SignatureVerificationException);
  expect(signatureErrorCodes).toContain((error as SignatureVerificationException).code);
}

describe('robustness', () => {
  it('any header and payload: a result or a coded SignatureVerificationException (node and web)', async () => {
    await fc.assert(
      fc.asyncProperty(anyHeader, anyPayload, async (header, payload) => {
        try {
          node.verify(payload as string, header as string);
        } catch (error) {
          expectKnownFailure(error);
        }
        await web.verify(payload as string, header as string).catch(expectKnownFailure);
      }),
      { numRuns: 300 },
    );
  });

  it('a correct signature verifies in any order, with any spacing and extra entries', () => {
    const space = fc.constantFrom('', ' ', '  ', '\t');
    const extra = fc.constantFrom('v0=abc', `v1=${'0'.repeat(64)}`, 'scheme=x', 'v1=');
    fc.assert(
      fc.property(
        fc.array(extra, { maxLength: 3 }),
        fc.array(space, { minLength: 8, maxLength: 8 }),
        fc.nat(),
        (extras, s, seed) => {
          const entries = [`t${s[0]}=${s[1]}${T}`, `v1${s[2]}=${s[3]}${good}`, ...extras];
          // A deterministic shuffle from the seed.
          const shuffled = entries
            .map((e, i) => ({ e, k: (seed * 31 + i * 17) % 101 }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.e);
          const header = shuffled.map((e) => `${s[4]}${e}${s[5]}`).join(',');
          expect(node.verify(body, header)).toEqual({ timestampMs: T, secretIndex: 0 });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('says what the payload was without printing it (a function is not dumped)', () => {
    const fn = () => 'secret source';
    expect(() => node.verify(fn as unknown as string, `t=${T}, v1=${good}`)).toThrow(
      /The payload was function: no body was read/,
    );
  });
});
