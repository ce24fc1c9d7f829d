// Property tests against @workos-inc/node 11.0.0: random raw bodies of the kinds that break
// re-serialization (unicode, \u escapes, key orders, 1.0, integers beyond 2^53, whitespace),
// signed by us and verified by the SDK, and signed by the SDK and verified by us, for every
// payload type. 200 runs each keeps the file to a few seconds.
import { WorkOS as SdkWorkOS } from '@workos-inc/node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVerifier, signatureHeader, WorkOS } from '../../src/index.js';
import { createVerifier as createWebVerifier } from '../../src/web.js';

const sdk = new SdkWorkOS({ clientId: 'client_x' }).webhooks;
const ours = new WorkOS().webhooks;
const numRuns = 200;

const ws = fc.constantFrom('', '', ' ', '\n', '\t', '  ', '\r\n');
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom('1.0', '-0', '1e5', '1E-7', '0.10', '12345678901234567890', '-9007199254740993'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
);
// Characters written as themselves or as \u escapes (including lone surrogates, which only an
// escape can carry in valid UTF-8).
const stringText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => JSON.stringify(s).slice(1, -1)),
      fc.integer({ min: 0, max: 0xffff }).map((c) => `\\u${c.toString(16).padStart(4, '0')}`),
      fc.constantFrom('é', '😀', 'Zoë', '\\"', '\\\\', '\\n', '\\/'),
    ),
    { maxLength: 6 },
  )
  .map((parts) => `"${parts.join('')}"`);

const { object: objectText } = fc.letrec<{ value: string; object: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringText,
    numberText,
    fc.constantFrom('true', 'false', 'null'),
    fc
      .array(fc.tuple(ws, tie('value'), ws), { maxLength: 4 })
      .map((items) => `[${items.map(([a, v, b]) => `${a}${v}${b}`).join(',')}]`),
    tie('object'),
  ),
  object: fc
    // Keys in any order, integer-like ones too (JSON.parse would move those first).
    .array(
      fc.tuple(
        fc.oneof(
          stringText,
          fc.nat(99).map((n) => `"${n}"`),
        ),
        ws,
        tie('value'),
      ),
      {
        maxLength: 4,
      },
    )
    .map((entries) => `{${entries.map(([k, w, v]) => `${w}${k}${w}:${v}`).join(',')}}`),
}));

const body = fc
  .tuple(ws, objectText, ws)
  .map(([a, data, b]) => `${a}{"id":"event_1","event":"x.y","created_at":"c","data":${data}}${b}`);

const payloadKinds = {
  string: (s: string) => s,
  Buffer: (s: string) => Buffer.from(s),
  Uint8Array: (s: string) => new TextEncoder().encode(s),
  ArrayBuffer: (s: string) => new TextEncoder().encode(s).buffer,
} as const;

const secrets = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });

describe('conformance with @workos-inc/node 11.0.0 (fast-check)', () => {
  it('the generator produces bodies the SDK object path cannot verify (it exercises raw bytes)', () => {
    const samples = fc.sample(body, { numRuns: 300, seed: 1 });
    expect(samples.every((s) => typeof JSON.parse(s) === 'object')).toBe(true);
    const changed = samples.filter((s) => JSON.stringify(JSON.parse(s)) !== s).length;
    expect(changed).toBeGreaterThan(150);
  });

  for (const [kind, toPayload] of Object.entries(payloadKinds)) {
    it(`signed by us, verified by the SDK: ${kind} payloads`, async () => {
      await fc.assert(
        fc.asyncProperty(body, secrets, async (text, secret) => {
          const sigHeader = signatureHeader(text, secret, Date.now());
          await expect(
            sdk.verifyHeader({ payload: toPayload(text), sigHeader, secret }),
          ).resolves.toBe(true);
        }),
        { numRuns },
      );
    });

    it(`signed by the SDK, verified by us (compat, fast and web verifiers): ${kind} payloads`, async () => {
      await fc.assert(
        fc.asyncProperty(body, secrets, async (text, secret) => {
          const t = Date.now();
          const sigHeader = `t=${t}, v1=${await sdk.computeSignature(t, toPayload(text), secret)}`;
          await expect(
            ours.verifyHeader({ payload: toPayload(text), sigHeader, secret }),
          ).resolves.toBe(true);
          const event = createVerifier({ secret }).verifyAndParse(toPayload(text), sigHeader);
          expect(event).toEqual(JSON.parse(text));
          await expect(
            createWebVerifier({ secret }).verifyAndParse(toPayload(text), sigHeader),
          ).resolves.toEqual(event);
          // And the SDK's constructEvent and ours agree on the result.
          const args = { payload: toPayload(text), sigHeader, secret };
          expect(await ours.constructEvent(args)).toEqual(await sdk.constructEvent(args));
        }),
        { numRuns },
      );
    });
  }

  it('computeSignature equals the SDK for any text, timestamp and secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.oneof(fc.nat().map(String), fc.string({ maxLength: 15 })),
        secrets,
        async (text, t, secret) => {
          expect(await ours.computeSignature(t, text, secret)).toBe(
            await sdk.computeSignature(t, text, secret),
          );
        },
      ),
      { numRuns },
    );
  });

  it('any single-byte change to a signed body is rejected by both', async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (text, at, delta) => {
          const secret = 'whsec_mutation';
          const bytes = Buffer.from(text);
          const sigHeader = signatureHeader(bytes, secret, Date.now());
          const mutated = Buffer.from(bytes);
          const i = at % mutated.length;
          mutated[i] = (mutated[i]! + delta) % 256;
          await expect(ours.verifyHeader({ payload: mutated, sigHeader, secret })).rejects.toThrow(
            /^Signature hash does not match/,
          );
          // The SDK decodes first: a change inside a multi-byte sequence can decode to the same
          // U+FFFD text, so only assert it where the decoded text differs.
          const decode = (b: Buffer) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);
          if (decode(mutated) !== decode(bytes)) {
            await expect(sdk.verifyHeader({ payload: mutated, sigHeader, secret })).rejects.toThrow(
              /^Signature hash does not match/,
            );
          }
        },
      ),
      { numRuns },
    );
  });
});
