// Each deliberate difference from @workos-inc/node 11.0.0, asserted on its own: what the SDK
// does, what the compat facade does, and what the native API does instead
// (docs/verification.md, "Deliberate differences"). Timestamps: the facade is the SDK, the native
// API and the facade with strictTimestamps are strict. Everything else: the facade accepts more
// of what is genuine, never less.
import { createHmac } from 'node:crypto';
import { WorkOS as SdkWorkOS } from '@workos-inc/node';
import { describe, expect, it } from 'vitest';
import { createVerifier, WorkOS } from '../../src/index.js';
import { createVerifier as createWebVerifier } from '../../src/web.js';

const sdk = new SdkWorkOS({ clientId: 'client_x' }).webhooks;
const ours = new WorkOS().webhooks;
const secret = 'whsec_differences';
const body =
  '{"id":"event_1","event":"user.created","data":{"id":"user_1"},"created_at":"2024-01-01T00:00:00.000Z"}';

function hmac(t: string | number, payload: string | Uint8Array, key = secret): string {
  return createHmac('sha256', key).update(`${t}.`).update(payload).digest('hex');
}

async function settled(
  promise: Promise<unknown>,
): Promise<{ ok: true } | { code?: string; message: string }> {
  return promise.then(
    () => ({ ok: true as const }),
    (e: unknown) => ({ code: (e as { code?: string }).code, message: (e as Error).message }),
  );
}

const tolerance = 'Timestamp outside the tolerance zone';

describe('timestamps: the facade checks as the SDK does, the native API refuses', () => {
  const strict = new WorkOS({ strictTimestamps: true }).webhooks;
  const native = createVerifier({ secret });
  const web = createWebVerifier({ secret });

  it.each([
    ['ten years ahead', Date.now() + 10 * 365 * 86_400_000],
    ["the SDK spec's microseconds (Date.now() * 1000)", Date.now() * 1000],
  ])(
    'a timestamp %s: SDK and facade accept; native, web and strict facade refuse (timestamp_too_new)',
    async (_name, t) => {
      const args = { payload: body, sigHeader: `t=${t}, v1=${hmac(t, body)}`, secret };
      const tooNew = { code: 'timestamp_too_new', message: tolerance };
      expect(await settled(sdk.verifyHeader(args))).toEqual({ ok: true });
      expect(await settled(ours.verifyHeader(args))).toEqual({ ok: true });
      expect(await settled(strict.verifyHeader(args))).toEqual(tooNew);
      expect(
        await settled(Promise.resolve().then(() => native.verify(body, args.sigHeader))),
      ).toEqual(tooNew);
      expect(await settled(web.verify(body, args.sigHeader))).toEqual(tooNew);
    },
  );

  it.each(['abc', '', 'Infinity'])(
    'a t that does not parse (%j), correctly signed: SDK and facade accept (NaN compares false); native, web and strict facade refuse (invalid_timestamp)',
    async (t) => {
      const args = { payload: body, sigHeader: `t=${t}, v1=${hmac(t, body)}`, secret };
      const invalid = { code: 'invalid_timestamp', message: tolerance };
      expect(await settled(sdk.verifyHeader(args))).toEqual({ ok: true });
      expect(await settled(ours.verifyHeader(args))).toEqual({ ok: true });
      expect(await settled(strict.verifyHeader(args))).toEqual(invalid);
      expect(
        await settled(Promise.resolve().then(() => native.verify(body, args.sigHeader))),
      ).toEqual(invalid);
      expect(await settled(web.verify(body, args.sigHeader))).toEqual(invalid);
    },
  );

  it('a numeric prefix then junk (12abc): SDK and facade read 12 and say too old; native says invalid', async () => {
    const t = `${Date.now()}abc`;
    const args = { payload: body, sigHeader: `t=${t}, v1=${hmac(t, body)}`, secret };
    // parseInt reads the digits: a current time with junk after it passes the SDK's check.
    expect(await settled(sdk.verifyHeader(args))).toEqual({ ok: true });
    expect(await settled(ours.verifyHeader(args))).toEqual({ ok: true });
    expect(await settled(strict.verifyHeader(args))).toEqual({
      code: 'invalid_timestamp',
      message: tolerance,
    });
  });

  it('a tolerance that is not a number: SDK and facade accept anything (NaN); the strict facade and native API throw RangeError', async () => {
    const t = 1;
    const args = {
      payload: body,
      sigHeader: `t=${t}, v1=${hmac(t, body)}`,
      secret,
      tolerance: Number.NaN,
    };
    expect(await settled(sdk.verifyHeader(args))).toEqual({ ok: true });
    expect(await settled(ours.verifyHeader(args))).toEqual({ ok: true });
    await expect(strict.verifyHeader(args)).rejects.toThrow(RangeError);
    expect(() => createVerifier({ secret, toleranceMs: Number.NaN })).toThrow(RangeError);
  });

  it('the strict facade keeps the one check the SDK has: too old is refused the same way', async () => {
    const t = Date.now() - 180_050;
    const args = { payload: body, sigHeader: `t=${t}, v1=${hmac(t, body)}`, secret };
    const tooOld = { code: 'timestamp_too_old', message: tolerance };
    expect(await settled(sdk.verifyHeader(args))).toMatchObject({ message: tolerance });
    expect(await settled(ours.verifyHeader(args))).toEqual(tooOld);
    expect(await settled(strict.verifyHeader(args))).toEqual(tooOld);
  });
});

