import { patienceMs } from './patience.js';

/**
 * Polls `read` until `done` holds. It fails only when the work stalls: when `progress` (a number
 * that grows while the work goes on, such as the count of processed events) has not changed for
 * `stallMs`. A slow machine makes the wait longer, never makes the test fail.
 */
export async function waitWhileProgressing<T>(
  read: () => Promise<T>,
  options: {
    done: (value: T) => boolean;
    progress: (value: T) => number;
    what: string;
    stallMs?: number;
    intervalMs?: number;
  },
): Promise<T> {
  const { done, progress, what, stallMs = patienceMs, intervalMs = 200 } = options;
  let last = Number.NaN;
  let lastChange = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    const now = Date.now();
    const current = progress(value);
    if (current !== last) {
      last = current;
      lastChange = now;
    } else if (now - lastChange > stallMs) {
      throw new Error(`${what}: no progress for ${stallMs} ms: ${JSON.stringify(value)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
