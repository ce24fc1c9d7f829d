// Property tests against @workos-inc/node 11.0.0: random raw bodies of the kinds that break
// re-serialization (unicode, \u escapes, key orders, 1.0, integers beyond 2^53, whitespace),
// signed by us and verified by the SDK, and signed by the SDK and verified by us, for every
// payload type; and random timestamps and tolerances, where the facade must give the SDK's
// outcome and message and the strict facade the native API's. 200 runs each keeps the file to a
// few seconds.
import { createHmac } from 'node:crypto';
import { WorkOS as SdkWorkOS } from '@workos-inc/node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

  it('computeSignature equals the SDK for any bytes, invalid UTF-8 included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 64 }),
        fc.nat().map(String),
        secrets,
        async (bytes, t, secret) => {
          for (const payload of [bytes, Buffer.from(bytes), bytes.slice().buffer]) {
            expect(await ours.computeSignature(t, payload, secret)).toBe(
              await sdk.computeSignature(t, payload, secret),
            );
          }
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

// --- timestamps -------------------------------------------------------------------------------

const yearMs = 365 * 86_400_000;
const defaultTolerance = 180_000;

/** `t` as it goes in the header, relative to a frozen `now`. */
function timestampText(now: number): fc.Arbitrary<string> {
  const ms = (min: number, max: number) => fc.integer({ min, max }).map((d) => String(now + d));
  return fc.oneof(
    ms(-defaultTolerance, 0), // past, inside the default tolerance
    ms(-defaultTolerance - 5, -defaultTolerance + 5), // around the edge
    ms(-10 * yearMs, -defaultTolerance - 1), // past, outside
    ms(1, 10 * yearMs), // ahead
    fc.integer({ min: -1_000_000, max: 1_000_000 }).map((d) => String(now * 1000 + d)), // µs
    fc.integer({ min: 0, max: 2_000_000_000 }).map(String), // seconds, small numbers
    fc.constantFrom('0', '-0', '00', `0${now}`),
    fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: -1 }).map(String), // negative
    fc.bigInt({ min: 10n ** 16n, max: 10n ** 400n }).map(String), // huge, beyond 16 digits
    fc.constantFrom('Infinity', '-Infinity', 'NaN', '1e3', `${now}e3`, '0x10', `+${now}`),
    fc.constantFrom(`${now}.5`, `${now}abc`, `${now} 1`, '', 'abc', 'null', 'undefined'),
    // Anything without the header's separators, trimmed: the SDK signs the value as it sits
    // between "t=" and the comma, and the facade reads the same text.
    fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map((x) => x.replace(/[,=]/g, '').trim()),
  );
}

const toleranceArb = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(0, 1, 200, 180_000, 300_000),
  fc.integer({ min: 0, max: 20 * yearMs }),
);

type TimestampOutcome = { ok: true } | { name: string; message: string };

