import { timedOut, within } from '../within.js';

/**
 * How long a scrape waits for the database before it reports it down: a frozen server must not
 * hang `/metrics` (Prometheus's own scrape timeout is 10 s by default).
 */
export const scrapeReadTimeoutMs = 5_000;

/**
 * One database read shared by the gauges of a scrape. `refresh()` resolves true when the read
 * succeeded within {@link scrapeReadTimeoutMs}, false when it failed or hung: the caller's gauges
 * then report nothing rather than the last values (an outage must not look like a quiet queue),
 * and `/metrics` still answers with everything else (it answered 500 while the database was down).
 */
export function sharedScrapeRead(read: () => Promise<void>): () => Promise<boolean> {
  let pending: Promise<boolean> | undefined;
  return async () => {
    pending ??= (async () => {
      try {
        return (await within(read(), scrapeReadTimeoutMs)) !== timedOut;
      } catch {
        return false;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}
