/**
 * A `sleep` for {@link WorkosApiClient} whose waits end at once when `signal` aborts: on shutdown a
 * request being retried fails fast instead of holding up the drain. A wait that ends leaves no
 * listener on `signal` (a loop sleeping on one signal for hours adds one per wait).
 */
export function abortableSleep(signal: AbortSignal): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
}

/** The longest a Node.js timer waits; a longer delay would fire at once. */
const longestTimerMs = 2 ** 31 - 1;

/**
 * Waits `ms`, however long (a `Retry-After` may ask for days: longer than one timer waits), or
 * less once `signal` aborts.
 */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  const sleep = abortableSleep(signal);
  for (let left = ms; left > 0 && !signal.aborted; left -= longestTimerMs) {
    await sleep(Math.min(left, longestTimerMs));
  }
}
