import type http from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { signatureHeader } from '../signature/sign.js';
import type { Store } from '../store/types.js';
import { backoffDelayMs } from '../worker/backoff.js';
import { claimDeliveries, finishDeliveries, pauseDestination } from './delivery-operations.js';
import type { DeliveryResult } from './delivery-operations.js';
import type { ClaimedDelivery } from './delivery-types.js';
import type { Destination } from './destination.js';
import type { ForwardMetrics } from './forward-metrics.js';
import { createAgent, postDelivery } from './post-delivery.js';
import { StartPacer } from './start-pacer.js';
import type { Sleep } from './start-pacer.js';

export interface RunnerDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  random: () => number;
  owner: string;
  leaseMs: number;
  idlePollMs: number;
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
  private results: DeliveryResult[] = [];
  private flushing: Promise<void> | undefined;
  private readonly pacer: StartPacer;
  private loop: Promise<void> | undefined;
  /** Attempts in flight (each settles within its timeout). */
  private readonly attempts = new Set<Promise<void>>();
  /** Claimed, not yet started (their leases cover the wait). */
  private queue: ClaimedDelivery[] = [];

  constructor(
    readonly destination: Destination,
    private readonly deps: RunnerDeps,
  ) {
    this.agent = createAgent(destination.url, destination.concurrency);
    this.pacer = new StartPacer(destination.ratePerSecond, deps.clock, deps.sleep);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Something may be due (an append, a redrive, a finished delivery). */
  wake(): void {
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
    await this.flushing;
    await this.flush();
    this.agent.destroy();
  }

  private waitForSignal(ms: number): Promise<void> {
    if (this.signalled || this.stopped) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.signal === done) this.signal = undefined;
        this.signalled = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal = done;
    });
  }

  private async run(): Promise<void> {
    const { store, clock, logger } = this.deps;
    const d = this.destination;
    while (!this.stopped) {
      // Start what is claimed while slots are free.
      while (this.queue.length > 0 && this.inFlight < d.concurrency && !this.stopped) {
        const delivery = this.queue.shift()!;
        await this.pacer.next();
        this.inFlight++;
        const attempt = this.deliver(delivery).finally(() => {
          this.inFlight--;
          this.attempts.delete(attempt);
          this.wake();
        });
        this.attempts.add(attempt);
      }
      // Claim ahead, up to twice the concurrency, once half of that window is free: one claim
      // transaction then feeds several attempts instead of one.
      const window = 2 * d.concurrency;
      const held = this.inFlight + this.queue.length;
      if (this.stopped || held > d.concurrency) {
        await this.waitForSignal(this.deps.idlePollMs);
        continue;
      }
      this.signalled = false;
      let claimed: ClaimedDelivery[];
      try {
        claimed = await store.writeTransaction((tx) =>
          claimDeliveries(tx, {
            destination: d.name,
            owner: this.deps.owner,
            limit: window - held,
            leaseMs: Math.max(this.deps.leaseMs, d.timeoutMs + 5000),
            now: new Date(clock.now()),
            ordered: d.ordered,
          }),
        );
      } catch (error) {
        logger.error({ err: error, destination: d.name }, 'could not claim deliveries; retrying');
        await this.waitForSignal(this.deps.idlePollMs);
        continue;
      }
      if (claimed.length === 0) {
        if (this.queue.length === 0) await this.waitForSignal(this.deps.idlePollMs);
        continue;
      }
      this.queue.push(...claimed);
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const { clock, metrics } = this.deps;
    const d = this.destination;
    const started = performance.now();
    const result = await postDelivery(this.agent, {
      url: d.url,
      body: delivery.rawBody,
      timeoutMs: d.timeoutMs,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'workos-inbox',
        // Re-signed now: the receiver's tolerance (180 s by default) counts from this attempt.
        'workos-signature': signatureHeader(delivery.rawBody, d.secret, clock.now()),
        'workos-inbox-event-id': delivery.eventId,
        'workos-inbox-delivery-attempt': String(delivery.attempts),
      },
    });
    metrics.latency.observe({ destination: d.name }, (performance.now() - started) / 1000);
    const now = new Date(clock.now());
    const code = result.statusCode;
    const base = { eventId: delivery.eventId, destination: d.name, statusCode: code, now };
    if (code !== null && code >= 200 && code < 300) {
      metrics.delivered.inc({ destination: d.name });
      this.record({ ...base, outcome: 'delivered', nextAttemptAt: null, error: null });
      return;
    }
    const error = result.error ?? `answered ${code}`;
    if (code === 410) {
      metrics.failed.inc({ destination: d.name, reason: 'gone' });
      this.record({ ...base, outcome: 'paused', nextAttemptAt: now, error });
      return;
    }
    metrics.failed.inc({ destination: d.name, reason: code === null ? 'network' : 'status' });
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

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.results.length > 0) this.kick();
    });
  }

  private async flush(): Promise<void> {
    const { store, logger, owner } = this.deps;
    while (this.results.length > 0) {
      const batch = this.results.splice(0, 256);
      const gone = batch.find((r) => r.outcome === 'paused');
      try {
        await store.writeTransaction(async (tx) => {
          if (gone) {
            const reason = `answered 410 Gone to ${gone.eventId}`;
            if (await pauseDestination(tx, this.destination.name, reason, gone.now)) {
              logger.warn(
                { destination: this.destination.name, eventId: gone.eventId },
                'destination answered 410 Gone: paused (its deliveries wait; `deliveries resume` restarts them)',
              );
            }
          }
          await finishDeliveries(tx, owner, batch);
        });
      } catch (error) {
        // The deliveries stay leased; when the lease ends they are delivered again (at least once).
        logger.error(
          { err: error, destination: this.destination.name, count: batch.length },
          'could not record delivery outcomes; they will be attempted again after the lease',
        );
      }
    }
  }
}
