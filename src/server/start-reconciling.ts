import type { Logger } from 'pino';
import type { ReconcileMetrics } from '../metrics/reconcile-metrics.js';
import { ReconcileLoop } from '../reconcile/reconcile-loop.js';
import type { Store } from '../store/types.js';
import type { ReconcileSettings } from './config.js';
import { serverWorkosApiClient } from './server-workos-client.js';

/** `--reconcile-every`: the WorkOS client and the reconcile loop, started. */
export function startReconciling(
  settings: ReconcileSettings,
  deps: { store: Store; logger: Logger; metrics: ReconcileMetrics },
): ReconcileLoop {
  // On shutdown, the request to WorkOS in flight and the wait before a retry end at once, so a
  // WorkOS that does not answer cannot hold up the drain (the run stops where it is; the next
  // one starts over).
  const stopping = new AbortController();
  const logger = deps.logger.child({ component: 'reconcile' });
  const loop = new ReconcileLoop({
    store: deps.store,
    api: serverWorkosApiClient(settings, {
      logger,
      signal: stopping.signal,
      onError: (status) => deps.metrics.apiError(status),
    }),
    logger,
    metrics: deps.metrics,
    everyMs: settings.everyMs,
    onStop: () => stopping.abort(),
  });
  loop.start();
  return loop;
}
