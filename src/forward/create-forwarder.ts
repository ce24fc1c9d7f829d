import { defaults } from '../defaults.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/types.js';
import { releaseDeliveries, syncDestinations } from './delivery-operations.js';
import { readDestinations } from './delivery-queries.js';
import type { Destination } from './destination.js';
import { DestinationRunner } from './destination-runner.js';
import { createForwardMetrics } from './forward-metrics.js';
import { realSleep } from './start-pacer.js';
import type { Sleep } from './start-pacer.js';
import type { ForwardMetrics } from './forward-metrics.js';

export interface ForwarderOptions {
  /** A migrated store (the deliveries tables come with the core migrations). */
  store: Store;
  destinations: readonly Destination[];
  clock?: Clock;
  logger?: Logger;
  /** For backoff jitter. @defaultValue Math.random */
  random?: () => number;
  /** How long a claimed delivery is ours; at least the destination's timeout + 5 s. @defaultValue `defaults.forwardLeaseMs.value` */
  leaseMs?: number;
  /** With nothing due, look again after this long (retries come due without a wake-up). @defaultValue `defaults.forwardIdlePollMs.value` */
  idlePollMs?: number;
  /**
   * Deliveries a destination claims ahead of its attempts, at most (fewer as its answers slow,
   * at least twice its concurrency). @defaultValue `defaults.forwardClaimAheadMax.value`
   */
  claimAheadMax?: number;
  /**
   * Once a destination has caught up, its next claim waits until this long after the last one
   * began, so deliveries queued meanwhile go out together (0: claim at every wake-up). The same
   * setting as the worker's. @defaultValue `defaults.claimCoalesceMs.value`
   */
  claimCoalesceMs?: number;
  /** Waits between `rate=` starts; tests drive it with their clock. @defaultValue setTimeout */
  sleep?: Sleep;
  /** Unique per process; names the attempts' worker. @defaultValue host:pid:random */
  owner?: string;
}

export interface Forwarder {
  /** Write the destinations to the database, so appends queue deliveries for them (no delivering). */
  register(): Promise<void>;
  /** `register`, then deliver: one loop per destination, woken by appends. */
  start(): Promise<void>;
  /** Look for due deliveries now (after a redrive, or a test's clock moved). */
  wake(): void;
  /** Stop claiming, finish in-flight attempts, give back what was claimed and not attempted. */
  close(): Promise<void>;
  readonly metrics: ForwardMetrics;
}

/**
 * Deliver every committed event to each matching destination, re-signed, with retries. Deliveries
 * are queued by the database in the append's own transaction; this only sends them.
 */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? pino({ level: 'silent' });
  const owner =
    options.owner ?? `${hostname()}:${process.pid}:forward:${randomBytes(4).toString('hex')}`;
  const metrics = createForwardMetrics(
    store,
    clock,
    options.destinations.map((d) => d.name),
  );
  const runners = options.destinations.map(
    (destination) =>
      new DestinationRunner(destination, {
        store,
        clock,
        logger,
        random: options.random ?? Math.random,
        owner,
        leaseMs: options.leaseMs ?? defaults.forwardLeaseMs.value,
        idlePollMs: options.idlePollMs ?? defaults.forwardIdlePollMs.value,
        claimAheadMax: options.claimAheadMax ?? defaults.forwardClaimAheadMax.value,
        claimCoalesceMs: options.claimCoalesceMs ?? defaults.claimCoalesceMs.value,
        metrics,
        sleep: options.sleep ?? realSleep,
      }),
  );
  let unsubscribe: (() => void) | undefined;
  let registered: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  const wake = () => {
    for (const runner of runners) runner.wake();
  };
  const register = () => {
    registered ??= store.writeTransaction((tx) =>
      syncDestinations(
        tx,
        options.destinations.map((d) => ({ name: d.name, events: d.events, ordered: d.ordered })),
      ),
    );
    return registered;
  };
  return {
    metrics,
    register,
    async start() {
      if (closing) throw new Error('forwarder.start(): the forwarder is closed');
      await register();
      unsubscribe ??= store.onWake(wake);
      for (const runner of runners) runner.start();
      logger.info(
        { destinations: options.destinations.map((d) => ({ name: d.name, events: d.events })) },
        'forwarding',
      );
    },
    wake,
    close() {
      closing ??= (async () => {
        unsubscribe?.();
        await Promise.all(runners.map((r) => r.stop()));
        if (unsubscribe) {
          await store
            .writeTransaction((tx) =>
              releaseDeliveries(tx, owner, new Date(clock.now()), {
                destinations: options.destinations.map((d) => d.name),
              }),
            )
            .catch((error: unknown) =>
              logger.warn({ err: error }, 'could not give back deliveries; their leases will end'),
            );
        }
      })();
      return closing;
    },
  };
}

/**
 * For a process that runs the worker without `--forward-to`: warn if the database has
 * destinations, whose deliveries every new event still queues (written by another process, or by
 * an earlier start of this one with `--forward-to`). Only an explicit `deliveries remove` takes
 * one out: this process may run beside one that does forward (`serve --forward-to`).
 */
export async function warnOfUnforwardedDestinations(store: Store, logger: Logger): Promise<void> {
  const names = (await store.read(readDestinations)).map((d) => d.name);
  if (names.length === 0) return;
  logger.warn(
    { destinations: names },
    'the database has forwarding destinations, but this process has no --forward-to: every new ' +
      'event still queues a delivery for each, sent only by a serve or work process forwarding ' +
      'to it. If none does, stop forwarding to one with `workos-inbox deliveries remove <name>`',
  );
}
