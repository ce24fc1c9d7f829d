import cluster from 'node:cluster';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { systemClock } from '../clock.js';
import { makeFolder } from '../make-folder.js';
import { createForwarder, warnOfUnforwardedDestinations } from '../forward/create-forwarder.js';
import { clusterWorkerEnv } from './cluster-primary.js';
import type { Forwarder } from '../forward/create-forwarder.js';
import { parseDestinations } from '../forward/parse-destinations.js';
import { createInbox } from '../inbox/create-inbox.js';
import type { Inbox } from '../inbox/create-inbox.js';
import { forwardDefaults } from './config.js';
import type { ServeConfig } from './config.js';
import { startHttpServer } from './http-server.js';
import type { RunningHttpServer } from './http-server.js';
import { loadHandlers } from './load-handlers.js';
import { createMirrorHandler } from './mirror-routes.js';
import { createDashboard } from '../dashboard/create-dashboard.js';
import type { Dashboard } from '../dashboard/create-dashboard.js';
import { startPulling } from './start-pulling.js';
import type { PullLoop } from '../pull/pull-loop.js';
import { createPullMetrics } from '../metrics/pull-metrics.js';
import { createReconcileMetrics } from '../metrics/reconcile-metrics.js';
import type { ReconcileLoop } from '../reconcile/reconcile-loop.js';
import { startReconciling } from './start-reconciling.js';
import { developmentBanner, prepareCredentials } from './prepare-credentials.js';
import { clusterMetricsSource } from './cluster-metrics.js';
import { createQueueMetrics } from './queue-metrics.js';
import { createRequestHandler } from './request-handler.js';
import { redactDatabase } from '../store/redact-database.js';
import { mergedMetrics } from './merged-metrics.js';
import { startWorkerThread } from './worker-thread.js';
import type { WorkerThread } from './worker-thread.js';
import { isPostgresUrl } from '../store/open-store.js';
import { createSqliteThreadShare } from '../store/sqlite/thread-share.js';
import type { SqliteThreadShare } from '../store/sqlite/thread-share.js';

export interface RunningServe {
  /** Empty for `work` (no HTTP). */
  url: string;
  inbox: Inbox;
  /** This process's event metrics (the inbox's, the forwarder's), as prom-client JSON. */
  metrics(): Promise<MetricsJson>;
  /** Graceful: stop accepting, answer what is in flight, finish handlers, release leases, close. */
  close(): Promise<void>;
}

export interface RunServeOptions {
  mode: 'serve' | 'work';
  logger: Logger;
  /** Print the development banner (the cluster primary prints it once, not each process). */
  printBanner: (lines: string[]) => void;
  /** Whether requests are being received (a worker thread reads its process's receiver). */
  underLoad?: () => boolean;
  /** SQLite: what the worker thread's store shares with the main thread's (write lock, wake-ups). */
  sqliteThreadShare?: SqliteThreadShare;
  /** Log lines readable in a terminal (passed on to a worker thread). */
  prettyLogs?: boolean;
}

type MetricsJson = Array<MetricObjectWithValues<MetricValue<string>>>;

/**
 * Whether `serve` runs its worker in a thread of its own, so that the worker's JavaScript (parsing,
 * the mirror's rows, handlers, forwarding's HTTP client) and, on SQLite, its synchronous
 * transactions never delay an answer.
 */
export function workerRunsInThread(config: ServeConfig, mode: 'serve' | 'work'): boolean {
  return mode === 'serve' && config.worker && config.workerThread;
}

