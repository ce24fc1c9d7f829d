import { DueTimes } from './due-times.js';
import { withCausesLoggedOnce } from '../errors/error-log-serializer.js';
import { createDefaultLogger } from '../inbox/default-logger.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import { deserializeEvent, type WireEvent } from '../events/index.js';
import type { SqlExecutor } from '../store/sql-executor.js';
import type {
  CompleteItem,
  CompleteResult,
  FailOptions,
  InlineCompletion,
  StoredEvent,
} from '../store/types.js';
import { backoffDelayMs } from './backoff.js';
import { coalesceWaitMs } from './claim-coalesce.js';
import { createPacer } from './pacer.js';
import { timedOut, within } from '../within.js';
import {
  differenceMessage,
  forgetWorker,
  noteWorker,
  workerNoteEveryMs,
} from './worker-registry.js';
import type {
  BatchCollector,
  EventHandler,
  HandlerBatching,
  HandlerContext,
} from './handler-source.js';
import { workerDefaults, type AttemptOutcome, type WorkerOptions } from './worker-options.js';
import { FailureRun } from '../failure-run.js';
import { guardHandlerTx, HandlerTransactionError } from './handler-tx.js';

export interface Worker {
  /** The lease owner name this worker claims with. */
  readonly id: string;
  /** Run the claim loop in the background until `stop()`. */
  start(): void;
  /**
   * Claim and process everything due at the clock's current time, then resolve with how many
   * attempts were made. For tests (with an injected clock) and one-shot scripts; do not mix with `start()`.
   */
  drain(): Promise<number>;
  /**
   * Stop claiming, wait up to `timeoutMs` for running handlers (default
   * `defaults.shutdownTimeoutMs`), then give back every lease still held so other workers can take
   * those events at once (bounded by `defaults.leaseReleaseTimeoutMs`: a handler still running may
   * hold the SQLite write lock).
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

function describeError(error: unknown): string {
  const text =
    error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}

/** A timer that can be cut short: `wake()` resolves `done` at once. */
function wakeableDelay(ms: number): { done: Promise<void>; wake: () => void } {
  let wake: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(finish, ms);
    function finish(): void {
      clearTimeout(timer);
      resolve();
    }
    wake = finish;
  });
  return { done, wake };
}

/**
 * The claim loop: leases, lease extension, backoff, dead letters. When the handlers batch (the
 * built-in mirror), the events they only collect writes for are applied and marked done by the
 * claim itself (`Store.claimOrComplete`). Leased events are completed several per transaction
 * (`Store.completeMany`) on SQLite, and on both backends when the handlers batch (grouped by
 * directory, writes applied together); otherwise one per transaction on PostgreSQL (see
 * `batchSize`).
 */
/** On SQLite, handlers that hold the write lock this long are logged (receiving waits for them). */
export const slowSqliteHandlerMs = 5000;

