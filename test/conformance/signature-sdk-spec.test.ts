// The official SDK's own webhook spec cases and the observed-behaviour matrix
// (shared/reference/workos-node-sdk.md §1.5, §3.2, §3.3), run against @workos-inc/node 11.0.0
// and against us: the same accept/reject and the same message. The spec's cases sign as the
// spec does, at Date.now() * 1000 (microseconds: far ahead), which the facade accepts as the SDK
// does and the native API refuses; the matrix signs in milliseconds and also runs the native
// API. Deliberate differences are in signature-differences.test.ts, one test each.
import { createHmac } from 'node:crypto';
import { WorkOS as SdkWorkOS, SignatureVerificationException as SdkSVE } from '@workos-inc/node';
import { describe, expect, it } from 'vitest';
import { SignatureVerificationException, verifySignature, WorkOS } from '../../src/index.js';
import { verifySignature as webVerifySignature } from '../../src/web.js';

const sdk = new SdkWorkOS({ clientId: 'client_x' }).webhooks;
const ours = new WorkOS().webhooks;
const secret = 'secret';

// The SDK's spec fixture shape (src/webhooks/fixtures/webhook.json, reference §3.1).
const fixture = {
  id: 'wh_123',
  data: {
    id: 'directory_user_01FAEAJCR3ZBZ30D8BD1924TVG',
    state: 'active',
    emails: [{ type: 'work', value: 'blair@foo-corp.com', primary: true }],
    idp_id: '00u1e8mutl6wlH3lL4x7',
    object: 'directory_user',
    username: 'blair@foo-corp.com',
    last_name: 'Lunchford',
    first_name: 'Blair',
    directory_id: 'directory_01F9M7F68PZP8QXP8G7X5QRHS7',
    created_at: '2021-06-25T19:07:33.155Z',
    updated_at: '2021-06-25T19:07:33.155Z',
    raw_attributes: {
      name: { givenName: 'Blair', familyName: 'Lunchford', middleName: 'Elizabeth' },
      title: 'Developer Success Engineer',
      active: true,
      groups: [],
      locale: 'en-US',
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      externalId: '00u1e8mutl6wlH3lL4x7',
      displayName: 'Blair Lunchford',
    },
  },
  event: 'dsync.user.created',
  created_at: '2021-06-25T19:07:33.155Z',
};
const compact = JSON.stringify(fixture);

function hmac(t: string | number, body: string | Uint8Array, key = secret): string {
  return createHmac('sha256', key).update(`${t}.`).update(body).digest('hex');
}
const header = (t: string | number, hash: string) => `t=${t}, v1=${hash}`;

type Outcome = { ok: true } | { error: string; message: string };
interface Call {
  payload: unknown;
  sigHeader: string;
  secret?: string;
  tolerance?: number;
}

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return { ok: true };
  } catch (error) {
    const e = error as Error;
    // The class is each library's own; compare by name, which both set.
    return { error: e.name, message: e.message };
  }
}

/** The spec's timestamp: microseconds, so ~1000x now. */
const specTimestamp = () => Date.now() * 1000;

async function both(call: Call, method: 'verifyHeader' | 'constructEvent' = 'verifyHeader') {
  const args = { secret, ...call } as Parameters<typeof sdk.verifyHeader>[0];
  const theirs = await outcome(() => sdk[method](args));
  const mine = await outcome(() => ours[method](args));
  return { theirs, mine };
}

/** Accepts/rejects as the SDK does, with the SDK's message, through the facade. */
async function expectFacadeSameAsSdk(call: Call, expected: Outcome) {
  for (const method of ['verifyHeader', 'constructEvent'] as const) {
    const { theirs, mine } = await both(call, method);
    expect(theirs).toEqual(expected);
    expect(mine).toEqual(expected);
  }
}

/** Accepts/rejects as the SDK does, with the SDK's message, in both core implementations too. */
async function expectSameAsSdk(call: Call, expected: Outcome) {
  const { theirs, mine } = await both(call);
  expect(theirs).toEqual(expected);
  expect(mine).toEqual(expected);
  const toleranceMs = call.tolerance;
  const core = await outcome(async () =>
    verifySignature({
      payload: call.payload as string,
      sigHeader: call.sigHeader,
      secret: call.secret ?? secret,
      toleranceMs,
    }),
  );
  const web = await outcome(() =>
    webVerifySignature({
      payload: call.payload as string,
      sigHeader: call.sigHeader,
      secret: call.secret ?? secret,
      toleranceMs,
    }),
  );
  expect(core).toEqual(expected);
  expect(web).toEqual(expected);
}

