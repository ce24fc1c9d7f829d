import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import type { ReconcileCounts } from './table-counts.js';

/**
 * A reconcile that failed part way. What it had finished comparing is written (pages commit in
 * groups of `pagesPerTransaction`, and the pages read before a failed request are written first)
 * and counted in `counts`; nothing after `stoppedAt` was changed, and no row was tombstoned on the
 * strength of a listing that did not finish.
 */
export class ReconcileStoppedError extends WorkosInboxError {
  override readonly name = 'ReconcileStoppedError';
  readonly code = 'reconcile_stopped';
  /** Where it stopped: the list being read and the cursor it had reached. */
  readonly stoppedAt: string;
  readonly counts: ReconcileCounts;

  constructor(stoppedAt: string, counts: ReconcileCounts, cause: unknown) {
    super(`reconcile stopped while ${stoppedAt}: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.stoppedAt = stoppedAt;
    this.counts = counts;
  }
}

/** A scope that cannot be reconciled as asked (e.g. `--directory` without `dsync`). */
export class ReconcileScopeError extends WorkosInboxError {
  override readonly name = 'ReconcileScopeError';
  readonly code = 'invalid_reconcile_scope';
}
