/**
 * A `sleep` for {@link WorkosApiClient} whose waits end at once when `signal` aborts: on shutdown a
 * request being retried fails fast instead of holding up the drain.
 */
export function abortableSleep(signal: AbortSignal): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
}
