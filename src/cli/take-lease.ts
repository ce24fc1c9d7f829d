import type { LeaseLoop } from '../leases/lease-loop.js';
import type { NamedLeaseHolder } from '../store/pull-operations.js';
import { readNamedLease } from '../store/pull-operations.js';
import type { Store } from '../store/types.js';
import type { CliError } from './exit-codes.js';

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
