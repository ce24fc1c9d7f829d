// The waits that end at once on shutdown or Ctrl-C: the client's retries, the pause of
// `--reconcile-every` and every wait of `listen`, a Retry-After of days included.
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortableSleep, sleepUnlessAborted } from '../../src/workos-api/abortable-sleep.js';

afterEach(() => vi.useRealTimers());

describe('abortableSleep', () => {
  it('a wait that ends leaves no listener on the signal (one per wait piled up for the process life)', async () => {
    const signal = new AbortController().signal;
    const sleep = abortableSleep(signal);
    for (let i = 0; i < 3; i++) await sleep(0);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});

describe('sleepUnlessAborted', () => {
  it('waits longer than one timer can (24.8 days): a 30-day Retry-After is not cut to nothing', async () => {
    vi.useFakeTimers();
    const day = 86_400_000;
    let ended = false;
    const sleeping = sleepUnlessAborted(30 * day, new AbortController().signal).then(
      () => (ended = true),
    );
    await vi.advanceTimersByTimeAsync(29 * day);
    expect(ended).toBe(false);
    await vi.advanceTimersByTimeAsync(day);
    await sleeping;
    expect(ended).toBe(true);
  });

  it('ends at once when the signal aborts', async () => {
    const stop = new AbortController();
    const sleeping = sleepUnlessAborted(30 * 86_400_000, stop.signal);
    stop.abort();
    await sleeping;
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });
});
