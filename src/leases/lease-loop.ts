import type { Clock } from '../clock.js';
import { pauseNamedLease, readNamedLease } from '../store/pull-operations.js';
import type { Store } from '../store/types.js';

/** Thrown by {@link LeaseLoop.keep}: the loop is stopping, or another process holds the lease. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/** A pause a lease carries ({@link LeaseLoop.pause}): WorkOS asked not to be asked before `until`. */
export interface LeasePause {
  until: Date;
  /** Why: what WorkOS answered ({@link pauseReason}). */
  reason: string;
}

/** Options of {@link LeaseLoop}. */
export interface LeaseLoopOptions {
  store: Pick<Store, 'takeNamedLease' | 'releaseNamedLease' | 'read' | 'writeTransaction'>;
  /** The named lease: one holder at a time among every process on the database. */
  name: string;
  /** Who this process is (the lease owner). */
  owner: string;
  /** How long the lease lasts unrenewed during a run ({@link LeaseLoop.keep} renews it). */
  leaseMs: number;
  /** Time from the end of one round to the start of the next. */
  intervalMs: number;
  /**
   * One round: take the lease and, if held, run the job. Its errors are its own to log and
   * count; one that escapes is dropped, so the loop never stops on an error.
   */
  round: () => Promise<unknown>;
  /** Called first thing in `stop()` (e.g. to cut a client's retry waits short). */
  onStop?: () => void;
  /** Names the lease in the message of the {@link LeaseLostError} `keep` throws (`the <label> lease`). */
  label: string;
  clock: Clock;
  /**
   * How often {@link LeaseLoop.hold} renews the lease while a run holds it, whatever the run
   * waits for. @defaultValue a third of `leaseMs`
   */
  heartbeatMs?: number;
}

/**
 * A job that one process of many runs, through a named lease in the database: a round on a
 * timer (the first at once, then `intervalMs` after each ends), the lease taken or renewed by
 * the round, kept between the pages of a long run, and a stop that waits for the round in
 * progress. `serve --pull` (PullLoop) and `--reconcile-every` (ReconcileLoop) are built on it;
 * the `pull` command uses one without starting it, for its take, keep, release and stop.
 */
export class LeaseLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  /** The end of the last pause said: the one this process recorded, or one the lease carried. */
  private pauseSaid: number | undefined;

  constructor(private readonly options: LeaseLoopOptions) {}

  get owner(): string {
    return this.options.owner;
  }

  /** Set by `stop()`: a run in progress ends at its next {@link LeaseLoop.keep}. */
  get stopped(): boolean {
    return this.stopping;
  }

  start(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.running = this.options
        .round()
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          this.running = undefined;
          this.schedule(this.options.intervalMs);
        });
    }, delayMs);
  }

  /** Take the lease, or extend it if this process holds it, until `untilMs`: whether it is held. */
  take(untilMs: number): Promise<boolean> {
    const { store, name, owner, clock } = this.options;
    return store.takeNamedLease(name, owner, new Date(untilMs), new Date(clock.now()));
  }

  /** Take or renew the lease for `leaseMs` from now. */
  renew(): Promise<boolean> {
    return this.take(this.options.clock.now() + this.options.leaseMs);
  }

  /**
   * Run `run` while renewing the lease every `heartbeatMs` (a third of `leaseMs` by default), so a
   * live holder keeps it however long the run waits between two {@link LeaseLoop.keep}s: a
   * `Retry-After` of a minute, WorkOS slow to answer, a slow commit. Without it, a wait longer
   * than the lease let a second process take the lease and pull or reconcile beside the first
   * until the first's next `keep`. A renewal that finds the lease taken changes nothing here: the
   * run ends at its next `keep`, which throws. The heartbeat stops when `run` settles.
   */
  async hold<T>(run: () => Promise<T>): Promise<T> {
    const everyMs = this.options.heartbeatMs ?? Math.max(1, Math.floor(this.options.leaseMs / 3));
    let renewing: Promise<unknown> | undefined;
    const heartbeat = setInterval(() => {
      if (renewing || this.stopping) return;
      renewing = this.renew()
        .catch(() => false)
        .finally(() => (renewing = undefined));
    }, everyMs);
    // A heartbeat alone keeps no process alive.
    heartbeat.unref();
    try {
      return await run();
    } finally {
      clearInterval(heartbeat);
      await renewing;
    }
  }

  /**
   * Between the pages of a long run: renew the lease.
   * @throws LeaseLostError when stopping or when another process took the lease, so the run
   * ends there instead of running alongside the new holder.
   */
  async keep(): Promise<void> {
    if (this.stopping || !(await this.renew())) {
      throw new LeaseLostError(`stopped, or the ${this.options.label} lease was lost`);
    }
  }

  /**
   * The pause WorkOS asked for that the lease carries, if it lasts beyond now: no request for
   * this job before `until` (whoever holds the lease: a crash or a restart does not end it).
   */
  async pause(): Promise<LeasePause | undefined> {
    const holder = await this.options.store.read((db) => readNamedLease(db, this.options.name));
    const pause = holder?.pause;
    if (!pause || pause.until.getTime() <= this.options.clock.now()) return undefined;
    return pause;
  }

  /**
   * Record on the lease that WorkOS asked not to be asked again for this job before `untilMs`
   * (and why), so that no process taking the lease after this one (killed, restarted, replaced
   * by a deploy) asks sooner. Kept when the lease is given back; cleared by a take after it.
   */
  /**
   * {@link pause}, calling `say` the first time this process sees each pause (its rounds ask every
   * few seconds; one recorded by this process was said when it was recorded).
   */
  async pauseToWait(say: (pause: LeasePause, at: string) => void): Promise<LeasePause | undefined> {
    const pause = await this.pause();
    if (pause && this.pauseSaid !== pause.until.getTime()) {
      this.pauseSaid = pause.until.getTime();
      say(pause, pause.until.toISOString());
    }
    return pause;
  }

  recordPause(untilMs: number, reason: string): Promise<void> {
    this.pauseSaid = untilMs;
    const { store, name, owner } = this.options;
    return store.writeTransaction((tx) =>
      pauseNamedLease(tx, name, owner, new Date(untilMs), reason),
    );
  }

  /** Give the lease back (if held), so another process takes over at once; errors are ignored. */
  async release(): Promise<void> {
    await this.options.store
      .releaseNamedLease(this.options.name, this.options.owner)
      .catch(() => {});
  }

  /** Stop the timer and wait for the round in progress (it ends at its next `keep`). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.options.onStop?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
