import { describe, expect, it } from 'vitest';
import { createPacer } from '../../src/worker/pacer.js';

/** A pacer on a hand-moved clock. */
function pacerAt(share: number, underLoad: () => boolean, maxRestMs?: number, minRate?: number) {
  let t = 1000;
  const pacer = createPacer({
    share,
    underLoad,
    now: () => t,
    ...(maxRestMs !== undefined ? { maxRestMs } : {}),
    minRate: minRate ?? 0,
  });
  const advance = (ms: number) => (t += ms);
  /** The worker active for `ms`, finishing `events` events. */
  const work = (ms: number, events = 0) => {
    pacer.begin();
    advance(ms);
    if (events > 0) pacer.finished(events);
    pacer.end();
  };
  return { pacer, advance, work };
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
    const unsignalled = createPacer({ share: 0.25, minRate: 0, now: () => t });
    unsignalled.begin();
    t += 50;
    unsignalled.end();
    expect(unsignalled.restMs()).toBe(0);
  });

  it('rejects shares outside (0, 1]', () => {
    for (const share of [0, -0.5, 1.01, Number.NaN]) {
      expect(() => createPacer({ share, minRate: 0 })).toThrow(/above 0 and at most 1/);
    }
  });

  it('with a floor, rests no longer than keeps the window at minRate events per second', () => {
    const { pacer, advance, work } = pacerAt(0.05, () => true, 250, 1000);
    // The first rest under load opens the window, resting as at a share of one half.
    work(10);
    expect(pacer.restMs()).toBe(10);
    advance(10);
    // 64 events in 10 ms: the share alone would rest 190 ms (and let the rate fall to ~320/s);
    // the floor allows 64 - 20 = 44 ms, so the window's rate stays 1,000 events/s.
    work(10, 64);
    expect(pacer.restMs()).toBe(44);
    advance(44);
    // Where the share asks for less than the floor allows, the share wins.
    work(2, 500);
    expect(pacer.restMs()).toBeCloseTo(38, 9);
  });

  it('with a floor the worker cannot reach, rests as at a share of one half; a new window each second', () => {
    const { pacer, advance, work } = pacerAt(0.25, () => true, 250, 1000);
    work(5);
    expect(pacer.restMs()).toBe(5); // opens the window
    work(100, 20); // 200 events/s, below the floor
    // The share would rest 250 ms (capped); the floor cuts it, but not below a share of 0.5.
    expect(pacer.restMs()).toBe(100);
    advance(900); // the window is a second old: the next rest opens a new one
    work(10, 1000);
    expect(pacer.restMs()).toBe(10);
    work(10);
    // Nothing finished since the new window opened: the least rest.
    expect(pacer.restMs()).toBe(10);
  });

  it('a floor changes nothing at a share of one half or more', () => {
    const { pacer, work } = pacerAt(0.5, () => true, 250, 1000);
    work(10);
    expect(pacer.restMs()).toBe(10);
    work(10, 1);
    expect(pacer.restMs()).toBe(10);
  });

  it('rejects a negative floor', () => {
    expect(() => createPacer({ share: 0.5, minRate: -1 })).toThrow(/0 or more/);
  });

  it('refuses an end() without a begin()', () => {
    expect(() => pacerAt(0.5, () => true).pacer.end()).toThrow(/without begin/);
  });
});
