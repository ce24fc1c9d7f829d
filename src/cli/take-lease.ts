import type { LeaseLoop } from '../leases/lease-loop.js';
import { pauseReason, pausedError } from '../leases/workos-pause.js';
import type { NamedLeaseHolder } from '../store/pull-operations.js';
import { readNamedLease } from '../store/pull-operations.js';
import { retryAfterAsked } from '../workos-api/workos-api-errors.js';
import type { Store } from '../store/types.js';
import { CliError, exitCodes } from './exit-codes.js';
import { retryAfterOf } from './json-error.js';

/**
 * Take `lease` (named `name`) for a command that must run alone (`pull`, `reconcile`), or throw
 * `refuse(holder)` while another live process holds it. A lease whose holder died (expired) is
 * taken over. `holder` names the owner and expiry, as the message should: `" (owner …, expires
 * … unless renewed)"`, or `""` when the lease was free again by the time it was read.
 */
export async function takeLeaseOrRefuse(
  store: Store,
  lease: LeaseLoop,
  name: string,
  refuse: (holder: string) => CliError,
): Promise<void> {
  // The holder read after a refused take may have let go or expired meanwhile: take again then.
  for (let attempt = 1; ; attempt++) {
    if (await lease.renew()) return;
    const holder = await store.read((db) => readNamedLease(db, name));
    if ((holder && holder.expiresAt.getTime() > Date.now()) || attempt === 3) {
      throw refuse(describeHolder(holder));
    }
  }
}

/**
 * Refuse to start while `lease` carries a pause WorkOS asked for (a `Retry-After` answered to a
 * `serve --pull`, a periodic reconcile or a command before this one, kept in the database): the
 * error a `Retry-After` gives (exit 1, `retryAfterMs` and `retryAt` for `--json`), naming `job`
 * and what was not done (`nothing`), then `after` (a line on what to do). No request is made.
 */
export async function refuseWhilePaused(
  lease: Pick<LeaseLoop, 'pause'>,
  job: string,
  nothing: string,
  after = '',
): Promise<void> {
  const pause = await lease.pause();
  if (!pause) return;
  const error = pausedError(job, nothing, pause, Date.now());
  throw new CliError(`${error.message}${after}`, exitCodes.failed, error.code, {
    retryAfter: retryAfterOf(error),
  });
}

/**
 * After a run `error` ended: when WorkOS asked (`Retry-After`) to wait longer than the client
 * waits, keep the pause on `lease` until the time the error names, so that no process taking the
 * lease asks sooner (a `serve --pull`, a periodic reconcile, this command run again). Said on
 * stderr if the database cannot record it.
 */
export async function keepAskedPause(lease: LeaseLoop, error: unknown): Promise<void> {
  const asked = retryAfterAsked(error);
  if (asked?.retryAt === undefined) return;
  await lease.recordPause(Date.parse(asked.retryAt), pauseReason(asked)).catch((cause: unknown) => {
    process.stderr.write(
      `workos-inbox: the pause WorkOS asked for could not be recorded in the database (${cause instanceof Error ? cause.message : String(cause)}): do not run this again before ${asked.retryAt}\n`,
    );
  });
}

function describeHolder(holder: NamedLeaseHolder | undefined): string {
  return holder
    ? ` (owner ${holder.owner}, expires ${holder.expiresAt.toISOString()} unless renewed)`
    : '';
}

/** What {@link stopOnSignals} gives back. */
export interface SignalStop {
  /** The signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** Stop listening (the run is over). */
  dispose(): void;
}

/**
 * Ctrl-C or SIGTERM during a command's run: stop `lease`, so the run ends at its next `keep`
 * (after the page being stored or written) and the command gives the lease back; a second
 * signal kills the process as usual.
 */
export function stopOnSignals(lease: LeaseLoop): SignalStop {
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    received = signal;
    void lease.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    get received() {
      return received;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
