import { describe, expect, it } from 'vitest';
import { createPacer } from '../../src/worker/pacer.js';

/** A pacer on a hand-moved clock. */
function pacerAt(share: number, underLoad: () => boolean, maxRestMs?: number) {
  let t = 1000;
  const pacer = createPacer({
    share,
    underLoad,
    now: () => t,
    ...(maxRestMs !== undefined ? { maxRestMs } : {}),
  });
  return { pacer, advance: (ms: number) => (t += ms) };
}

describe('yielding to ingest (pacer)', () => {
  it('under load, rests (1 - share) / share of the time the worker was active', () => {
    const { pacer, advance } = pacerAt(0.25, () => true);
    pacer.begin();
    advance(10);
    pacer.end();
    advance(5); // idle time between batches is not activity
    expect(pacer.restMs()).toBe(30);
    // The count starts over after each rest.
    expect(pacer.restMs()).toBe(0);
  });

  it('counts overlapping claims and batches once', () => {
    const { pacer, advance } = pacerAt(0.5, () => true);
    pacer.begin(); // a claim
    advance(4);
    pacer.begin(); // a batch starts before the claim's bookkeeping ends
    advance(4);
    pacer.end();
    advance(2);
    pacer.end();
    expect(pacer.restMs()).toBe(10);
  });

  it('counts a batch still running up to now, and the rest of it next time', () => {
    const { pacer, advance } = pacerAt(0.5, () => true);
    pacer.begin();
    advance(6);
    expect(pacer.restMs()).toBe(6);
    advance(3);
    pacer.end();
    expect(pacer.restMs()).toBe(3);
  });

  it('asks for no rest when nothing is being received, and forgives that time', () => {
    let load = false;
    const { pacer, advance } = pacerAt(0.25, () => load);
    pacer.begin();
    advance(100);
    pacer.end();
    expect(pacer.restMs()).toBe(0);
    load = true;
    expect(pacer.restMs()).toBe(0);
  });

  it('caps the rest (a batch that waited on I/O used little CPU)', () => {
    const { pacer, advance } = pacerAt(0.1, () => true, 250);
    pacer.begin();
    advance(1000);
    pacer.end();
    expect(pacer.restMs()).toBe(250);
  });

  it('never rests at share 1 or without a load signal', () => {
    const full = pacerAt(1, () => true);
    full.pacer.begin();
    full.advance(50);
    full.pacer.end();
    expect(full.pacer.restMs()).toBe(0);
    let t = 0;
    const unsignalled = createPacer({ share: 0.25, now: () => t });
    unsignalled.begin();
    t += 50;
    unsignalled.end();
    expect(unsignalled.restMs()).toBe(0);
  });

  it('rejects shares outside (0, 1]', () => {
    for (const share of [0, -0.5, 1.01, Number.NaN]) {
      expect(() => createPacer({ share })).toThrow(/above 0 and at most 1/);
    }
  });

  it('refuses an end() without a begin()', () => {
    expect(() => pacerAt(0.5, () => true).pacer.end()).toThrow(/without begin/);
  });
});
