import type { Logger } from 'pino';
import { createDefaultLogger } from './default-logger.js';
import { withCausesLoggedOnce } from '../errors/error-log-serializer.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { systemClock } from '../clock.js';
import type { EventName } from '../events/index.js';
import { eventNames, isKnownEventName } from '../events/index.js';
import { closeMatches } from '../errors/close-matches.js';
import { createInboxMetrics } from '../metrics/inbox-metrics.js';
import { createExpressHandler, type ExpressLikeHandler } from '../receiver/adapters/express.js';
import { createFastifyPlugin, type FastifyInboxPlugin } from '../receiver/adapters/fastify.js';
import { createNodeHandler } from '../receiver/adapters/node.js';
import { workerDefaults } from '../worker/worker-options.js';
import { createWebHandler } from '../receiver/adapters/web.js';
import { createReceiver, type Receiver } from '../receiver/create-receiver.js';
import { openStore } from '../store/open-store.js';
import { splitSecretList } from '../signature/options.js';
import { SignatureVerificationException } from '../signature/errors.js';
import { checkRetentionSettings, createRetentionLoop } from './retention-loop.js';
import { checkInboxOptionKeys } from './option-keys.js';
import type { EventFilter, Store } from '../store/types.js';
import { createWorker, stopBudget, type Worker } from '../worker/create-worker.js';
import type { EventHandler } from '../worker/handler-source.js';
import type { Event } from '../events/index.js';
import { anyEventName, HandlerRegistry, type EventOf } from './handler-registry.js';
import type { InboxOptions } from './inbox-options.js';
import { resolveMirror } from './mirror-setup.js';

export interface Inbox {
  /**
   * Run `handler` for every event named `name`, inside the event's transaction. Returns an
   * unsubscribe function. `'*'` means every event (`onAny`), as in a `serve --handlers` module.
   */
  on<N extends EventName>(name: N, handler: EventHandler<EventOf<N>>): () => void;
  /** Run `handler` for every event (after the named handlers). */
  onAny(handler: EventHandler<Event>): () => void;
  /** Express middleware: `app.post('/webhooks/workos', inbox.express())`. */
  express(): ExpressLikeHandler;
  /** Fastify plugin: `app.register(inbox.fastify, { path: '/webhooks/workos' })`. */
  readonly fastify: FastifyInboxPlugin;
  /** Fetch handler, `Request → Response` (Hono, Next.js, Bun, Deno). */
  readonly fetch: (request: Request) => Promise<Response>;
  /** node:http listener: `http.createServer(inbox.node())`. */
  node(): (req: IncomingMessage, res: ServerResponse) => void;
  /** Start the worker (claim loop). Receiving works without it. */
  start(): Promise<void>;
  /**
   * Graceful: answer 503 to new requests, finish in-flight commits, wait up to `timeoutMs` for
   * running handlers (default `defaults.shutdownTimeoutMs`), release leases, close the store.
   * A handler still running then is given up on: its transaction is rolled back and its event
   * processed again after its lease (at least once); `close` does not wait for it, and ends
   * within about `timeoutMs` (plus up to 0.1 s to try giving the leases back).
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
  /** Queue one event again. `false` if unknown or being processed. */
  replay(id: string): Promise<boolean>;
  /** Queue again every event matching the filter. @defaultValue `{ status: 'dead' }` */
  redrive(filter?: EventFilter): Promise<number>;
  readonly store: Store;
  readonly receiver: Receiver;
  readonly worker: Worker;
  /** The prom-client registry holding the inbox's metrics. */
  readonly metrics: Registry;
}

/**
 * The verifier's `no_secret` refusal (its SDK message kept, as the compat facade throws it) with
 * where the secret comes from in an app: most often an unset WORKOS_WEBHOOK_SECRET.
 */
function explainNoSecret<T>(create: () => T): T {
  try {
    return create();
  } catch (error) {
    if (error instanceof SignatureVerificationException && error.code === 'no_secret') {
      // One entry of a list unset: the verifier's hint names it.
      // One entry of a rotation list unset: the verifier's message already names it.
      if (/secret\[\d+\] of the list/.test(error.message)) throw error;
      throw SignatureVerificationException.of(
        'no_secret',
        "createInbox: `secret` is unset or empty; pass the endpoint's webhook secret, e.g. " +
          '`secret: process.env.WORKOS_WEBHOOK_SECRET` with WORKOS_WEBHOOK_SECRET set',
      );
    }
    throw error;
  }
}

/**
 * Open (and migrate) the store, and wire the receiver, worker and handlers.
 * `const inbox = await createInbox({ database: 'inbox.db', secret })`.
 */