/** One `serve` (or `work`) process: the inbox, its worker and, for `serve`, the HTTP server. */
export async function runServe(
  config: ServeConfig,
  options: RunServeOptions,
): Promise<RunningServe> {
  const { logger, mode } = options;
  if (!isPostgresUrl(config.database)) {
    makeFolder(dirname(config.database));
  }
  const credentials = mode === 'serve' ? prepareCredentials(config) : undefined;
  // A worker-only process never verifies a request, but the inbox's receiver needs some secret.
  const secrets = credentials?.secrets ?? [randomBytes(16).toString('hex')];

  const inThread = workerRunsInThread(config, mode);
  // The receiver's in-flight count, shared with the worker thread's pacer.
  const inFlightCounter = inThread ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
  // On SQLite the two threads' stores take turns on one write lock (appends first) and wake each
  // other's workers, as one store's connections do.
  const sqliteThreadShare =
    inThread && !isPostgresUrl(config.database)
      ? createSqliteThreadShare()
      : options.sqliteThreadShare;
  // Handlers run where the worker runs: a receiver (`serve --no-worker`) does not import a module
  // it would never call (WORKOS_INBOX_HANDLERS shared with the `work` processes; typed, refused).
  const runsWorker = mode === 'work' || config.worker;
  const handlers =
    config.handlers && runsWorker && !inThread ? await loadHandlers(config.handlers) : undefined;
  const inbox = await createInbox({
    ...(inFlightCounter ? { inFlightCounter } : {}),
    ...(options.underLoad ? { underLoad: options.underLoad } : {}),
    ...(sqliteThreadShare ? { sqliteThreadShare } : {}),
    database: config.database,
    secret: secrets,
    toleranceMs: config.toleranceMs,
    maxBodyBytes: config.maxBodyBytes,
    worker: config.workerTuning,
    poolSize: config.poolSize,
    ...(config.schema !== undefined ? { schema: config.schema } : {}),
    maxPendingAppends: config.maxPendingAppends,
    // Every process that runs the worker also prunes (see createRetentionLoop).
    ...(config.retentionMs !== undefined
      ? {
          retention: {
            olderThanMs: config.retentionMs,
            ...(config.retentionIntervalMs !== undefined
              ? { intervalMs: config.retentionIntervalMs }
              : {}),
          },
        }
      : {}),
    logger,
    // The one warning of a name WorkOS does not send (inbox.on's) names the flag.
    // With --processes N the primary says it, once.
    handlersFrom: process.env[clusterWorkerEnv] ? false : '--handlers',
  });
  // `*` is every event to inbox.on as to the module.
  for (const [name, handler] of handlers?.byName ?? []) {
    inbox.on(name as Parameters<Inbox['on']>[0], handler as Parameters<Inbox['on']>[1]);
  }

  // In the inbox's registry: pulled duplicates join the webhook ones in events_duplicate_total.
  const pullMetrics =
    config.pull && !inThread ? createPullMetrics({ registry: inbox.metrics }) : undefined;
  const reconcileMetrics =
    config.reconcile && !inThread ? createReconcileMetrics({ registry: inbox.metrics }) : undefined;
  let forwarder: Forwarder | undefined;
  if (config.forward.spec !== undefined) {
    // Deliveries are signed with the webhook secret by default, so the app's own verification
    // keeps working; `work` reads it from WORKOS_WEBHOOK_SECRET (or the development file).
    const secret =
      credentials?.secrets[0] ??
      config.secrets[0] ??
      (config.production ? undefined : prepareCredentials(config).secrets[0]);
    const destinations = parseDestinations(config.forward.spec, {
      ...forwardDefaults(config),
      secret,
    });
    forwarder = createForwarder({
      store: inbox.store,
      destinations,
      clock: systemClock,
      logger: logger.child({ component: 'forward' }),
      leaseMs: config.workerTuning.leaseMs,
      claimCoalesceMs: config.workerTuning.claimCoalesceMs,
    });
    // Every process writes the destinations, so appends queue deliveries even where none is sent.
    await forwarder.register();
    // A receiver only queues them: said at start, or its deliveries would wait unexplained (the
    // `forwarding` line is logged where they are sent) when no `work --forward-to` runs.
    if (mode === 'serve' && !config.worker) {
      logger.info(
        { destinations: destinations.map((d) => d.name) },
        'forwarding: this serve --no-worker queues a delivery to each destination for every new ' +
          'event but sends none; a `workos-inbox work --forward-to …` process sends them',
      );
    }
  }

  const eventRegistries = [inbox.metrics, ...(forwarder ? [forwarder.metrics.registry] : [])];
  // With a worker thread, the worker's counters live there under the same names: summed (none
  // until the thread has started, which is after the port is bound).
  let workerThread: WorkerThread | undefined;
  const eventMetrics: Registry[] = inThread
    ? [mergedMetrics(eventRegistries, async () => (workerThread ? workerThread.metrics() : []))]
    : eventRegistries;
  let http: RunningHttpServer | undefined;
  let dashboard: Dashboard | undefined;
  // `serve` listens on --port; `work` only with --metrics-port, for probes and scrapes.
  const listen =
    mode === 'serve'
      ? { ...config }
      : config.metricsPort === undefined
        ? undefined
        : { ...config, port: config.metricsPort, tls: undefined };
  if (listen) {
    const processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics, prefix: 'workos_inbox_process_' });
    const registries = [
      ...eventMetrics,
      createQueueMetrics(inbox.store, systemClock),
      processMetrics,
    ];
    const metrics = cluster.isWorker ? [clusterMetricsSource(registries)] : registries;
    dashboard =
      mode === 'serve' && config.dashboard && credentials
        ? createDashboard({
            store: inbox.store,
            clock: systemClock,
            logger: logger.child({ component: 'dashboard' }),
            adminToken: credentials.adminToken,
            trustProxy: config.trustProxy,
            metrics: eventMetrics[0]!,
            pull: config.pull !== undefined,
            reconcileEveryMs: config.reconcile?.everyMs,
            // One-time links only for the development token, and only where this process is the
            // one that prints them (with --processes N the primary prints the banner).
            devSignIn: credentials.fromDataDir.adminToken && !cluster.isWorker,
          })
        : undefined;
    try {
      http = await startHttpServer(
        listen,
        createRequestHandler({
          store: inbox.store,
          clock: systemClock,
          logger,
          webhookPath: config.path,
          webhook: credentials ? inbox.node() : undefined,
          adminToken: credentials?.adminToken,
          production: config.production,
          trustProxy: config.trustProxy,
          allowIps: config.allowIps,
          metrics,
          mirror: credentials
            ? createMirrorHandler(inbox.store, {
                holdBackMs: config.eventsApiHoldBackMs,
                clock: systemClock,
              })
            : undefined,
          dashboard,
        }),
      );
    } catch (error) {
      dashboard?.close();
      await forwarder?.close();
      await inbox.close();
      throw error;
    }
  }
  // Nothing pulls, reconciles or processes before the port is bound: a `serve` that cannot listen
  // (the port taken, a TLS file unreadable) exits having changed nothing. Started first, the
  // worker thread pulled a page, moved the cursor and kept the puller lease of a process that had
  // exited.
  if (inThread) {
    try {
      workerThread = await startWorkerThread({
        config: {
          ...config,
          // The main thread generated (or read) the development secret; the thread signs
          // forwarded deliveries with the same.
          secrets: credentials?.secrets ?? config.secrets,
        },
        inFlight: inFlightCounter!,
        ...(sqliteThreadShare ? { sqliteThreadShare } : {}),
        prettyLogs: options.prettyLogs ?? false,
        onCrash: (error) => {
          logger.fatal({ err: error }, 'the worker thread crashed; exiting');
          logger.flush(() => process.exit(1));
        },
      });
    } catch (error) {
      dashboard?.close();
      await http?.close(config.shutdownTimeoutMs);
      await forwarder?.close();
      await inbox.close();
      throw error;
    }
  }

  if (runsWorker && !workerThread) {
    // Deliveries queued for nobody would keep their events from retention: say so at start.
    // A start warning: with --processes N the primary says it, once, not each process.
    if (!forwarder && !process.env[clusterWorkerEnv]) {
      await warnOfUnforwardedDestinations(inbox.store, logger);
    }
    await inbox.start();
    await forwarder?.start();
  }
  const pullLoop: PullLoop | undefined =
    config.pull && pullMetrics
      ? startPulling(config.pull, {
          store: inbox.store,
          logger,
          metrics: pullMetrics,
          leaseMs: config.workerTuning.leaseMs,
        })
      : undefined;
  const reconcileLoop: ReconcileLoop | undefined =
    config.reconcile && reconcileMetrics
      ? startReconciling(config.reconcile, {
          store: inbox.store,
          logger,
          metrics: reconcileMetrics,
        })
      : undefined;

  const url = http?.url ?? '';
  if (credentials) {
    const lines = developmentBanner(config, credentials, url, dashboard?.devSignInPath());
    if (lines.length > 0) options.printBanner(lines);
  }
  logger.info(
    {
      url: url || undefined,
      webhookPath: mode === 'serve' ? config.path : undefined,
      database: redactDatabase(config.database),
      // Several inboxes may share one database: which one this process serves.
      schema: config.schema,
      worker: workerThread ? 'thread' : runsWorker,
      // With the worker in its thread, the handlers load there and its own line names them.
      handlers: workerThread ? undefined : handlers ? [...handlers.byName.keys()] : [],
      production: config.production,
      pull: config.pull
        ? { apiUrl: config.pull.apiUrl, intervalMs: config.pull.intervalMs }
        : false,
      reconcileEveryMs: config.reconcile?.everyMs,
    },
    mode === 'serve' ? 'workos-inbox serving' : 'workos-inbox worker running',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    inbox,
    metrics: async () =>
      (await Promise.all(eventRegistries.map((r) => r.getMetricsAsJSON()))).flat(),
    close() {
      closing ??= (async () => {
        await pullLoop?.stop();
        await reconcileLoop?.stop();
        dashboard?.close();
        const httpClosed = http?.close(config.shutdownTimeoutMs);
        await workerThread?.close();
        await forwarder?.close();
        await inbox.close({ timeoutMs: config.shutdownTimeoutMs });
        await httpClosed;
      })();
      return closing;
    },
  };
}