export function createWorker(options: WorkerOptions): Worker {
  const { store, handlers } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  // An app's own pino logger logged a wrapped error's cause twice (our messages end with it).
  const logger: Logger = options.logger
    ? withCausesLoggedOnce(options.logger)
    : createDefaultLogger();
  const concurrency = options.concurrency ?? workerDefaults.concurrency;
  const leaseMs = options.leaseMs ?? workerDefaults.leaseMs;
  const pollIntervalMs = options.pollIntervalMs ?? workerDefaults.pollIntervalMs;
  const claimCoalesceMs = options.claimCoalesceMs ?? workerDefaults.claimCoalesceMs;
  if (!(Number.isFinite(claimCoalesceMs) && claimCoalesceMs >= 0)) {
    throw new RangeError(
      `worker claimCoalesceMs must be 0 or more, got ${String(claimCoalesceMs)}`,
    );
  }
  const maxAttempts = options.maxAttempts ?? workerDefaults.maxAttempts;
  const backoff = {
    baseMs: options.backoffBaseMs ?? workerDefaults.backoffBaseMs,
    capMs: options.backoffCapMs ?? workerDefaults.backoffCapMs,
  };
  // NaN (an unset environment variable) would make every retry's time invalid: the attempt could
  // not be recorded and the event would go round its lease forever, never dead.
  for (const [name, value] of Object.entries({
    backoffBaseMs: backoff.baseMs,
    backoffCapMs: backoff.capMs,
  })) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`worker ${name} must be 0 or more, in ms, got ${String(value)}`);
    }
  }
  if (backoff.capMs < backoff.baseMs) {
    throw new RangeError(
      `worker backoffCapMs (${backoff.capMs}) must be at least backoffBaseMs (${backoff.baseMs})`,
    );
  }
  const batching = handlers.batching;
  const batchSize =
    options.batchSize ??
    (batching ? workerDefaults.batchingBatchSize : store.dialect === 'sqlite' ? concurrency : 1);
  const batchBudgetMs = options.batchBudgetMs ?? workerDefaults.batchBudgetMs;
  const drainBatchSize = options.drainBatchSize ?? workerDefaults.drainBatchSize;
  const shareUnderLoad =
    options.shareUnderLoad ??
    (store.dialect === 'postgres'
      ? workerDefaults.postgresShareUnderLoad
      : workerDefaults.sqliteShareUnderLoad);
  const minRateUnderLoad = options.minRateUnderLoad ?? workerDefaults.minRateUnderLoad;
  for (const [name, value] of Object.entries({
    concurrency,
    leaseMs,
    pollIntervalMs,
    maxAttempts,
    batchSize,
    batchBudgetMs,
    drainBatchSize,
  })) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(`worker ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  // With batching handlers a claim fills at least one whole batch: the claim's and the
  // transaction's round trips are then shared by up to batchSize events. On PostgreSQL it fills
  // several: the events of many directories split into many small batches otherwise (ten
  // directories, 64 claimed: ten transactions of six), and while one key's chain runs the next
  // claim overlaps it. SQLite serialises transactions, so a larger claim would only hold its
  // write lock longer.
  const claimLimit = batching
    ? Math.max(
        concurrency,
        batchSize * (store.dialect === 'postgres' ? workerDefaults.postgresClaimBatches : 1),
      )
    : concurrency;
  const refillAt = Math.max(1, Math.ceil(claimLimit / 2));
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const now = () => new Date(clock.now());

  const inFlight = new Set<Promise<void>>();
  /** Events being processed (inFlight holds batches). */
  let busy = 0;
  let running = false;
  /**
   * stop() was called: no handler starts any more. The events claimed and not started stay leased
   * until stop() gives them back, uncounted. A batch's or a chain's next events used to run after
   * SIGTERM, one after another (on SQLite a claim's events run in sequence), past the drain time.
   * What guarantees it is the check inside the handler's transaction, just before the handler
   * (attemptEvent's `guarded`, completeMany's `stopped`): stop() can come while a transaction
   * begins. The earlier ones (a chain's next batch in `track`, `processEvent`, `processBatch`'s
   * loop) spare a transaction begun only to roll back; `track`'s also keeps a batch that never
   * started out of the pacer's count.
   */
  let stopping = false;
  /** Thrown inside an event's transaction when stop() came before its handlers started. */
  const notStarted = new Error('the worker is stopping: not started');
  let loopDone: Promise<void> = Promise.resolve();
  let wakePending = false;
  let wake: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;
  const pacer = createPacer({
    share: shareUnderLoad,
    minRate: minRateUnderLoad,
    ...(options.underLoad ? { underLoad: options.underLoad } : {}),
  });
  let interruptRest: (() => void) | undefined;

  /** Yield to ingest before the next claim (see `shareUnderLoad`); `stop()` cuts it short. */
  function rest(): Promise<void> {
    return pause(pacer.restMs());
  }

  /** Wait `ms` (none if 0 or less); `stop()` cuts it short. */
  function pause(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    const delay = wakeableDelay(ms);
    interruptRest = delay.wake;
    return delay.done.finally(() => {
      interruptRest = undefined;
    });
  }

  /** After a short claim begun at `claimedAt`, see {@link coalesceWaitMs}; `stop()` cuts it short. */
  function coalesce(claimedAt: number): Promise<void> {
    return running
      ? pause(coalesceWaitMs(claimedAt, clock.now(), claimCoalesceMs))
      : Promise.resolve();
  }

  function signal(): void {
    wakePending = true;
    wake?.();
  }

  /**
   * This worker's row in `workos_inbox_workers` (what it handles), refreshed every
   * `workerNoteEveryMs`: a live worker that handles something this one does not is warned of,
   * once each (docs/inbox.md, "The worker").
   */
  let noteTimer: NodeJS.Timeout | undefined;
  let noting: Promise<void> | undefined;
  const warnedOf = new Set<string>();
  function startNoting(): void {
    if (!handlers.describe || noteTimer) return;
    const note = () => {
      noting ??= noteWorker(store, id, handlers.describe!(), new Date(clock.now()))
        .then((differences) => {
          for (const difference of differences) {
            const key = `${difference.owner} ${difference.missing.join(',')}`;
            if (warnedOf.has(key)) continue;
            warnedOf.add(key);
            logger.warn(
              { otherWorker: difference.owner, missing: difference.missing },
              differenceMessage(difference),
            );
          }
        })
        .catch((error: unknown) => {
          // Only a comparison: the database's own problems are reported where they matter.
          logger.debug({ err: error }, 'could not note this worker in workos_inbox_workers');
        })
        .finally(() => {
          noting = undefined;
        });
    };
    note();
    noteTimer = setInterval(note, workerNoteEveryMs);
    noteTimer.unref();
  }
  async function stopNoting(budget: StopBudget): Promise<void> {
    if (!noteTimer) return;
    clearInterval(noteTimer);
    noteTimer = undefined;
    // Bounded: a handler given up on may hold the SQLite write lock these need.
    await within(noting ?? Promise.resolve(), releaseBoundMs(budget.leftMs()));
    const gone = await within(
      forgetWorker(store, id).catch(() => {}),
      releaseBoundMs(budget.leftMs()),
    );
    if (gone === timedOut) logger.debug('could not remove this worker from workos_inbox_workers');
  }

  /** Claims failing in a row (the database down): logged once, then once a minute. */
  const claimFailures = new FailureRun(clock, 60_000);
  /** When the retries this worker recorded come due (ms on the clock), and the one timer for the earliest. */
  const retriesDue = new DueTimes();
  let retryTimer: { at: number; timer: NodeJS.Timeout } | undefined;

  /**
   * Claim again when a retry recorded here comes due, rather than at the next poll after it
   * (`pollIntervalMs` late at most, which for short backoffs was most of the wait). Every retry
   * recorded is kept until its time has come, not only the earliest, and a timer that fires
   * before the clock says so waits for the rest: Node counts a timer from the start of the event
   * loop's current turn, so after a long turn (a commit on a loaded machine) it fires early by the
   * clock, and an injected clock may run slower than timers. Other processes' retries are still found
   * by the poll.
   */
  function wakeAt(at: Date): void {
    if (!running) return;
    retriesDue.add(at.getTime());
    armRetryTimer();
  }

  function armRetryTimer(): void {
    const earliest = retriesDue.earliest();
    if (earliest === undefined || (retryTimer && retryTimer.at <= earliest)) return;
    if (retryTimer) clearTimeout(retryTimer.timer);
    const timer = setTimeout(retryTimerFired, Math.max(1, earliest - clock.now()));
    timer.unref();
    retryTimer = { at: earliest, timer };
  }

  function retryTimerFired(): void {
    retryTimer = undefined;
    if (!running) return;
    if (retriesDue.takeDue(clock.now()) > 0) signal();
    armRetryTimer();
  }

  function waitForSignal(timeoutMs: number): Promise<void> {
    if (wakePending || !running) return Promise.resolve();
    const delay = wakeableDelay(timeoutMs);
    wake = delay.wake;
    return delay.done.finally(() => {
      wake = undefined;
    });
  }

  /** Bodies parsed once per attempt (the batch key needs them before the handlers do). */
  const parsed = new WeakMap<StoredEvent, WireEvent>();
  function wireOf(stored: StoredEvent): WireEvent {
    let wire = parsed.get(stored);
    if (!wire) {
      wire = JSON.parse(stored.rawBody.toString('utf8')) as WireEvent;
      parsed.set(stored, wire);
    }
    return wire;
  }

  /** The event as handlers see it, parsed once per attempt. */
  function prepare(
    stored: StoredEvent,
    list: readonly EventHandler[] = handlers.handlersFor(stored.event),
  ): { run: (tx: SqlExecutor) => Promise<void> } {
    const wire = wireOf(stored);
    const event = list.length > 0 ? deserializeEvent(wire) : undefined;
    let log: Logger | undefined;
    return {
      async run(tx) {
        // On SQLite the handlers run while the write lock is held, and receiving needs it: say so
        // when they hold it long (an HTTP call of seconds), since answers wait meanwhile.
        const slow =
          store.dialect === 'sqlite' && list.length > 0
            ? setTimeout(() => {
                childLogger(stored).warn(
                  { heldMs: slowSqliteHandlerMs },
                  "handlers have held SQLite's write lock for 5 s: webhooks wait for it (503 after busyTimeoutMs); keep SQLite handlers short, or use PostgreSQL",
                );
              }, slowSqliteHandlerMs)
            : undefined;
        slow?.unref();
        try {
          await runHandlers(tx);
        } finally {
          clearTimeout(slow);
        }
      },
    };

    async function runHandlers(tx: SqlExecutor): Promise<void> {
      if (list.length === 0) return;
      // A pino child per event costs more than the event's own SQL: make it only when asked for.
      const guard = guardHandlerTx(tx, stored.id);
      const context: HandlerContext = {
        tx: guard.tx,
        attempt: stored.attempts,
        get logger() {
          log ??= childLogger(stored);
          return log;
        },
        eventId: stored.id,
        raw: stored.rawBody,
        wire,
      };
      let running = 0;
      try {
        for (const handler of list) await handler(event, context);
      } finally {
        // A query the handler started without awaiting it must not commit with the event: on
        // PostgreSQL pg would queue COMMIT behind it and commit it, whatever it did. Let it end
        // (so nothing of this event runs after the rollback), then fail the attempt loudly.
        running = guard.end();
        if (running > 0) await guard.settled();
      }
      if (running > 0) {
        throw new HandlerTransactionError(
          'query_not_awaited',
          `a handler for event ${stored.id} returned while ${running} ctx.tx ${running === 1 ? 'query' : 'queries'} it started still ran; the attempt is rolled back: await every query inside the handler`,
        );
      }
    }
  }

  function childLogger(stored: StoredEvent): Logger {
    return logger.child({ eventId: stored.id, event: stored.event, attempt: stored.attempts });
  }

  function failure(stored: StoredEvent, error: unknown): FailOptions {
    const dead = stored.attempts >= maxAttempts;
    const at = now();
    const nextAttemptAt = dead
      ? null
      : new Date(at.getTime() + backoffDelayMs(stored.attempts, backoff, random));
    return { error: describeError(error), nextAttemptAt, now: at };
  }

  function logFailure(stored: StoredEvent, error: unknown, options: FailOptions): void {
    const dead = options.nextAttemptAt === null;
    childLogger(stored).warn(
      { err: error, dead, nextAttemptAt: options.nextAttemptAt },
      dead ? 'handler failed; event is dead' : 'handler failed; will retry',
    );
  }

  /** The lease extenders of the batches running; `stop()` ends those it gives up waiting for. */
  const extenders = new Set<NodeJS.Timeout>();

  /** One timer extends the leases of every event of a batch still running. */
  function extendLeases(pending: Set<StoredEvent>, lost: Set<string>): NodeJS.Timeout {
    const timer = setInterval(
      () => {
        for (const stored of pending) {
          store
            .extendLease(stored.id, id, new Date(clock.now() + leaseMs))
            .then((ok) => {
              if (!ok) lost.add(stored.id);
            })
            .catch((error: unknown) =>
              childLogger(stored).warn({ err: error }, 'could not extend lease'),
            );
        }
      },
      Math.max(Math.floor(leaseMs / 3), 10),
    );
    timer.unref();
    extenders.add(timer);
    return timer;
  }

  function stopExtending(timer: NodeJS.Timeout): void {
    clearInterval(timer);
    extenders.delete(timer);
  }

  async function attemptEvent(stored: StoredEvent): Promise<AttemptOutcome | 'not_started'> {
    const lost = new Set<string>();
    const extender = extendLeases(new Set([stored]), lost);
    try {
      const { run } = prepare(stored);
      // stop() may come while the transaction begins (on PostgreSQL a connection, BEGIN and the
      // lease check): the handler does not start then, and the transaction rolls back.
      const guarded = async (tx: SqlExecutor) => {
        if (stopping) throw notStarted;
        await run(tx);
      };
      const completed = await store.complete(stored.id, id, guarded, now(), now);
      if (!completed) {
        childLogger(stored).warn(
          'lease lost before the event completed; another worker owns it now',
        );
        return 'lease_lost';
      }
      if (lost.size > 0) {
        childLogger(stored).warn(
          'a lease extension failed, but the event completed under its lease',
        );
      }
      return 'done';
    } catch (error) {
      if (error === notStarted) return 'not_started';
      const fail = failure(stored, error);
      logFailure(stored, error, fail);
      const recorded = await store.fail(stored.id, id, fail);
      if (!recorded) return 'lease_lost';
      if (fail.nextAttemptAt === null) return 'dead';
      wakeAt(fail.nextAttemptAt);
      return 'retrying';
    } finally {
      stopExtending(extender);
    }
  }

  async function processEvent(stored: StoredEvent): Promise<void> {
    // Claimed but not started when stop() came: given back by stop(), uncounted.
    if (stopping) return;
    const started = performance.now();
    let outcome: AttemptOutcome | 'not_started' = 'lease_lost';
    try {
      outcome = await attemptEvent(stored);
    } catch (error) {
      // store.fail itself failed (database gone): the lease expires and the event returns.
      logger.error({ err: error, eventId: stored.id }, 'could not record the attempt');
    }
    if (outcome === 'not_started') return;
    options.metrics?.attempt(outcome, stored.event, (performance.now() - started) / 1000);
  }

  function resultOutcome(
    stored: StoredEvent,
    result: CompleteResult,
    fail?: FailOptions,
  ): AttemptOutcome {
    if (result.outcome === 'done') return 'done';
    if (result.outcome === 'lease_lost') {
      childLogger(stored).warn('lease lost before the event completed; another worker owns it now');
      return 'lease_lost';
    }
    if (fail) logFailure(stored, result.error, fail);
    if (!result.recorded) return 'lease_lost';
    if (fail?.nextAttemptAt === null) return 'dead';
    if (fail?.nextAttemptAt) wakeAt(fail.nextAttemptAt);
    return 'retrying';
  }

  /**
   * Several events per transaction (`completeMany`): the transaction, lease checks and commit are
   * paid once per batch instead of once per event, which on SQLite is most of the cost of an event.
   */
  async function processBatch(batch: StoredEvent[]): Promise<void> {
    const started = performance.now();
    const pending = new Set(batch);
    const lost = new Set<string>();
    const extender = extendLeases(pending, lost);
    let rest = batch;
    try {
      while (rest.length > 0 && !stopping) {
        const failures = new Map<string, FailOptions>();
        const items: CompleteItem[] = [];
        const unparsable: StoredEvent[] = [];
        // A collector per transaction: one that rolled back must not leave writes behind.
        const collector = batching?.open();
        for (const stored of rest) {
          let item: Pick<CompleteItem, 'work' | 'collectsOnly'>;
          try {
            item = collector ? collectingItem(stored, collector) : { work: prepare(stored).run };
          } catch {
            unparsable.push(stored);
            continue;
          }
          items.push({
            id: stored.id,
            ...item,
            failure: (error) => {
              const fail = failure(stored, error);
              failures.set(stored.id, fail);
              return fail;
            },
          });
        }
        // A body that does not parse fails like a throwing handler, on the single-event path.
        for (const stored of unparsable) {
          pending.delete(stored);
          await processEvent(stored);
        }
        if (items.length === 0) return;
        const byId = new Map(rest.map((stored) => [stored.id, stored]));
        let results: CompleteResult[];
        try {
          results = await store.completeMany(id, items, now(), {
            // processedAt: when the batch's handlers finished, not when it began.
            finishedAt: now,
            maxItems: batchSize,
            budgetMs: batchBudgetMs,
            stopped: () => stopping,
            ...(collector ? { flush: (tx: SqlExecutor) => collector.flush(tx) } : {}),
          });
        } catch (error) {
          // The whole transaction rolled back, so none of these events has any effect yet: take
          // them one at a time, where a failure is recorded per event.
          logger.warn(
            { err: error },
            'batch transaction failed; completing its events one at a time',
          );
          const left = items.map((item) => byId.get(item.id)!);
          for (const stored of left) pending.delete(stored);
          await Promise.all(left.map((stored) => processEvent(stored)));
          return;
        }
        const seconds = (performance.now() - started) / 1000;
        for (const result of results) {
          const stored = byId.get(result.id)!;
          pending.delete(stored);
          const outcome = resultOutcome(stored, result, failures.get(result.id));
          if (outcome === 'done' && lost.has(stored.id)) {
            childLogger(stored).warn(
              'a lease extension failed, but the event completed under its lease',
            );
          }
          options.metrics?.attempt(outcome, stored.event, seconds);
        }
        const finished = new Set(results.map((result) => result.id));
        rest = items.filter((item) => !finished.has(item.id)).map((item) => byId.get(item.id)!);
      }
    } catch (error) {
      logger.error({ err: error }, 'could not record a batch of attempts');
    } finally {
      stopExtending(extender);
    }
  }

  /**
   * An event whose handlers batch: its writes are collected (and applied by the collector's
   * flush, once for the transaction); handlers that do not batch run after its writes are applied.
   */
  function collectingItem(
    stored: StoredEvent,
    collector: BatchCollector,
  ): Pick<CompleteItem, 'work' | 'collectsOnly'> {
    const wire = wireOf(stored);
    const others = batching!.perEvent(stored.event);
    if (others.length === 0) return { work: async () => collector.add(wire), collectsOnly: true };
    const { run } = prepare(stored, others);
    return {
      work: async (tx) => {
        collector.add(wire);
        await collector.flush(tx);
        await run(tx);
      },
    };
  }

  function runBatch(batch: StoredEvent[]): Promise<void> {
    return batch.length === 1 && !batching ? processEvent(batch[0]!) : processBatch(batch);
  }

  /** Run one key's batches one after another (they would only queue on each other's lock). */
  function track(chain: StoredEvent[][]): void {
    for (const batch of chain) busy += batch.length;
    pacer.begin();
    const work = (async () => {
      for (const batch of chain) {
        if (stopping) {
          // Not started: given back by stop() with the rest of this worker's leases.
          busy -= batch.length;
          continue;
        }
        // processBatch and processEvent record their own failures; should one throw anyway, the
        // chain goes on (that batch's leases expire and its events are claimed again).
        await runBatch(batch).catch((error: unknown) =>
          logger.error({ err: error }, 'a batch failed unexpectedly'),
        );
        busy -= batch.length;
        pacer.finished(batch.length);
        signal();
      }
    })();
    const p: Promise<void> = work.finally(() => {
      pacer.end();
      inFlight.delete(p);
    });
    inFlight.add(p);
  }

  /**
   * Split claimed events into the batches one transaction each completes, as one chain per key:
   * with batching handlers, by their key first (on PostgreSQL the chains of different keys run
   * at once, each on its own connection, and none holds the locks of two directories).
   */
  function chains(claimed: StoredEvent[]): StoredEvent[][][] {
    const groups = new Map<string, StoredEvent[]>();
    for (const stored of claimed) {
      let key = '';
      if (batching) {
        try {
          key = batching.key(wireOf(stored));
        } catch {
          key = '\u0000unparsable';
        }
      }
      const group = groups.get(key);
      if (group) group.push(stored);
      else groups.set(key, [stored]);
    }
    const out: StoredEvent[][][] = [];
    for (const group of groups.values()) {
      if (!batching) {
        // Without a key every event (or batch) stands alone and runs at once, as before.
        for (let i = 0; i < group.length; i += batchSize) out.push([group.slice(i, i + batchSize)]);
        continue;
      }
      const chain: StoredEvent[][] = [];
      for (let i = 0; i < group.length; i += batchSize) chain.push(group.slice(i, i + batchSize));
      out.push(chain);
    }
    return out;
  }

  /** Whether something else wanted the SQLite write lock during the last claim. */
  let contended = false;

  /**
   * Lease up to `limit` due events. Where the store can (both backends) and the handlers batch,
   * the due events whose handlers only collect writes (the built-in mirror alone) are applied and
   * marked done in the claim's own transaction instead: no lease, no `processing` state, no
   * second transaction; up to `drainBatchSize` of them while nothing else wanted the SQLite write
   * lock during the previous claim and no request is in flight, else up to `claimLimit`. Returns the leased events, how many attempts were made (done here, or
   * leased), how many events were due and how many were asked for (fewer due than asked: the
   * backlog is empty for now).
   */
  async function claim(
    limit: number,
  ): Promise<{ claimed: StoredEvent[]; attempted: number; due: number; asked: number }> {
    const claimOptions = {
      owner: id,
      limit,
      leaseMs,
      now: now(),
      ...(options.events ? { events: options.events } : {}),
    };
    if (!batching || !store.claimOrComplete) {
      const claimed = await store.claim(claimOptions);
      return { claimed, attempted: claimed.length, due: claimed.length, asked: limit };
    }
    const quiet = !contended && !(options.underLoad?.() ?? false);
    const asked = Math.max(limit, quiet ? Math.max(drainBatchSize, claimLimit) : claimLimit);
    const started = performance.now();
    const result = await store.claimOrComplete(claimOptions, inlineCompletion(batching, asked));
    contended = result.contended;
    const seconds = (performance.now() - started) / 1000;
    for (const stored of result.done) options.metrics?.attempt('done', stored.event, seconds);
    pacer.finished(result.done.length);
    return {
      claimed: result.claimed,
      attempted: result.done.length + result.claimed.length,
      due: result.due,
      asked,
    };
  }

  /**
   * On SQLite as `chains` would split them: a collector per key and per `batchSize` events,
   * flushed one after another in the claim's transaction. On PostgreSQL one collector.
   */
  function inlineCompletion(batching: HandlerBatching, limit: number): InlineCompletion {
    const current = new Map<string, { collector: BatchCollector; events: number }>();
    const collectors: BatchCollector[] = [];
    // Events with handlers of their own are only ever leased, so the claim need not read their
    // bodies (a backlog of them would otherwise be read `limit` at a time to lease a few).
    const onlyCollects = (name: string) => batching.perEvent(name).length === 0;
    return {
      limit,
      accepts: onlyCollects,
      acceptsEvery: batching.onlyCollects?.() ?? false,
      // The mirror's writes lock their directory: one directory per claim on PostgreSQL, so two
      // workers apply two directories at once instead of queueing on the same lock.
      byDirectory: store.dialect === 'postgres',
      collect(stored) {
        if (!onlyCollects(stored.event)) return false;
        try {
          const wire = wireOf(stored);
          // PostgreSQL: one collector for the whole claim, whose flush takes every directory's
          // lock in one sorted statement (collectors flushed one after another would take them
          // in their own order, and two processes could wait for each other).
          const key = store.dialect === 'postgres' ? '' : batching.key(wire);
          let open = current.get(key);
          if (!open || (store.dialect === 'sqlite' && open.events >= batchSize)) {
            open = { collector: batching.open(), events: 0 };
            current.set(key, open);
            collectors.push(open.collector);
          }
          open.collector.add(wire);
          open.events++;
          return true;
        } catch {
          // Unparsable, or not applicable: leased, and failed on the usual path.
          return false;
        }
      },
      async flush(tx) {
        for (const collector of collectors) await collector.flush(tx);
      },
      flushFailed(error) {
        logger.warn(
          { err: error },
          'applying due events in the claim failed; leasing them instead',
        );
      },
    };
  }

  async function loop(): Promise<void> {
    while (running) {
      wakePending = false;
      const free = claimLimit - busy;
      // Refill in batches: a claim is a round trip and a write, so claiming one event per
      // finished event would double the database work per event.
      if (free <= 0 || (busy > 0 && free < refillAt)) {
        await waitForSignal(pollIntervalMs);
        continue;
      }
      await rest();
      if (!running) break;
      let claimed: StoredEvent[];
      let due: number;
      let asked: number;
      pacer.begin();
      const claimedAt = clock.now();
      try {
        ({ claimed, due, asked } = await claim(free));
      } catch (error) {
        pacer.end();
        // The first failure with its cause; while they go on (the database down), one line a
        // minute, not a stack every poll.
        const note = claimFailures.failed();
        if (note.log === 'first') {
          logger.error({ err: error }, 'claim failed; retrying after the poll interval');
        } else if (note.log === 'count') {
          logger.error(
            {
              failures: note.failures,
              forMs: note.forMs,
              error: error instanceof Error ? error.message : String(error),
            },
            'claims still failing; retrying after the poll interval',
          );
        }
        await new Promise((r) => setTimeout(r, pollIntervalMs));
        continue;
      }
      const ended = claimFailures.succeeded();
      if (ended) logger.info(ended, 'claims work again');
      for (const chain of chains(claimed)) track(chain);
      pacer.end();
      if (due < asked) {
        // Caught up: wait for a wake-up, then let more events join the next claim.
        await waitForSignal(pollIntervalMs);
        await coalesce(claimedAt);
      }
    }
  }

  return {
    id,
    start() {
      if (running) return;
      running = true;
      stopping = false;
      unsubscribe = store.onWake(signal);
      loopDone = loop();
      startNoting();
    },
    async drain() {
      let attempts = 0;
      for (;;) {
        const { claimed, attempted, due } = await claim(claimLimit);
        if (due === 0) return attempts;
        attempts += attempted;
        await Promise.all(
          chains(claimed).map(async (chain) => {
            for (const batch of chain) await runBatch(batch);
          }),
        );
      }
    },
    async stop(stopOptions) {
      running = false;
      stopping = true;
      if (retryTimer) clearTimeout(retryTimer.timer);
      retryTimer = undefined;
      retriesDue.clear();
      interruptRest?.();
      unsubscribe?.();
      unsubscribe = undefined;
      wake?.();
      await loopDone;
      const budget = stopBudget(stopOptions?.timeoutMs);
      const { timeoutMs } = budget;
      if ((await within(Promise.allSettled([...inFlight]), timeoutMs)) === timedOut) {
        // Handlers still running are given up on: their leases are no longer extended, so their
        // events go to another worker (or the next start) once the leases end: at least once.
        // Closing the store then rolls back what their transactions wrote.
        for (const timer of extenders) clearInterval(timer);
        extenders.clear();
        logger.warn(
          { timeoutMs, running: busy },
          'handlers still running at shutdown are given up on: their events are processed again after their lease',
        );
      }
      await stopNoting(budget);
      // A handler still running may hold the SQLite write lock the release needs: bounded too, by
      // what is left of `timeoutMs` (at least a short moment, so a release that does not wait
      // still happens), so a stop ends close to the time it was given. Leases not given back
      // expire after leaseMs, and another worker takes the events then.
      const releaseMs = releaseBoundMs(budget.leftMs());
      const released = await within(store.releaseLeases(id, now()), releaseMs);
      if (released === timedOut) {
        logger.warn(
          { timeoutMs: releaseMs },
          'could not release leases in time (a handler holds the database); they expire after leaseMs',
        );
      } else if (released > 0) {
        logger.info({ released }, 'released leases on shutdown');
      }
    },
  };
}

/** A stop's time: `timeoutMs` from now (the default shutdown timeout when not given). */
export interface StopBudget {
  readonly timeoutMs: number;
  /** What is left of it, never below 0. */
  leftMs(): number;
}

export function stopBudget(timeoutMs = workerDefaults.shutdownTimeoutMs): StopBudget {
  const deadline = performance.now() + timeoutMs;
  return { timeoutMs, leftMs: () => Math.max(0, deadline - performance.now()) };
}

/** How long a stopping worker waits to give its leases back, with `leftMs` of its stop's time. */
export function releaseBoundMs(leftMs: number): number {
  return Math.min(workerDefaults.leaseReleaseTimeoutMs, Math.max(minReleaseMs, leftMs));
}

/** A release that does not wait for a lock takes a few ms: this much is always given to it. */
const minReleaseMs = 100;
