import type http from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { signatureHeader } from '../signature/sign.js';
import type { SqlExecutor } from '../store/sql-executor.js';
import type { Store } from '../store/types.js';
import { backoffDelayMs } from '../worker/backoff.js';
import { coalesceWaitMs } from '../worker/claim-coalesce.js';
import {
  claimDeliveries,
  finishDeliveries,
  pauseDestination,
  releaseDeliveries,
} from './delivery-operations.js';
import type { DeliveryResult } from './delivery-operations.js';
import type { ClaimedDelivery } from './delivery-types.js';
import type { Destination } from './destination.js';
import { countFailure } from './forward-metrics.js';
import type { ForwardMetrics } from './forward-metrics.js';
import { createAgent, postDelivery } from './post-delivery.js';
import { StartPacer } from './start-pacer.js';
import type { Sleep } from './start-pacer.js';

/** Outcomes that are recorded at once; fewer wait a few ms for others to join them (`kick`). */
const outcomesPerFlush = 64;
/**
 * How long fewer outcomes wait. An ordered destination's next delivery of an object waits for the
 * previous one's outcome, so its outcomes are recorded sooner; other destinations' outcomes only
 * end their leases, and mostly ride on the next claim's transaction anyway.
 */
const outcomeWaitMs = { ordered: 5, unordered: 20 };
const maxOutcomesPerTransaction = 256;

export interface RunnerDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  random: () => number;
  owner: string;
  leaseMs: number;
  idlePollMs: number;
  /** Claimed ahead of the attempts, at most (see {@link claimWindow}). */
  claimAheadMax: number;
  /** Once caught up, the next claim waits until this long after the last one began (0: none). */
  claimCoalesceMs: number;
  metrics: ForwardMetrics;
  /** Waits between paced starts (`rate=`). */
  sleep: Sleep;
}

/**
 * One destination's delivery loop: claims what is due (up to its concurrency), POSTs each, and
 * records the outcomes in batches. Each destination has its own loop and its own rows, so a slow
 * or dead destination holds back nothing but itself.
 */
export class DestinationRunner {
  private readonly agent: http.Agent;
  private inFlight = 0;
  private stopped = false;
  private signal: (() => void) | undefined;
  private signalled = false;
  /** A `pokeNextTurn` is scheduled. */
  private pokePending = false;
  private results: DeliveryResult[] = [];
  private flushing: Promise<void> | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pacer: StartPacer;
  private loop: Promise<void> | undefined;
  /** Attempts in flight (each settles within its timeout). */
  private readonly attempts = new Set<Promise<void>>();
  /** Claimed, not yet started, with the end of each one's lease (ms, the runner's clock). */
  private queue: Array<{ delivery: ClaimedDelivery; leaseEndsAt: number }> = [];
  /** Wake-ups so far (appends, redrives, recorded outcomes of an ordered destination). */
  private wakes = 0;
  /** `wakes` when a claim last got fewer than it asked for; undefined after a full one. */
  private shortClaimAt: number | undefined;
  /** Recent attempts' duration, ms (an exponential moving average); undefined before the first. */
  private attemptMs: number | undefined;
  private readonly leaseMs: number;
  /** Failed attempts since the last success, and when the first of them ended (the runner's clock). */
  private failuresInRow = 0;
  private failingSince = 0;
  /** When the last claim began (the runner's clock). */
  private lastClaimAt = 0;
  /** The claim in progress: attempts go on starting meanwhile. One at a time. */
  private claiming: Promise<void> | undefined;
  /** After a failed claim, none before this (the runner's clock). */
  private claimAgainAt = 0;
  /**
   * The 410 rule (the places that set, read and clear this flag point here): a 410 stops the
   * destination at once, until the pause it makes is flushed. `deliver` sets it when a 410 comes
   * back and flushes that outcome at once, not after the usual wait for more outcomes; while it
   * is set, `run` starts nothing, claims nothing and gives back what is queued, unstarted, not to
   * the endpoint that said Gone. `flush` clears it in its finally, once the batch carrying the
   * pause is written (the database's pause then holds the deliveries, in every process, until
   * `deliveries resume`; claims yield nothing meanwhile) or could not be (the next 410 tries
   * again): the loop goes on either way.
   */
  private gone = false;
  /** 410s so far: a claim during which one came back gives its deliveries back (see `claim`). */
  private goneCount = 0;

