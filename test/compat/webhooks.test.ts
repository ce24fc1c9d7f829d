import { WorkOS as SdkWorkOS } from '@workos-inc/node';
import { describe, expect, it } from 'vitest';
import {
  SdkModuleNotProvidedError,
  SignatureVerificationException,
  Webhooks,
  WorkOS,
} from '../../src/index.js';
import { sdkOnlyModules } from '../../src/compat/sdk-only-modules.js';
import { hmacHex } from '../signature/vectors.js';

const secret = 'whsec_compat';
const sdk = new SdkWorkOS({ clientId: 'client_x' }).webhooks;
const ours = new WorkOS().webhooks;
const body =
  '{"id":"event_01","event":"user.created","data":{"object":"user","id":"user_01","email":"a@example.com"},"created_at":"2024-01-01T00:00:00.000Z"}';

function signed(payload: string, t = Date.now()): string {
  return `t=${t}, v1=${hmacHex(t, payload, secret)}`;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

describe('WorkOS (compat)', () => {
  it.each([
    ['no arguments', []],
    ['an undefined key (unset WORKOS_API_KEY)', [undefined]],
    ['an API key', ['sk_test_123']],
    ['an API key and options', ['sk_test_123', { apiHostname: 'localhost' }]],
    ['options with a clientId', [{ clientId: 'client_x' }]],
    ['options with an apiKey', [{ apiKey: 'sk_test_123', https: false, port: 8080 }]],
  ] as const)('constructs with %s and provides working webhooks', async (_name, args) => {
    const workos = new WorkOS(...(args as unknown as ConstructorParameters<typeof WorkOS>));
    expect(workos.webhooks).toBeInstanceOf(Webhooks);
    await expect(
      workos.webhooks.verifyHeader({ payload: body, sigHeader: signed(body), secret }),
    ).resolves.toBe(true);
  });

  it('keeps the key and clientId the SDK would keep', () => {
    expect(new WorkOS('sk_1').key).toBe('sk_1');
    expect(new WorkOS({ apiKey: 'sk_2', clientId: 'client_2' })).toMatchObject({
      key: 'sk_2',
      clientId: 'client_2',
    });
  });

  it('lists every API module of the SDK, and only those, as not provided', () => {
    const real = new SdkWorkOS({ clientId: 'client_x' }) as unknown as Record<string, unknown>;
    const sdkModules = Object.keys(real).filter(
      (k) =>
        typeof real[k] === 'object' &&
        real[k] !== null &&
        !['client', 'options', 'webhooks'].includes(k),
    );
    expect([...sdkOnlyModules].sort()).toEqual(sdkModules.sort());
  });

  it('throws a clear error, not a TypeError, when code reaches for an SDK API module', () => {
    const workos = new WorkOS('sk_test_123') as unknown as Record<string, unknown>;
    for (const module of sdkOnlyModules) {
      expect(() => workos[module]).toThrow(SdkModuleNotProvidedError);
    }
    expect(() => workos.userManagement).toThrow(
      /provides only \.webhooks; workos\.userManagement calls the WorkOS API/,
    );
  });

  it('reads time from an injected clock', async () => {
    const t = 1_700_000_000_000;
    const workos = new WorkOS({ clock: { now: () => t + 180_001 } });
    await expect(
      workos.webhooks.verifyHeader({ payload: body, sigHeader: signed(body, t), secret }),
    ).rejects.toMatchObject({ code: 'timestamp_too_old' });
  });
});

describe('Webhooks (compat)', () => {
  it('methods are bound like the SDK getters: they work destructured', async () => {
    const { verifyHeader, computeSignature, getTimestampAndSignatureHash } = ours;
    const t = Date.now();
    const sig = await computeSignature(t, body, secret);
    await expect(
      verifyHeader({ payload: body, sigHeader: `t=${t}, v1=${sig}`, secret }),
    ).resolves.toBe(true);
    expect(getTimestampAndSignatureHash(`t=${t}, v1=${sig}`)).toEqual([String(t), sig]);
  });

  it('returns promises from the async methods even when verification fails (never throws synchronously)', () => {
    // A synchronous throw here would fail the test before the assertions.
    const p = ours.constructEvent({ payload: body, sigHeader: '', secret });
    expect(p).toBeInstanceOf(Promise);
    return expect(p).rejects.toBeInstanceOf(SignatureVerificationException);
  });

  it('computeSignature equals the SDK for strings, Buffers, Uint8Arrays, ArrayBuffers and objects', async () => {
    const object = JSON.parse(body) as object;
    const u8 = new TextEncoder().encode(body);
    for (const payload of [body, Buffer.from(body), u8, u8.buffer, object, 'é😀', '']) {
      for (const t of [1_700_000_000_000, '1700000000000', 'abc']) {
        expect(await ours.computeSignature(t, payload, secret)).toBe(
          await sdk.computeSignature(t, payload, secret),
        );
      }
    }
  });

  it('getTimestampAndSignatureHash returns the SDK array that also destructures by name', () => {
    const header = `t=1700000000000, v1=${'a'.repeat(64)}`;
    const result = ours.getTimestampAndSignatureHash(header);
    expect(result).toStrictEqual(sdk.getTimestampAndSignatureHash(header));
    expect(JSON.stringify(result)).toBe(JSON.stringify(sdk.getTimestampAndSignatureHash(header)));
    const [t, h] = result;
    const { timestamp, signatureHash } = result;
    expect([t, h]).toEqual(['1700000000000', 'a'.repeat(64)]);
    expect({ timestamp, signatureHash }).toEqual({ timestamp: t, signatureHash: h });
    expect(Array.isArray(result)).toBe(true);
    expect(result).toHaveLength(2);
  });

  it('getTimestampAndSignatureHash throws the SDK exception for a header without two parts', () => {
    for (const header of ['', `t=1700000000000`]) {
      expect(() => ours.getTimestampAndSignatureHash(header)).toThrow(
        'Signature or timestamp missing',
      );
      expect(() => sdk.getTimestampAndSignatureHash(header)).toThrow(
        'Signature or timestamp missing',
      );
    }
  });

  it('getTimestampAndSignatureHash returns an empty hash when v1 is empty, as the SDK does', () => {
    expect(ours.getTimestampAndSignatureHash('t=1700000000000, v1=')).toEqual([
      '1700000000000',
      '',
    ]);
    expect(sdk.getTimestampAndSignatureHash('t=1700000000000, v1=')).toEqual(['1700000000000', '']);
  });

  it('getTimestampAndSignatureHash reads the first two parts by position, untrimmed, as the SDK does', () => {
    for (const header of [
      'x=1, y=abc',
      't= 1 , v1',
      `v1=${'a'.repeat(64)}, t=1`,
      't=1=2, v1=3=4',
    ]) {
      expect([...ours.getTimestampAndSignatureHash(header)]).toEqual(
        sdk.getTimestampAndSignatureHash(header),
      );
    }
    expect([...ours.getTimestampAndSignatureHash('x=1, y=abc')]).toEqual(['1', 'abc']);
    expect([...ours.getTimestampAndSignatureHash('t= 1 , v1')]).toEqual([' 1 ', undefined]);
  });

  it('constructEvent rejects with the SDK SyntaxError for a correctly signed non-JSON body', async () => {
    const text = 'not json';
    const args = { payload: text, sigHeader: signed(text), secret };
    const [a, b] = await Promise.allSettled([ours.constructEvent(args), sdk.constructEvent(args)]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    expect((a as PromiseRejectedResult).reason).toBeInstanceOf(SyntaxError);
    expect((b as PromiseRejectedResult).reason).toBeInstanceOf(SyntaxError);
  });

  it('explains the raw-body fix when a re-serialized object fails, after the SDK message', async () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    const args = { payload: JSON.parse(pretty) as object, sigHeader: signed(pretty), secret };
    const sdkError = await rejection(sdk.constructEvent(args));
    const ourError = await rejection(ours.constructEvent(args));
    expect(sdkError.message).toBe(
      'Signature hash does not match the expected signature hash for payload',
    );
    expect(ourError.message.startsWith(`${sdkError.message}. `)).toBe(true);
    expect(ourError.message).toContain("express.raw({ type: 'application/json' })");
    expect(ourError.message).toContain('express.json({ verify');
    expect(ourError.message).toContain("parseAs: 'buffer'");
    expect(ourError.message).toContain('await req.text()');
  });

  it('does not add the hint when the raw body was given', async () => {
    const error = await rejection(
      ours.constructEvent({ payload: body, sigHeader: signed('{}'), secret }),
    );
    expect(error.message).toBe(
      'Signature hash does not match the expected signature hash for payload',
    );
  });

  it('tolerance is in milliseconds', async () => {
    const t = Date.now() - 170_000;
    const args = { payload: body, sigHeader: signed(body, t), secret };
    await expect(ours.verifyHeader(args)).resolves.toBe(true);
    await expect(ours.verifyHeader({ ...args, tolerance: 200 })).rejects.toThrow(
      'Timestamp outside the tolerance zone',
    );
  });

  it('uses the tolerance as the SDK does: NaN lets anything through, null means 0', async () => {
    const old = { payload: body, sigHeader: signed(body, 1), secret };
    for (const facade of [ours, sdk]) {
      await expect(facade.verifyHeader({ ...old, tolerance: Number.NaN })).resolves.toBe(true);
    }
    const aSecondOld = { payload: body, sigHeader: signed(body, Date.now() - 1000), secret };
    for (const facade of [ours, sdk]) {
      await expect(
        facade.verifyHeader({ ...aSecondOld, tolerance: null as unknown as number }),
      ).rejects.toThrow('Timestamp outside the tolerance zone');
    }
  });

  it('accepts a t ahead of now and a t that does not parse, as the SDK does', async () => {
    for (const t of [Date.now() * 1000, Date.now() + 3_600_000, 'abc', '']) {
      const args = { payload: body, sigHeader: `t=${t}, v1=${hmacHex(t, body, secret)}`, secret };
      await expect(sdk.verifyHeader(args)).resolves.toBe(true);
      await expect(ours.verifyHeader(args)).resolves.toBe(true);
      expect((await ours.constructEvent(args)).id).toBe('event_01');
    }
  });
});

describe('Webhooks (compat) with strictTimestamps', () => {
  const t = 1_700_000_000_000;
  const clock = { now: () => t };
  const facades = [
    [
      'new Webhooks(undefined, { strictTimestamps: true })',
      new Webhooks(undefined, { strictTimestamps: true, clock }),
    ],
    [
      'new WorkOS({ strictTimestamps: true }).webhooks',
      new WorkOS({ strictTimestamps: true, clock }).webhooks,
    ],
  ] as const;

  it.each(facades)(
    '%s refuses a t more than the tolerance ahead (timestamp_too_new)',
    async (_name, strict) => {
      const ahead = { payload: body, sigHeader: signed(body, t + 180_001), secret };
      await expect(strict.verifyHeader(ahead)).rejects.toMatchObject({
        name: 'SignatureVerificationException',
        code: 'timestamp_too_new',
        message: 'Timestamp outside the tolerance zone',
      });
      await expect(
        strict.verifyHeader({ payload: body, sigHeader: signed(body, t + 180_000), secret }),
      ).resolves.toBe(true);
    },
  );

  it.each(facades)(
    '%s refuses a t that is not 1-16 digits (invalid_timestamp)',
    async (_name, strict) => {
      for (const bad of ['abc', '', `${t}abc`, '-1', `${t}.5`, '1'.repeat(17)]) {
        const args = {
          payload: body,
          sigHeader: `t=${bad}, v1=${hmacHex(bad, body, secret)}`,
          secret,
        };
        await expect(strict.constructEvent(args)).rejects.toMatchObject({
          code: 'invalid_timestamp',
        });
      }
    },
  );

  it.each(facades)(
    '%s refuses a tolerance that is not a finite number >= 0 (RangeError)',
    async (_name, strict) => {
      for (const tolerance of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
        await expect(
          strict.verifyHeader({ payload: body, sigHeader: signed(body, t), secret, tolerance }),
        ).rejects.toThrow(RangeError);
      }
    },
  );

  it('without the option, the same facade accepts what the SDK accepts', async () => {
    const lenient = new Webhooks(undefined, { clock });
    const ahead = { payload: body, sigHeader: signed(body, t + 180_001), secret };
    await expect(lenient.verifyHeader(ahead)).resolves.toBe(true);
  });
});

describe('Webhooks (compat): additions that accept more', () => {
  it('accepts a list of secrets (rotation) in constructEvent', async () => {
    const event = await ours.constructEvent({
      payload: body,
      sigHeader: signed(body),
      secret: ['whsec_new', secret],
    });
    expect(event.id).toBe('event_01');
  });

  it('reports an unset secret clearly instead of a mismatch', async () => {
    await expect(
      ours.constructEvent({
        payload: body,
        sigHeader: signed(body),
        secret: process.env.WORKOS_INBOX_SURELY_UNSET_SECRET as string,
      }),
    ).rejects.toMatchObject({ code: 'no_secret', message: 'No webhook secret was given' });
  });

  it('names the unset entry of a rotation list ([OLD, NEW] with OLD unset)', async () => {
    await expect(
      ours.constructEvent({
        payload: body,
        sigHeader: signed(body),
        secret: [process.env.WORKOS_INBOX_SURELY_UNSET_SECRET as string, secret],
      }),
    ).rejects.toMatchObject({
      code: 'no_secret',
      message:
        'No webhook secret was given in secret[0] of the list (undefined): every secret of a ' +
        'rotation must be a non-empty string (an unset environment variable?)',
    });
  });
});