const ok: Outcome = { ok: true };
const sve = (message: string): Outcome => ({ error: 'SignatureVerificationException', message });
const missing = sve('Signature or timestamp missing');
const noV1 = sve('No signature hash found with expected scheme v1');
const tolerance = sve('Timestamp outside the tolerance zone');
const mismatch = sve('Signature hash does not match the expected signature hash for payload');

describe('SDK webhooks.spec.ts › constructEvent (ported, signed in microseconds as the spec signs)', () => {
  it('with the correct payload, sig_header, and secret › returns the same event as the SDK', async () => {
    const t = specTimestamp();
    const args = { payload: fixture, sigHeader: header(t, hmac(t, compact)), secret };
    const event = await ours.constructEvent(args);
    expect(event).toEqual(await sdk.constructEvent(args));
    expect(event.id).toBe('wh_123');
    expect(event.event).toBe('dsync.user.created');
  });

  it('with the correct payload, sig_header, secret, and tolerance › returns a webhook event', async () => {
    // A 200 ms tolerance passes only because the check is one-sided and t lies far ahead.
    const t = specTimestamp();
    const args = {
      payload: fixture,
      sigHeader: header(t, hmac(t, compact)),
      secret,
      tolerance: 200,
    };
    expect(await ours.constructEvent(args)).toEqual(await sdk.constructEvent(args));
  });

  it('with an empty header › raises an error', async () => {
    const { theirs, mine } = await both({ payload: fixture, sigHeader: '' }, 'constructEvent');
    expect(theirs).toEqual(missing);
    expect(mine).toEqual(missing);
    await expect(ours.constructEvent({ payload: fixture, sigHeader: '', secret })).rejects.toThrow(
      SignatureVerificationException,
    );
  });

  it.each([
    ['an empty signature hash', (t: number) => header(t, ''), fixture, secret, noV1],
    ['an incorrect signature hash', (t: number) => header(t, '99999'), fixture, secret, mismatch],
    [
      'an incorrect payload',
      (t: number) => header(t, hmac(t, compact)),
      'invalid',
      secret,
      mismatch,
    ],
    [
      'an incorrect webhook secret',
      (t: number) => header(t, hmac(t, compact)),
      fixture,
      'secret2',
      // The object path adds the raw-body hint to our message; the SDK's text comes first.
      mismatch,
    ],
    [
      'a timestamp outside tolerance',
      () => header(9999, hmac(9999, compact)),
      fixture,
      secret,
      tolerance,
    ],
  ] as const)('with %s › raises an error', async (_name, makeHeader, payload, key, expected) => {
    const { theirs, mine } = await both(
      { payload, sigHeader: makeHeader(specTimestamp()), secret: key },
      'constructEvent',
    );
    expect(theirs).toEqual(expected);
    expect(mine).toMatchObject({ error: 'SignatureVerificationException' });
    expect(
      (mine as { message: string }).message.startsWith((expected as { message: string }).message),
    ).toBe(true);
  });
});

describe('SDK webhooks.spec.ts › aliases (ported: the same results as the SDK)', () => {
  const t = specTimestamp();
  const sigHeader = header(t, hmac(t, compact));

  it('verifyHeader resolves true for the spec header, as the SDK does', async () => {
    const args = { payload: fixture, sigHeader, secret };
    await expect(sdk.verifyHeader(args)).resolves.toBe(true);
    await expect(ours.verifyHeader(args)).resolves.toBe(true);
  });

  it('computeSignature gives the spec signature, as the SDK does', async () => {
    expect(await ours.computeSignature(t, fixture, secret)).toBe(hmac(t, compact));
    expect(await ours.computeSignature(t, fixture, secret)).toBe(
      await sdk.computeSignature(t, fixture, secret),
    );
  });

  it('getTimestampAndSignatureHash returns the microsecond timestamp and hash, as the SDK does', () => {
    expect(ours.getTimestampAndSignatureHash(sigHeader)).toEqual([String(t), hmac(t, compact)]);
    expect(ours.getTimestampAndSignatureHash(sigHeader)).toEqual(
      sdk.getTimestampAndSignatureHash(sigHeader),
    );
  });
});