  constructor(
    readonly destination: Destination,
    private readonly deps: RunnerDeps,
  ) {
    this.agent = createAgent(destination.url, destination.concurrency);
    this.pacer = new StartPacer(destination.ratePerSecond, deps.clock, deps.sleep);
    this.leaseMs = Math.max(deps.leaseMs, destination.timeoutMs + 5000);
  }

  /**
   * How many deliveries to hold claimed (in flight and queued). A claim is a transaction with a
   * cost of its own (three round trips on PostgreSQL; on SQLite three or four statements and a
   * commit under the write lock, whose claiming statement costs ~40% less per delivery in claims
   * of 64 than of 8), so a fast destination is fed by few, large claims (on SQLite one of 128
   * held the write lock ~3 ms on the 2-core machine, as the worker's batches do); but a queued
   * delivery's lease runs while it waits, so the window is sized for the last one in line to
   * start within a quarter of its lease at the pace attempts have been finishing (concurrency
   * slots, each busy `attemptMs`, and `rate=`). Never less than twice the concurrency (one claim
   * feeds the next round of attempts), nor more than `claimAheadMax`. Below the destination's
   * pace (a moderate stream), a claim takes only what is due, a few deliveries, whatever the
   * window.
   */
  claimWindow(): number {
    const d = this.destination;
    const floor = 2 * d.concurrency;
    if (this.attemptMs === undefined) return floor;
    const msPerStart = Math.max(
      this.attemptMs / d.concurrency,
      d.ratePerSecond ? 1000 / d.ratePerSecond : 0,
      0.01,
    );
    const fits = Math.floor(this.leaseMs / 4 / msPerStart);
    return Math.max(floor, Math.min(this.deps.claimAheadMax, fits));
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Something may be due (an append, a redrive): claim again even after a short claim. */
  wake(): void {
    this.wakes++;
    this.poke();
  }

  /**
   * An attempt ended: let the loop look at its slots once this turn of the event loop has handled
   * every answer that arrived with this one, so the freed slots start together. Started one at a
   * time, each request woke the destination's process on its own (the destination idle between
   * them, as a destination faster than its sender is), and a loopback send that wakes its reader
   * cost this process about twice the CPU of one that does not (profiled: ~40 against ~22 µs per
   * `writev`). Measured in one process, alternated runs of 5,000 deliveries to the endpoint of
   * `bench:forward` (2-core machine): 6,240 → 8,028 deliveries/s (medians), CPU per delivery
   * 167 → 130 µs. The wait is one turn (`setImmediate`), not a count of free slots: a slot never
   * waits for a slow attempt elsewhere to end.
   */
  private pokeNextTurn(): void {
    if (this.pokePending) return;
    this.pokePending = true;
    setImmediate(() => {
      this.pokePending = false;
      this.poke();
    });
  }

  /** Let the loop look at its slots and queue (an attempt ended) without claiming for that alone. */
  private poke(): void {
    this.signalled = true;
    const signal = this.signal;
    this.signal = undefined;
    signal?.();
  }

  /** Stop claiming, let in-flight attempts end (each is bounded by its timeout), record them. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await Promise.all(this.attempts);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flushing;
    // Each flush takes one batch, and a failed one drops its batch (logged): this ends.
    while (this.results.length > 0) await this.flush();
    this.agent.destroy();
  }

  /** Wait for a signal or `ms`; after `ms` with none, claim again (retries come due on their own). */
  private waitForSignal(ms: number): Promise<void> {
    if (this.signalled || this.stopped) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (timedOut: boolean) => {
        clearTimeout(timer);
        if (this.signal === signal) this.signal = undefined;
        this.signalled = false;
        if (timedOut) this.shortClaimAt = undefined;
        resolve();
      };
      const signal = () => done(false);
      const timer = setTimeout(() => done(true), ms);
      this.signal = signal;
    });
  }

  private async run(): Promise<void> {
    const { clock } = this.deps;
    const d = this.destination;
    while (!this.stopped) {
      // Gone (410), see `gone`: the queued deliveries go back unstarted.
      if (this.gone && this.queue.length > 0) await this.giveBack(this.takeQueue());
      // Start what is claimed while slots are free.
      while (
        this.queue.length > 0 &&
        this.inFlight < d.concurrency &&
        !this.stopped &&
        !this.gone
      ) {
        const { delivery, leaseEndsAt } = this.queue.shift()!;
        await this.pacer.next();
        // Waited so long (the destination slowed down after a large claim) that the attempt could
        // outlive the lease: give it back uncounted, with every other queued one in that case.
        if (clock.now() + d.timeoutMs > leaseEndsAt) {
          await this.requeueStale(delivery);
          continue;
        }
        this.inFlight++;
        const attempt = this.deliver(delivery).finally(() => {
          this.inFlight--;
          this.attempts.delete(attempt);
          this.pokeNextTurn();
        });
        this.attempts.add(attempt);
      }
      // Claim ahead, up to the window, once half of it is free: one claim transaction then feeds
      // many attempts instead of one. The claim runs beside the attempts: the loop goes on
      // starting queued deliveries in the slots that free up meanwhile (on PostgreSQL a claim is
      // three round trips, plus the outcomes riding along, longer than the attempts it overlaps).
      const window = this.claimWindow();
      const held = this.inFlight + this.queue.length;
      // After a claim that got fewer than it asked for, nothing more is due until something is
      // appended or redriven (a wake), an ordered object's earlier delivery is recorded, or the
      // idle poll finds retries come due.
      const backlogEmpty = this.shortClaimAt !== undefined && this.shortClaimAt === this.wakes;
      if (this.stopped || this.claiming || this.gone || held > window / 2 || backlogEmpty) {
        await this.waitForSignal(this.deps.idlePollMs);
        continue;
      }
      const waitLeftMs = Math.max(this.coalesceLeftMs(), this.claimAgainAt - clock.now());
      if (waitLeftMs > 0) {
        // Started attempts still end meanwhile (a poke); the claim comes when the window has.
        await this.waitForSignal(waitLeftMs);
        continue;
      }
      this.signalled = false;
      // The loop looks again when it ends (its deliveries queued, or it failed).
      this.claiming = this.claim(window - held).finally(() => {
        this.claiming = undefined;
        this.poke();
      });
    }
    // Stopping: a claim in progress still queues what it leased (left to its lease, as before).
    await this.claiming;
  }

  /** Lease up to `limit` due deliveries into the queue, recording the finished outcomes too. */
  private async claim(limit: number): Promise<void> {
    const { store, clock, logger } = this.deps;
    const d = this.destination;
    const wakesBefore = this.wakes;
    const goneBefore = this.goneCount;
    const claimedAt = clock.now();
    this.lastClaimAt = claimedAt;
    // Outcomes waiting for their flush ride along: one transaction instead of two.
    const outcomes = this.flushing ? [] : this.results.splice(0, maxOutcomesPerTransaction);
    let claimed: ClaimedDelivery[];
    try {
      claimed = await store.writeTransaction(async (tx) => {
        if (outcomes.length > 0) await this.recordOutcomes(tx, outcomes);
        return claimDeliveries(tx, {
          destination: d.name,
          owner: this.deps.owner,
          limit,
          leaseMs: this.leaseMs,
          now: new Date(claimedAt),
          ordered: d.ordered,
        });
      });
    } catch (error) {
      // The outcomes go back to wait for their own flush.
      this.results.unshift(...outcomes);
      if (outcomes.length > 0) this.kick();
      logger.error({ err: error, destination: d.name }, 'could not claim deliveries; retrying');
      this.claimAgainAt = clock.now() + this.deps.idlePollMs;
      return;
    }
    // A 410 came back while this claim ran: its transaction may have run before the pause was
    // written, so what it leased goes back unstarted, as the queue did (see `gone`); once the
    // pause is written, claims lease nothing.
    if (this.goneCount !== goneBefore) {
      if (claimed.length > 0) await this.giveBack(claimed);
      return;
    }
    this.shortClaimAt = claimed.length < limit ? wakesBefore : undefined;
    const leaseEndsAt = claimedAt + this.leaseMs;
    for (const delivery of claimed) this.queue.push({ delivery, leaseEndsAt });
  }

  /**
   * How long a wake-up waits before the next claim. Once the destination has caught up (its last
   * claim got fewer than it asked for), the next claim waits until `claimCoalesceMs` after the
   * last one began, so the deliveries queued meanwhile go out in one claim, one transaction and
   * one burst of requests instead of one each: at a moderate stream (750 webhooks/s into `serve`,
   * 2-core machine) claims fell from ~2,300–2,900 to ~700 per 5,500 deliveries and `serve`'s CPU
   * per request from 1.33–1.52 to 1.07–1.37 ms (three alternated pairs). A sparse event (no claim
   * within the window) and a backlog (full claims) are claimed at once; an ordered destination
   * too, since each object's next delivery already waits for the previous one's outcome.
   */
  private coalesceLeftMs(): number {
    const ms = this.deps.claimCoalesceMs;
    if (ms <= 0 || this.destination.ordered || this.shortClaimAt === undefined) return 0;
    return coalesceWaitMs(this.lastClaimAt, this.deps.clock.now(), ms);
  }

  /**
   * Give back, uncounted and in one transaction, `first` and every queued delivery whose attempt
   * could also outlive its lease; they are claimed again with a fresh one.
   */
  private async requeueStale(first: ClaimedDelivery): Promise<void> {
    const latestStart = this.deps.clock.now() + this.destination.timeoutMs;
    const stale = [
      first,
      ...this.queue.filter((q) => latestStart > q.leaseEndsAt).map((q) => q.delivery),
    ];
    this.queue = this.queue.filter((q) => latestStart <= q.leaseEndsAt);
    this.deps.metrics.requeued.inc({ destination: this.destination.name }, stale.length);
    await this.giveBack(stale);
  }

  /** Empty the queue; its deliveries, claimed and not started. */
  private takeQueue(): ClaimedDelivery[] {
    const queued = this.queue.map((q) => q.delivery);
    this.queue = [];
    return queued;
  }

  /** Give `deliveries` (claimed, not started) back, uncounted, in one transaction. */
  private async giveBack(deliveries: readonly ClaimedDelivery[]): Promise<void> {
    const d = this.destination;
    const { clock, store, owner, logger } = this.deps;
    try {
      await store.writeTransaction(async (tx) => {
        const now = new Date(clock.now());
        for (const delivery of deliveries) {
          await releaseDeliveries(tx, owner, now, {
            destination: d.name,
            eventId: delivery.eventId,
          });
        }
      });
      this.wake();
    } catch (error) {
      // Still leased: claimed again once the leases end.
      logger.warn(
        { err: error, destination: d.name, count: deliveries.length },
        'could not give back deliveries that were not started; they are claimed again after their lease',
      );
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const { clock, metrics } = this.deps;
    const d = this.destination;
    const started = performance.now();
    const startedAt = new Date(clock.now());
    const result = await postDelivery(this.agent, {
      url: d.url,
      body: delivery.rawBody,
      timeoutMs: d.timeoutMs,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'workos-inbox',
        // Re-signed now: the receiver's tolerance (180 s by default) counts from this attempt.
        'workos-signature': signatureHeader(delivery.rawBody, d.secret, startedAt.getTime()),
        'workos-inbox-event-id': delivery.eventId,
        'workos-inbox-delivery-attempt': String(delivery.attempts),
      },
    });
    const tookMs = performance.now() - started;
    metrics.latency.observe({ destination: d.name }, tookMs / 1000);
    this.attemptMs = this.attemptMs === undefined ? tookMs : 0.8 * this.attemptMs + 0.2 * tookMs;
    const now = new Date(clock.now());
    const code = result.statusCode;
    const base = {
      eventId: delivery.eventId,
      destination: d.name,
      statusCode: code,
      now,
      startedAt,
    };
    if (code !== null && code >= 200 && code < 300) {
      metrics.delivered.inc({ destination: d.name });
      this.record({ ...base, outcome: 'delivered', nextAttemptAt: null, error: null });
      if (this.failuresInRow > 0) {
        this.deps.logger.info(
          {
            destination: d.name,
            failedAttempts: this.failuresInRow,
            failingForMs: now.getTime() - this.failingSince,
          },
          'destination accepts deliveries again',
        );
        this.failuresInRow = 0;
      }
      return;
    }
    const error = result.error ?? `answered ${code}`;
    if (code === 410) {
      countFailure(metrics, d.name, 'gone');
      // Stop at once and record the pause now: see `gone`.
      this.gone = true;
      this.goneCount++;
      this.results.push({ ...base, outcome: 'paused', nextAttemptAt: now, error });
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.flushNow();
      this.poke();
      return;
    }
    countFailure(metrics, d.name, code === null ? 'network' : 'status');
    // One line when a destination starts failing, one when it recovers: not one per attempt of a
    // destination that is down for hours (the failed counter and `deliveries list` have those).
    if (this.failuresInRow++ === 0) {
      this.failingSince = now.getTime();
      this.deps.logger.warn(
        { destination: d.name, eventId: delivery.eventId, statusCode: code, error },
        'destination is failing: its deliveries are retried with backoff (logged again when it recovers)',
      );
    }
    if (delivery.attempts >= d.maxAttempts) {
      metrics.dead.inc({ destination: d.name });
      this.deps.logger.warn(
        { destination: d.name, eventId: delivery.eventId, attempts: delivery.attempts, error },
        'delivery is dead: it exhausted its attempts (redrive it with `deliveries redrive`)',
      );
      this.record({ ...base, outcome: 'dead', nextAttemptAt: null, error });
      return;
    }
    const delayMs = backoffDelayMs(delivery.attempts, d.backoff, this.deps.random);
    this.record({
      ...base,
      outcome: 'retrying',
      nextAttemptAt: new Date(now.getTime() + delayMs),
      error,
    });
  }

  /** Queue an outcome; outcomes that finish together are written in one transaction. */
  private record(result: DeliveryResult): void {
    this.results.push(result);
    this.kick();
  }

  /**
   * Record what has finished: at once from 64 outcomes (or when stopping), else after a few
   * milliseconds, so one transaction records many attempts' outcomes instead of the few that
   * ended during the previous one.
   */
  private kick(): void {
    if (this.flushing || this.flushTimer) return;
    if (this.results.length < outcomesPerFlush && !this.stopped) {
      this.flushTimer = setTimeout(
        () => {
          this.flushTimer = undefined;
          this.flushNow();
        },
        outcomeWaitMs[this.destination.ordered ? 'ordered' : 'unordered'],
      );
      return;
    }
    this.flushNow();
  }

  private flushNow(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.results.length > 0) this.kick();
    });
  }

  /** Write `batch`'s outcomes in `tx`; a 410 among them pauses the destination. */
  private async recordOutcomes(tx: SqlExecutor, batch: DeliveryResult[]): Promise<void> {
    const gone = batch.find((r) => r.outcome === 'paused');
    if (gone) {
      const reason = `answered 410 Gone to ${gone.eventId}`;
      if (await pauseDestination(tx, this.destination.name, reason, gone.now)) {
        this.deps.logger.warn(
          { destination: this.destination.name, eventId: gone.eventId },
          'destination answered 410 Gone: paused (its deliveries wait; `deliveries resume` restarts them)',
        );
      }
    }
    await finishDeliveries(tx, this.deps.owner, batch);
  }

  private async flush(): Promise<void> {
    const { store, logger } = this.deps;
    // One batch per flush: what finishes meanwhile waits for the next one (kick, in `flushNow`),
    // or for the next claim's transaction, instead of a transaction per handful of outcomes.
    if (this.results.length > 0) {
      const batch = this.results.splice(0, maxOutcomesPerTransaction);
      const pauses = batch.some((r) => r.outcome === 'paused');
      try {
        await store.writeTransaction((tx) => this.recordOutcomes(tx, batch));
        // An ordered object's next delivery is due once this one is recorded.
        if (this.destination.ordered) this.wake();
      } catch (error) {
        // The deliveries stay leased; when the lease ends they are delivered again (at least once).
        logger.error(
          { err: error, destination: this.destination.name, count: batch.length },
          'could not record delivery outcomes; they will be attempted again after the lease',
        );
      } finally {
        // The pause is written, or could not be: the destination goes on (see `gone`).
        if (pauses) {
          this.gone = false;
          this.poke();
        }
      }
    }
  }
}
