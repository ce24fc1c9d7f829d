// The receiver keeps the native API's strict timestamp checks, whatever the compat facade does:
// a delivery claiming a time further ahead than the tolerance, or no time at all, is refused
// with its code and never reaches the store.
import { describe, expect, it } from 'vitest';
import { createReceiver } from '../../src/receiver/create-receiver.js';
import type { EventSink } from '../../src/receiver/receiver-options.js';
import type { NewEvent } from '../../src/store/types.js';
import { hmacHex } from '../signature/vectors.js';
import { eventBody, manualClock, secret, signedHeaders } from '../inbox/helpers/events.js';

function recordingSink(): EventSink & { appended: NewEvent[] } {
  const appended: NewEvent[] = [];
  return {
    appended,
    append: (event) => {
      appended.push(event);
      return Promise.resolve('inserted');
    },
  };
}

describe('receiver timestamps (strict by default)', () => {
  const clock = manualClock();
  const body = eventBody('evt_strict');
  const bytes = new TextEncoder().encode(body);

  function setup(toleranceMs?: number) {
    const sink = recordingSink();
    const receiver = createReceiver({
      sink,
      secret,
      clock,
      ...(toleranceMs !== undefined ? { toleranceMs } : {}),
    });
    const post = (headers: Record<string, string>) =>
      receiver.handle({ method: 'POST', headers, body: bytes });
    return { sink, post };
  }

  it.each([
    ["the SDK spec's microseconds", () => clock.now() * 1000],
    ['one ms more than the tolerance ahead', () => clock.now() + 180_001],
  ])('refuses %s: 401 timestamp_too_new, nothing stored', async (_name, t) => {
    const { sink, post } = setup();
    const res = await post(signedHeaders(body, t()));
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({
      error: 'invalid_signature',
      code: 'timestamp_too_new',
      message: 'Timestamp outside the tolerance zone',
    });
    expect(sink.appended).toEqual([]);
  });

  it.each(['abc', '', `${Date.now()}abc`, 'Infinity'])(
    'refuses a t that is not 1-16 digits (%j), correctly signed: 401 invalid_timestamp',
    async (t) => {
      const { sink, post } = setup();
      const res = await post({ 'workos-signature': `t=${t}, v1=${hmacHex(t, body, secret)}` });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'invalid_timestamp' });
      expect(sink.appended).toEqual([]);
    },
  );

  it('accepts exactly the tolerance ahead, and a custom tolerance bounds both directions', async () => {
    const { sink, post } = setup();
    expect((await post(signedHeaders(body, clock.now() + 180_000))).status).toBe(200);
    expect(sink.appended.map((e) => e.id)).toEqual(['evt_strict']);

    const tight = setup(1_000);
    expect((await tight.post(signedHeaders(body, clock.now() + 1_001))).status).toBe(401);
    expect((await tight.post(signedHeaders(body, clock.now() - 1_001))).status).toBe(401);
    expect((await tight.post(signedHeaders(body, clock.now() + 1_000))).status).toBe(200);
  });
});