export async function createInbox(options: InboxOptions): Promise<Inbox> {
  checkInboxOptionKeys(options);
  const clock = options.clock ?? systemClock;
  // The app's logger logged a wrapped error's cause twice (our messages already end with it).
  const logger = options.logger ? withCausesLoggedOnce(options.logger) : createDefaultLogger();
  const metrics = createInboxMetrics(
    options.metricsRegistry ? { registry: options.metricsRegistry } : {},
  );
  // A store opened by the caller may lack the mirror's tables, so the mirror is opt-in then.
  const mirror = resolveMirror(options.mirror ?? options.store === undefined);
  const ownsStore = options.store === undefined;
  // Before any database is opened, as the receiver's options below.
  if (options.retention !== undefined) checkRetentionSettings(options.retention);
  let store: Store;
  const registry = new HandlerRegistry();
  // Named in the warning of a name WorkOS does not send: the method itself, unless `serve` says
  // `--handlers` (a label, not a setting).
  const handlersFrom = options.handlersFrom === undefined ? 'inbox.on' : options.handlersFrom;
  const receiver = explainNoSecret(() =>
    createReceiver({
      // Bound late so bad options (no secret, a bad body limit) fail before a database is opened.
      sink: { append: (event) => store.append(event) },
      // One comma-separated string is a rotation, as in WORKOS_WEBHOOK_SECRET for `serve`.
      secret: typeof options.secret === 'string' ? splitSecretList(options.secret) : options.secret,
      ...(options.toleranceMs !== undefined ? { toleranceMs: options.toleranceMs } : {}),
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      ...(options.discardOversizeMaxBytes !== undefined
        ? { discardOversizeMaxBytes: options.discardOversizeMaxBytes }
        : {}),
      ...(options.discardOversizeMaxMs !== undefined
        ? { discardOversizeMaxMs: options.discardOversizeMaxMs }
        : {}),
      ...(options.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: options.retryAfterSeconds }
        : {}),
      logger: logger.child({ component: 'receiver' }),
      clock,
      metrics: metrics.receiver,
      ...(options.inFlightCounter ? { inFlightCounter: options.inFlightCounter } : {}),
    }),
  );
  if (options.store) {
    store = options.store;
  } else {
    if (!options.database) {
      throw new TypeError(
        'createInbox: pass `database` (a SQLite file path or a postgres:// URL) or `store`',
      );
    }
    store = await openStore({
      database: options.database,
      migrationSets: [...mirror.migrationSets, ...(options.migrationSets ?? [])],
      ...(options.schema !== undefined ? { schema: options.schema } : {}),
      ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
      ...(options.maxBatchSize !== undefined ? { maxBatchSize: options.maxBatchSize } : {}),
      ...(options.maxPendingAppends !== undefined
        ? { maxPendingAppends: options.maxPendingAppends }
        : {}),
      ...(options.maxPendingAppendBytes !== undefined
        ? { maxPendingAppendBytes: options.maxPendingAppendBytes }
        : {}),
      ...(options.sqliteThreadShare ? { sqliteThreadShare: options.sqliteThreadShare } : {}),
    });
  }
  let worker: Worker;
  try {
    await store.migrate();
    worker = createWorker({
      ...options.worker,
      store,
      handlers: mirror.chain(registry),
      logger: logger.child({ component: 'worker' }),
      clock,
      ...(options.random ? { random: options.random } : {}),
      metrics: metrics.worker,
      underLoad: options.underLoad ?? (() => receiver.inFlight > 0),
    });
  } catch (error) {
    if (ownsStore) await store.close().catch(() => {});
    throw error;
  }

  const retention = options.retention
    ? createRetentionLoop({
        store,
        clock,
        logger: logger.child({ component: 'retention' }),
        settings: options.retention,
      })
    : undefined;
  let closing: Promise<void> | undefined;
  const expressHandler = createExpressHandler(receiver);
  const nodeHandler = createNodeHandler(receiver);

  return {
    on: (name, handler) => {
      const off = registry.on(name, handler);
      // Any name may be registered (WorkOS adds events), but a misspelt one never runs: said
      // once, here only (`serve --handlers` registers through this too).
      if (handlersFrom !== false) warnOfUnknownEventName(logger, handlersFrom, name);
      return off;
    },
    onAny: (handler) => registry.onAny(handler),
    express: () => expressHandler,
    fastify: createFastifyPlugin(receiver),
    fetch: createWebHandler(receiver),
    node: () => nodeHandler,
    async start() {
      if (closing) throw new Error('inbox.start(): the inbox is closed');
      worker.start();
      retention?.start();
    },
    close(closeOptions) {
      closing ??= (async () => {
        receiver.stopAccepting();
        await receiver.drain();
        await retention?.stop();
        const budget = stopBudget(closeOptions?.timeoutMs);
        await worker.stop({ timeoutMs: budget.timeoutMs });
        // Handlers the worker gave up waiting for may still hold a transaction: rolled back once
        // what is left of `timeoutMs` has passed (at once when nothing is left), not later.
        if (ownsStore) {
          await store.close({
            timeoutMs: Math.min(workerDefaults.leaseReleaseTimeoutMs, budget.leftMs()),
          });
        }
      })();
      return closing;
    },
    replay: (id) => store.replay(id, new Date(clock.now())),
    redrive: (filter = { status: 'dead' }) => store.redrive(filter, new Date(clock.now())),
    store,
    receiver,
    worker,
    metrics: metrics.registry,
  };
}

/** The warning of a handler registered for a name WorkOS does not send (`*` is every name). */
export function warnOfUnknownEventName(logger: Logger, handlersFrom: string, name: string): void {
  if (name === anyEventName || isKnownEventName(name)) return;
  // `event`, not `name`: pino's logger name is `name` (the default logger's `workos-inbox`).
  logger.warn(
    { event: name, didYouMean: closeMatches(name, eventNames, 3) },
    `${handlersFrom}: "${name}" is not an event WorkOS sends; a typo?`,
  );
}
