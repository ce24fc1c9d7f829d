import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import { systemClock } from '../clock.js';
import { deserializeEvent, type WireEvent } from '../events/index.js';
import type { StoredEvent } from '../store/types.js';
import { backoffDelayMs } from './backoff.js';
import type { HandlerContext } from './handler-source.js';
import { workerDefaults, type AttemptOutcome, type WorkerOptions } from './worker-options.js';

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
   * Stop claiming, wait up to `timeoutMs` for running handlers, then give back every lease still
   * held so other workers can take those events at once.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

function describeError(error: unknown): string {
  const text =
    error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}

/** The claim loop: leases, lease extension, one transaction per event, backoff, dead letters. */
export function createWorker(options: WorkerOptions): Worker {
  const { store, handlers } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const logger: Logger = options.logger ?? pino({ level: 'silent' });
  const concurrency = options.concurrency ?? workerDefaults.concurrency;
  const leaseMs = options.leaseMs ?? workerDefaults.leaseMs;
  const pollIntervalMs = options.pollIntervalMs ?? workerDefaults.pollIntervalMs;
  const maxAttempts = options.maxAttempts ?? workerDefaults.maxAttempts;
  const backoff = {
    baseMs: options.backoffBaseMs ?? workerDefaults.backoffBaseMs,
    capMs: options.backoffCapMs ?? workerDefaults.backoffCapMs,
  };
  for (const [name, value] of Object.entries({
    concurrency,
    leaseMs,
    pollIntervalMs,
    maxAttempts,
  })) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(`worker ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  const refillAt = Math.max(1, Math.ceil(concurrency / 2));
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const now = () => new Date(clock.now());

  const inFlight = new Set<Promise<void>>();
  let running = false;
  let loopDone: Promise<void> = Promise.resolve();
  let wakePending = false;
  let wake: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;

  function signal(): void {
    wakePending = true;
    wake?.();
  }

  function waitForSignal(timeoutMs: number): Promise<void> {
    if (wakePending || !running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function attemptEvent(stored: StoredEvent): Promise<AttemptOutcome> {
    const log = logger.child({ eventId: stored.id, event: stored.event, attempt: stored.attempts });
    let leaseLost = false;
    const extender = setInterval(
      () => {
        store
          .extendLease(stored.id, id, new Date(clock.now() + leaseMs))
          .then((ok) => {
            if (!ok) leaseLost = true;
          })
          .catch((error: unknown) => log.warn({ err: error }, 'could not extend lease'));
      },
      Math.max(Math.floor(leaseMs / 3), 10),
    );
    extender.unref();
    try {
      const wire = JSON.parse(stored.rawBody.toString('utf8')) as WireEvent;
      const event = deserializeEvent(wire);
      const list = handlers.handlersFor(stored.event);
      const completed = await store.complete(
        stored.id,
        id,
        async (tx) => {
          const context: HandlerContext = {
            tx,
            attempt: stored.attempts,
            logger: log,
            eventId: stored.id,
            raw: stored.rawBody,
            wire,
          };
          for (const handler of list) await handler(event, context);
        },
        now(),
      );
      if (!completed) {
        log.warn('lease lost before the event completed; another worker owns it now');
        return 'lease_lost';
      }
      if (leaseLost) log.warn('a lease extension failed, but the event completed under its lease');
      return 'done';
    } catch (error) {
      const dead = stored.attempts >= maxAttempts;
      const at = now();
      const nextAttemptAt = dead
        ? null
        : new Date(at.getTime() + backoffDelayMs(stored.attempts, backoff, random));
      log.warn(
        { err: error, dead, nextAttemptAt },
        dead ? 'handler failed; event is dead' : 'handler failed; will retry',
      );
      const recorded = await store.fail(stored.id, id, {
        error: describeError(error),
        nextAttemptAt,
        now: at,
      });
      if (!recorded) return 'lease_lost';
      return dead ? 'dead' : 'retrying';
    } finally {
      clearInterval(extender);
    }
  }

  async function processEvent(stored: StoredEvent): Promise<void> {
    const started = performance.now();
    let outcome: AttemptOutcome = 'lease_lost';
    try {
      outcome = await attemptEvent(stored);
    } catch (error) {
      // store.fail itself failed (database gone): the lease expires and the event returns.
      logger.error({ err: error, eventId: stored.id }, 'could not record the attempt');
    }
    options.metrics?.attempt(outcome, stored.event, (performance.now() - started) / 1000);
  }

  function track(stored: StoredEvent): void {
    const p: Promise<void> = processEvent(stored).finally(() => {
      inFlight.delete(p);
      signal();
    });
    inFlight.add(p);
  }

  async function claim(limit: number): Promise<StoredEvent[]> {
    return store.claim({
      owner: id,
      limit,
      leaseMs,
      now: now(),
      ...(options.events ? { events: options.events } : {}),
    });
  }

  async function loop(): Promise<void> {
    while (running) {
      wakePending = false;
      const free = concurrency - inFlight.size;
      // Refill in batches: a claim is a round trip and a write, so claiming one event per
      // finished event would double the database work per event.
      if (free <= 0 || (inFlight.size > 0 && free < refillAt)) {
        await waitForSignal(pollIntervalMs);
        continue;
      }
      let claimed: StoredEvent[];
      try {
        claimed = await claim(free);
      } catch (error) {
        logger.error({ err: error }, 'claim failed; retrying after the poll interval');
        await new Promise((r) => setTimeout(r, pollIntervalMs));
        continue;
      }
      for (const stored of claimed) track(stored);
      if (claimed.length < free) await waitForSignal(pollIntervalMs);
    }
  }

  return {
    id,
    start() {
      if (running) return;
      running = true;
      unsubscribe = store.onWake(signal);
      loopDone = loop();
    },
    async drain() {
      let attempts = 0;
      for (;;) {
        const claimed = await claim(concurrency);
        if (claimed.length === 0) return attempts;
        attempts += claimed.length;
        await Promise.all(claimed.map((e) => processEvent(e)));
      }
    },
    async stop(stopOptions) {
      running = false;
      unsubscribe?.();
      unsubscribe = undefined;
      wake?.();
      await loopDone;
      const timeoutMs = stopOptions?.timeoutMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((r) => {
          timer = setTimeout(r, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      const released = await store.releaseLeases(id, now());
      if (released > 0) logger.info({ released }, 'released leases on shutdown');
    },
  };
}