describe('SDK webhooks.spec.ts › raw-bytes payload path (ported, signed in microseconds)', () => {
  const t = specTimestamp();
  const sig = header(t, hmac(t, compact));
  const bytes = new TextEncoder().encode(compact);

  it.each([
    ['a raw JSON string', () => compact],
    ['a Buffer', () => Buffer.from(compact)],
    ['a Uint8Array', () => bytes],
    ['an ArrayBuffer', () => bytes.slice().buffer],
    ['the legacy parsed object (back-compat)', () => fixture],
  ])('verifies when payload is %s', async (_name, payload) => {
    await expectFacadeSameAsSdk({ payload: payload(), sigHeader: sig }, ok);
    const args = { payload: payload(), sigHeader: sig, secret };
    expect(await ours.constructEvent(args)).toEqual(await sdk.constructEvent(args));
  });

  it.each([
    ['whitespace (pretty-printed)', JSON.stringify(fixture, null, 2)],
    ['unicode-escaped characters', compact.replace('Blair', '\\u0042lair')],
    ['reordered keys', JSON.stringify(Object.fromEntries(Object.entries(fixture).reverse()))],
  ])('rejects mutated bytes that parse to the same object: %s', async (_name, mutated) => {
    expect(JSON.parse(mutated)).toEqual(fixture);
    await expectFacadeSameAsSdk({ payload: mutated, sigHeader: sig }, mismatch);
    await expectFacadeSameAsSdk({ payload: Buffer.from(mutated), sigHeader: sig }, mismatch);
  });

  it('rejects a Buffer with a prepended UTF-8 BOM', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(compact)]);
    await expectFacadeSameAsSdk({ payload: bom, sigHeader: sig }, mismatch);
  });
});

describe('the same spec cases with strictTimestamps: the native checks refuse microseconds', () => {
  const strict = new WorkOS({ strictTimestamps: true }).webhooks;

  it('refuses the spec header (timestamp_too_new) and accepts the same body signed in ms', async () => {
    const t = specTimestamp();
    await expect(
      strict.constructEvent({ payload: fixture, sigHeader: header(t, hmac(t, compact)), secret }),
    ).rejects.toMatchObject({
      code: 'timestamp_too_new',
      message: 'Timestamp outside the tolerance zone',
    });
    const ms = Date.now();
    const args = { payload: compact, sigHeader: header(ms, hmac(ms, compact)), secret };
    expect(await strict.constructEvent(args)).toEqual(await sdk.constructEvent(args));
  });
});

describe('SDK signature-provider.spec.ts (ported)', () => {
  it('returns true when the signature is valid', async () => {
    const t = Date.now();
    await expect(
      ours.verifyHeader({ payload: fixture, sigHeader: header(t, hmac(t, compact)), secret }),
    ).resolves.toBe(true);
  });

  it('returns the timestamp and signature when the signature is valid', () => {
    const t = Date.now();
    const h = header(t, hmac(t, compact));
    expect(ours.getTimestampAndSignatureHash(h)).toEqual([t.toString(), hmac(t, compact)]);
    expect(ours.getTimestampAndSignatureHash(h)).toEqual(sdk.getTimestampAndSignatureHash(h));
  });

  it('returns the computed signature', async () => {
    const t = Date.now();
    expect(await ours.computeSignature(t, fixture, secret)).toBe(hmac(t, compact));
    expect(await ours.computeSignature(t, fixture, secret)).toBe(
      await sdk.computeSignature(t, fixture, secret),
    );
  });
});

describe('observed-behaviour matrix (reference §1.5): same outcome and message as the SDK', () => {
  const now = () => Date.now();

  it.each([
    ['object payload, correct header', (t: number) => header(t, hmac(t, compact)), ok],
    ['no space after the comma', (t: number) => `t=${t},v1=${hmac(t, compact)}`, ok],
    ['several spaces after the comma', (t: number) => `t=${t},   v1=${hmac(t, compact)}`, ok],
    [
      'good v1 first, bad second',
      (t: number) => `${header(t, hmac(t, compact))}, v1=${'0'.repeat(64)}`,
      ok,
    ],
    ['uppercase hex', (t: number) => header(t, hmac(t, compact).toUpperCase()), mismatch],
    ['empty header', () => '', missing],
    ['timestamp only', (t: number) => `t=${t}`, missing],
    ['empty v1', (t: number) => `t=${t}, v1=`, noV1],
    ['a part without =', (t: number) => `t=${t}, abc`, noV1],
    [
      'timestamp in seconds',
      (t: number) => header(Math.floor(t / 1000), hmac(Math.floor(t / 1000), compact)),
      tolerance,
    ],
    ['180.05 s old', (t: number) => header(t - 180_050, hmac(t - 180_050, compact)), tolerance],
    ['170 s old', (t: number) => header(t - 170_000, hmac(t - 170_000, compact)), ok],
  ] as const)('%s', async (_name, makeHeader, expected) => {
    await expectSameAsSdk({ payload: compact, sigHeader: makeHeader(now()) }, expected);
  });

  it('wrong secret', async () => {
    const t = now();
    await expectSameAsSdk(
      { payload: compact, sigHeader: header(t, hmac(t, compact, 'x')) },
      mismatch,
    );
  });

  it('170 s old with tolerance 200 (milliseconds)', async () => {
    const t = now() - 170_000;
    await expectSameAsSdk(
      { payload: compact, sigHeader: header(t, hmac(t, compact)), tolerance: 200 },
      tolerance,
    );
  });

  it('pretty-printed body while the signature is over the compact body', async () => {
    const t = now();
    await expectSameAsSdk(
      { payload: JSON.stringify(fixture, null, 2), sigHeader: header(t, hmac(t, compact)) },
      mismatch,
    );
  });

  it('a validly signed non-JSON string: SyntaxError from constructEvent, not SVE', async () => {
    const t = now();
    const { theirs, mine } = await both(
      { payload: 'not json', sigHeader: header(t, hmac(t, 'not json')) },
      'constructEvent',
    );
    expect(theirs).toMatchObject({ error: 'SyntaxError' });
    expect(mine).toMatchObject({ error: 'SyntaxError' });
  });

  it('an unknown event name passes through with raw data', async () => {
    const t = now();
    const body = JSON.stringify({
      id: 'e1',
      event: 'something.new',
      data: { snake_key: 1 },
      created_at: 'c',
    });
    const args = { payload: body, sigHeader: header(t, hmac(t, body)), secret };
    const event = await ours.constructEvent(args);
    expect(event).toEqual(await sdk.constructEvent(args));
    expect(event.data).toEqual({ snake_key: 1 });
  });

  it('both throw a class named SignatureVerificationException with the default message', () => {
    expect(new SignatureVerificationException('').message).toBe(new SdkSVE('').message);
    expect(new SignatureVerificationException('x').name).toBe(new SdkSVE('x').name);
    expect(new SignatureVerificationException('x')).toBeInstanceOf(Error);
  });
});