describe('header and body: the facade accepts what the SDK accepts and more of what is genuine', () => {
  it('reversed order v1=…, t=…: SDK rejects (reads by position), we accept (read by key)', async () => {
    const t = Date.now();
    const args = { payload: body, sigHeader: `v1=${hmac(t, body)}, t=${t}`, secret };
    // The SDK takes the hex as the timestamp: parseInt gives a small number (too old) or NaN
    // (then the hash, the timestamp string, does not match).
    expect(await settled(sdk.verifyHeader(args))).toMatchObject({
      message: expect.stringMatching(
        /^(Timestamp outside the tolerance zone|Signature hash does not match)/,
      ),
    });
    expect(await settled(ours.verifyHeader(args))).toEqual({ ok: true });
  });

  it('key names: SDK and facade accept x=…, y=… (names ignored by position); the native API requires t and v1 (malformed_header)', async () => {
    const t = Date.now();
    const args = { payload: body, sigHeader: `x=${t}, y=${hmac(t, body)}`, secret };
    expect(await settled(sdk.verifyHeader(args))).toEqual({ ok: true });
    expect(await settled(ours.verifyHeader(args))).toEqual({ ok: true });
    expect(() => createVerifier({ secret }).verify(body, args.sigHeader)).toThrow(
      expect.objectContaining({
        code: 'malformed_header',
        message: 'Signature or timestamp missing',
      }),
    );
  });

  it('whitespace after "=": SDK compares " <hex>" and fails, we trim and accept', async () => {
    const t = Date.now();
    const args = { payload: body, sigHeader: `t=${t}, v1= ${hmac(t, body)}`, secret };
    expect(await settled(sdk.verifyHeader(args))).toMatchObject({
      message: expect.stringMatching(/^Signature hash does not match/),
    });
    expect(await settled(ours.verifyHeader(args))).toEqual({ ok: true });
  });

  it('several v1 with the good one second: SDK checks only the first, we accept any', async () => {
    const t = Date.now();
    const args = {
      payload: body,
      sigHeader: `t=${t}, v1=${'0'.repeat(64)}, v1=${hmac(t, body)}`,
      secret,
    };
    expect(await settled(sdk.verifyHeader(args))).toMatchObject({
      message: expect.stringMatching(/^Signature hash does not match/),
    });
    expect(await settled(ours.verifyHeader(args))).toEqual({ ok: true });
  });

  it('secret rotation: a list of secrets, valid if any matches (the SDK takes one)', async () => {
    const t = Date.now();
    const sigHeader = `t=${t}, v1=${hmac(t, body, 'whsec_new')}`;
    expect(await settled(sdk.verifyHeader({ payload: body, sigHeader, secret }))).toMatchObject({
      message: expect.stringMatching(/^Signature hash does not match/),
    });
    expect(
      await settled(ours.verifyHeader({ payload: body, sigHeader, secret: [secret, 'whsec_new'] })),
    ).toEqual({
      ok: true,
    });
    expect(
      createVerifier({ secret: [secret, 'whsec_new'] }).verify(body, sigHeader).secretIndex,
    ).toBe(1);
    expect(
      (await createWebVerifier({ secret: [secret, 'whsec_new'] }).verify(body, sigHeader))
        .secretIndex,
    ).toBe(1);
  });

  it('a list as the secret: the SDK reads it as its text ("old,new"), we as a rotation', async () => {
    const t = Date.now();
    const list = [secret, 'whsec_new'];
    const overText = { payload: body, sigHeader: `t=${t}, v1=${hmac(t, body, list.join(','))}` };
    expect(await settled(sdk.verifyHeader({ ...overText, secret: list as never }))).toEqual({
      ok: true,
    });
    expect(await settled(ours.verifyHeader({ ...overText, secret: list }))).toMatchObject({
      message: expect.stringMatching(/^Signature hash does not match/),
    });
  });

  it.each([
    ['null', null],
    ['a number', 42],
    ['an object', { t: 1 }],
  ])(
    'a header that is %s: the SDK throws a TypeError, we reject with missing_header',
    async (_name, sigHeader) => {
      const args = { payload: body, sigHeader: sigHeader as never, secret };
      const theirs = await sdk.verifyHeader(args).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(theirs).toBeInstanceOf(TypeError);
      expect(await settled(ours.verifyHeader(args))).toEqual({
        code: 'missing_header',
        message: 'Signature or timestamp missing',
      });
    },
  );

  it('a payload changed before the promise settles: the SDK parses the changed bytes, we the verified ones', async () => {
    const t = Date.now();
    const signed = JSON.stringify({ id: 'event_1', event: 'user.created', data: { name: 'Ada' } });
    const run = async (webhooks: typeof ours) => {
      const payload = Buffer.from(signed);
      const pending = webhooks.constructEvent({
        payload,
        sigHeader: `t=${t}, v1=${hmac(t, signed)}`,
        secret,
      });
      payload.write('Eve', payload.indexOf('Ada'));
      return ((await pending).data as { name: string }).name;
    };
    expect(await run(sdk as unknown as typeof ours)).toBe('Eve');
    expect(await run(ours)).toBe('Ada');
  });

  it('a failing parsed object: same SDK message, then how to pass the raw body', async () => {
    const t = Date.now();
    const pretty = JSON.stringify(JSON.parse(body), null, 1);
    const args = {
      payload: JSON.parse(pretty) as object,
      sigHeader: `t=${t}, v1=${hmac(t, pretty)}`,
      secret,
    };
    const theirs = await settled(sdk.verifyHeader(args));
    const mine = await settled(ours.verifyHeader(args));
    expect(theirs).toEqual({
      code: undefined,
      message: 'Signature hash does not match the expected signature hash for payload',
    });
    expect(mine).toMatchObject({
      code: 'signature_mismatch',
      message: expect.stringContaining('raw request body'),
    });
    expect(
      (mine as { message: string }).message.startsWith(
        `${(theirs as { message: string }).message}. `,
      ),
    ).toBe(true);
  });

  it('an unset secret: the SDK fails inside Web Crypto (not an SVE), we report no_secret', async () => {
    const t = Date.now();
    const args = {
      payload: body,
      sigHeader: `t=${t}, v1=${hmac(t, body)}`,
      secret: undefined as unknown as string,
    };
    const theirs = await sdk.verifyHeader(args).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(theirs).toBeInstanceOf(Error);
    expect(theirs!.name).not.toBe('SignatureVerificationException');
    expect(await settled(ours.verifyHeader(args))).toEqual({
      code: 'no_secret',
      message: 'No webhook secret was given',
    });
  });

  describe('invalid UTF-8 bytes: we HMAC the bytes as received, the SDK HMACs them decoded (U+FFFD)', () => {
    const raw = Buffer.concat([
      Buffer.from('{"id":"e","event":"x","created_at":"c","data":{"s":"'),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('"}}'),
    ]);
    const decoded = new TextDecoder('utf-8', { ignoreBOM: true }).decode(raw);

    it('signed over the raw bytes: the facade and native API accept, the SDK rejects', async () => {
      const t = Date.now();
      const args = { payload: raw, sigHeader: `t=${t}, v1=${hmac(t, raw)}`, secret };
      expect(await settled(ours.verifyHeader(args))).toEqual({ ok: true });
      expect(await settled(createWebVerifier({ secret }).verify(raw, args.sigHeader))).toEqual({
        ok: true,
      });
      expect(await settled(sdk.verifyHeader(args))).toMatchObject({
        message: expect.stringMatching(/^Signature hash does not match/),
      });
    });

    it('signed over the U+FFFD-replaced text: SDK and facade accept, the native API rejects', async () => {
      const t = Date.now();
      const args = { payload: raw, sigHeader: `t=${t}, v1=${hmac(t, decoded)}`, secret };
      expect(await settled(sdk.verifyHeader(args))).toEqual({ ok: true });
      expect(await settled(ours.verifyHeader(args))).toEqual({ ok: true });
      expect(await ours.constructEvent(args)).toEqual(await sdk.constructEvent(args));
      expect(() => createVerifier({ secret }).verify(raw, args.sigHeader)).toThrow(
        expect.objectContaining({ code: 'signature_mismatch' }),
      );
      expect(
        await settled(createWebVerifier({ secret }).verify(raw, args.sigHeader)),
      ).toMatchObject({ code: 'signature_mismatch' });
    });

    it('valid UTF-8, a BOM included, gives the same HMAC input both ways', async () => {
      const t = Date.now();
      const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"é":"😀"}')]);
      const args = { payload: bom, sigHeader: `t=${t}, v1=${hmac(t, bom)}`, secret };
      expect(await settled(sdk.verifyHeader(args))).toEqual({ ok: true });
      expect(await settled(ours.verifyHeader(args))).toEqual({ ok: true });
    });
  });
});
