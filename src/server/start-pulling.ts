import type { Logger } from 'pino';
import type { PullMetrics } from '../metrics/pull-metrics.js';
import { parseSince } from '../pull/parse-since.js';
import { PullLoop } from '../pull/pull-loop.js';
import type { Store } from '../store/types.js';
import type { PullSettings } from './config.js';
import { serverWorkosApiClient } from './server-workos-client.js';

/** `--pull`: the Events API client and the pull loop, started. */
export function startPulling(
  settings: PullSettings,
  deps: { store: Store; logger: Logger; metrics: PullMetrics; leaseMs: number },
): PullLoop {
  // On shutdown, the request to WorkOS in flight and the wait before a retry end at once: the
  // catch-up in progress fails fast instead of holding up the drain (and the puller lease) for
  // up to --api-timeout-ms while WorkOS does not answer. The next start continues from the
  // committed cursor.
  const stopping = new AbortController();
  const logger = deps.logger.child({ component: 'pull' });
  const client = serverWorkosApiClient(settings, {
    logger,
    signal: stopping.signal,
    onError: (status) => deps.metrics.apiError(status),
  });
  const loop = new PullLoop({
    store: deps.store,
    client,
    logger,
    metrics: deps.metrics,
    intervalMs: settings.intervalMs,
    leaseMs: deps.leaseMs,
    since: parseSince(settings.since, Date.now()),
    ...(settings.sinceGiven ? { sinceGiven: settings.since } : {}),
    onStop: () => stopping.abort(),
  });
  loop.start();
  return loop;
}