describe('values the SDK reads as text: the same result as the SDK', () => {
  const body = compact;
  /** What a promise came to: its value, or the error's class, name and message. */
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      (value) => ({ value }),
      (e: unknown) => ({
        error: (e as Error).constructor.name,
        name: (e as Error).name,
        message: (e as Error).message,
      }),
    );
  /** Both facades' verifyHeader and constructEvent on the same arguments. */
  async function expectSame(args: Record<string, unknown>) {
    for (const method of ['verifyHeader', 'constructEvent'] as const) {
      const call = (w: typeof ours) =>
        outcome(Promise.resolve().then((): Promise<unknown> => w[method](args as never)));
      expect(await call(ours), method).toEqual(await call(sdk as unknown as typeof ours));
    }
  }

  it.each([
    ['a Buffer (read from a file)', Buffer.from('file secret'), 'file secret'],
    ['a number', 12345, '12345'],
    ['null', null, 'null'],
    ['a Uint8Array (its String() is "1,2,3")', new Uint8Array([1, 2, 3]), '1,2,3'],
  ])('a secret that is %s verifies what was signed with its text', async (_name, value, text) => {
    const t = Date.now();
    const args = { payload: body, sigHeader: header(t, hmac(t, body, text)), secret: value };
    expect(await ours.verifyHeader(args as never)).toBe(true);
    await expectSame(args);
    await expectSame({ ...args, sigHeader: header(t, hmac(t, body, 'other')) });
  });

  it('a Symbol secret: the same TypeError', async () => {
    const t = Date.now();
    await expectSame({ payload: body, sigHeader: header(t, hmac(t, body)), secret: Symbol('s') });
  });

  it('a String object header is read as its text', async () => {
    const t = Date.now();
    const sigHeader = new String(header(t, hmac(t, body)));
    await expectSame({ payload: body, sigHeader, secret });
    expect(ours.getTimestampAndSignatureHash(sigHeader as never)).toEqual(
      sdk.getTimestampAndSignatureHash(sigHeader as never),
    );
    expect(await ours.verifyHeader({ payload: body, sigHeader: sigHeader as never, secret })).toBe(
      true,
    );
  });

  it.each([
    ['empty', ''],
    ['undefined', undefined],
    ['an empty list', []],
    ['null', null],
    ['a number', 7],
    ['a Uint8Array', new Uint8Array([1, 2])],
    ['a list', ['a', 'b']],
  ])('computeSignature with a secret that is %s', async (_name, value) => {
    const compute = (w: typeof ours) =>
      outcome(Promise.resolve().then(() => w.computeSignature(1, body, value as never)));
    expect(await compute(ours)).toEqual(await compute(sdk as unknown as typeof ours));
  });

  it.each([
    ['a function', () => 1],
    ['a Symbol', Symbol('p')],
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a boolean', true],
  ])('a payload that is %s, signed over the text the SDK signs', async (_name, payload) => {
    const t = Date.now();
    const signed = await sdk.computeSignature(t, payload as never, secret);
    await expectSame({ payload, sigHeader: header(t, signed), secret });
  });
});
