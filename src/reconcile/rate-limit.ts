import type { ListSource } from './list-pages.js';

/**
 * `--max-rps`: requests start at least `1000 / maxRps` ms apart. A retry happens inside the
 * client's `get` (after a 429 or 5xx), so it waits its own backoff or `Retry-After`, not this pace.
 * Undefined or 0 leaves `api` as it is.
 */
export function rateLimited(
  api: ListSource,
  maxRps: number | undefined,
  options: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
): ListSource {
  if (!maxRps || maxRps <= 0) return api;
  const now = options.now ?? (() => performance.now());
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const gapMs = 1000 / maxRps;
  let next = -Infinity;
  return {
    async get(path) {
      const at = Math.max(now(), next);
      next = at + gapMs;
      const wait = at - now();
      if (wait > 0) await sleep(wait);
      return api.get(path);
    },
  };
}