async function outcomeOf(run: () => Promise<unknown>): Promise<TimestampOutcome> {
  try {
    await run();
    return { ok: true };
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
}

describe('timestamps: the facade gives the SDK outcome and message for any t (fast-check)', () => {
  // Date is frozen so the SDK (Date.now()) and the facade (the system clock) see the same now.
  const now = 1_790_000_000_000;
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'], now });
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  const text = '{"id":"event_t","event":"x.y","created_at":"c","data":{}}';
  const secret = 'whsec_timestamps';
  const sign = (t: string, key: string) =>
    createHmac('sha256', key).update(`${t}.`).update(text).digest('hex');

  it('verifyHeader and constructEvent: same accept/reject, same class name and message', async () => {
    await fc.assert(
      fc.asyncProperty(
        timestampText(now),
        toleranceArb,
        fc.boolean(),
        async (t, tolerance, signedRight) => {
          const v1 = sign(t, signedRight ? secret : 'whsec_other');
          const args = { payload: text, sigHeader: `t=${t}, v1=${v1}`, secret, tolerance };
          for (const method of ['verifyHeader', 'constructEvent'] as const) {
            const theirs = await outcomeOf(() => sdk[method](args));
            const mine = await outcomeOf(() => ours[method](args));
            expect(mine).toEqual(theirs);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('any header shape and payload form: the facade accepts what the SDK accepts; when it rejects, the SDK rejects with the same message', async () => {
    // Valid JSON whose string holds a byte that is not UTF-8.
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"id":"event_t","event":"x.y","created_at":"c","data":{"s":"'),
      Buffer.from([0xff]),
      Buffer.from('"}}'),
    ]);
    const payloads = {
      string: text,
      Buffer: Buffer.from(text),
      object: JSON.parse(text) as object,
      'invalid UTF-8': invalidUtf8,
    } as const;
    const signedText = (kind: keyof typeof payloads) =>
      kind === 'invalid UTF-8'
        ? fc.constantFrom<string | Buffer>(invalidUtf8, new TextDecoder().decode(invalidUtf8))
        : fc.constant<string | Buffer>(text);
    const part = (t: string, signedOver: string | Buffer) => {
      const good = createHmac('sha256', secret).update(`${t}.`).update(signedOver).digest('hex');
      return fc.oneof(
        { arbitrary: fc.constant(`t=${t}`), weight: 4 },
        { arbitrary: fc.constant(`v1=${good}`), weight: 4 },
        fc.constant(`v1=${good.toUpperCase()}`),
        fc.constant(`v1=${'0'.repeat(64)}`),
        fc.constant('v1='),
        fc.constantFrom(`x=${t}`, `y=${good}`, `v0=${good}`, `t=${now}`, 'abc', '', `t=${t}=1`),
      );
    };
    const pad = fc.oneof({ arbitrary: fc.constant(''), weight: 4 }, fc.constantFrom(' ', '  '));
    const shape = fc
      .record({
        kind: fc.constantFrom(...(Object.keys(payloads) as (keyof typeof payloads)[])),
        t: fc.oneof(timestampText(now), { arbitrary: fc.constant(String(now)), weight: 2 }),
      })
      .chain(({ kind, t }) =>
        signedText(kind).chain((signedOver) =>
          fc.record({
            kind: fc.constant(kind),
            parts: fc.array(fc.tuple(pad, part(t, signedOver), pad), {
              minLength: 0,
              maxLength: 4,
            }),
          }),
        ),
      );
    let bothAccepted = 0;
    await fc.assert(
      fc.asyncProperty(shape, async ({ kind, parts }) => {
        const sigHeader = parts.map(([a, p, b]) => `${a}${p}${b}`).join(',');
        const args = { payload: payloads[kind], sigHeader, secret };
        for (const method of ['verifyHeader', 'constructEvent'] as const) {
          const theirs = await outcomeOf(() => sdk[method](args));
          const mine = await outcomeOf(() => ours[method](args));
          if ('ok' in theirs) expect(mine).toEqual(theirs);
          if (!('ok' in mine)) {
            expect(mine.name).toBe(('name' in theirs && theirs.name) || 'accepted by the SDK');
            // The facade may only add the raw-body hint after the SDK's text.
            expect(
              `${mine.message}. `.startsWith(`${(theirs as { message: string }).message}. `),
            ).toBe(true);
          }
          if ('ok' in theirs && 'ok' in mine) bothAccepted++;
        }
        // The header's parts as the SDK reads them, or the same exception.
        const hashParts = (w: { getTimestampAndSignatureHash: (h: string) => unknown }) => {
          try {
            return [...(w.getTimestampAndSignatureHash(sigHeader) as unknown[])];
          } catch (error) {
            return { name: (error as Error).name, message: (error as Error).message };
          }
        };
        expect(hashParts(ours)).toEqual(hashParts(sdk));
      }),
      { numRuns: 600 },
    );
    expect(bothAccepted).toBeGreaterThan(10); // not vacuous: many shapes are accepted by both
  });

  it('the generator covers accepted-ahead, accepted-unparsable, too-old and mismatch cases', async () => {
    const seen = new Set<string>();
    for (const t of fc.sample(timestampText(now), { numRuns: 600, seed: 7 })) {
      const n = parseInt(t, 10);
      const kind = Number.isNaN(n)
        ? 'unparsable'
        : n < now - defaultTolerance
          ? 'too old'
          : n > now + defaultTolerance
            ? 'ahead'
            : 'inside';
      seen.add(kind);
      if (!/^\d{1,16}$/.test(t)) seen.add('not digits');
    }
    expect([...seen].sort()).toEqual(['ahead', 'inside', 'not digits', 'too old', 'unparsable']);
  });

  it('with strictTimestamps: the outcome, code and message of the native createVerifier', async () => {
    const strict = new WorkOS({ strictTimestamps: true }).webhooks;
    await fc.assert(
      fc.asyncProperty(
        timestampText(now),
        fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 20 * yearMs })),
        async (t, toleranceMs) => {
          const sigHeader = `t=${t}, v1=${sign(t, secret)}`;
          const native = createVerifier({ secret, toleranceMs });
          const expected = await outcomeOf(async () => native.verify(text, sigHeader));
          const mine = await outcomeOf(() =>
            strict.verifyHeader({ payload: text, sigHeader, secret, tolerance: toleranceMs }),
          );
          expect(mine).toEqual(expected);
          const codeOf = (run: () => unknown) => {
            try {
              run();
              return 'ok';
            } catch (error) {
              return (error as { code?: string }).code;
            }
          };
          const code = codeOf(() => native.verify(text, sigHeader));
          await expect(
            strict.verifyHeader({ payload: text, sigHeader, secret, tolerance: toleranceMs }).then(
              () => 'ok',
              (error: { code?: string }) => error.code,
            ),
          ).resolves.toBe(code);
        },
      ),
      { numRuns: 300 },
    );
  });
});
