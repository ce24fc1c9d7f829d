// Retention, written once for both backends over SqlExecutor: one short transaction at a time.
import { defaults } from '../defaults.js';
import { performance } from 'node:perf_hooks';
import { placeholders } from './event-rows.js';
import type { SqlExecutor } from './sql-executor.js';
import type { PruneOptions } from './types.js';
import { WorkosInboxError } from '../errors/workos-inbox-error.js';

const events = 'workos_inbox_events';

/** Defaults of PruneOptions, stated once. */
export const pruneDefaults = {
  batchSize: defaults.pruneBatchSize.value,
  budgetMs: defaults.pruneBudgetMs.value,
} as const;

/** A prune option is out of range (a typo in a flag or an admin API body). */
export class InvalidPruneOptionsError extends WorkosInboxError {
  override readonly name = 'InvalidPruneOptionsError';
  readonly code = 'invalid_prune_options';

  /** The option or body field at fault, when one is. */
  readonly field: string | undefined;

  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

export function checkPruneOptions(options: PruneOptions): void {
  if (Number.isNaN(options.receivedBefore.getTime())) {
    throw new InvalidPruneOptionsError('receivedBefore is not a valid date');
  }
  const batchSize = options.batchSize ?? pruneDefaults.batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new InvalidPruneOptionsError('batchSize must be a whole number from 1 to 10000');
  }
  const budgetMs = options.budgetMs ?? pruneDefaults.budgetMs;
  if (!Number.isFinite(budgetMs) || budgetMs < 0) {
    throw new InvalidPruneOptionsError('budgetMs must be a number of ms, 0 or more');
  }
}

/**
 * Prune within the caller's transaction: statements of `batchSize` events until `budgetMs` has
 * passed, `limit` events are done, or nothing is left. Returns how many were pruned and whether
 * more may remain.
 */
export async function pruneInTransaction(
  tx: SqlExecutor,
  options: PruneOptions,
  limit: number,
): Promise<{ pruned: number; more: boolean }> {
  const batchSize = options.batchSize ?? pruneDefaults.batchSize;
  const budgetMs = options.budgetMs ?? pruneDefaults.budgetMs;
  const started = performance.now();
  let pruned = 0;
  for (;;) {
    const take = Math.min(batchSize, limit - pruned);
    if (take <= 0) return { pruned, more: true };
    const n = await pruneBatch(tx, options, take);
    pruned += n;
    if (n < take) return { pruned, more: false };
    if (performance.now() - started >= budgetMs) return { pruned, more: true };
  }
}

/**
 * SQLite must be told: left to itself its planner takes `(status, received_at, id)` for
 * `status = 'done'`, and each batch then walks past every row pruned before (457 ms a batch at a
 * million pruned ids, the write lock held throughout, against 2.8 ms through this index).
 */
export const prunableIndex = (tx: SqlExecutor): string =>
  tx.dialect === 'sqlite' ? 'INDEXED BY workos_inbox_events_prunable' : '';

/**
 * The next rows a prune may take, oldest first: `$1` the cut-off, `$2` how many. The first two
 * conditions repeat the partial index's own, so the index applies. An event with a forwarding
 * delivery not yet delivered to a configured destination keeps its payload: the delivery (or its
 * redrive) still has to send those bytes. A destination removed from the configuration
 * (`deliveries remove`, or dropped from `--forward-to`) holds nothing: nobody sends its
 * deliveries, and they would otherwise keep every event's payload forever. SKIP LOCKED: a
 * concurrent prune on PostgreSQL takes other rows.
 */
export function prunableSelect(tx: SqlExecutor, statuses: string): string {
  const lock = tx.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  return `SELECT id FROM ${events} ${prunableIndex(tx)}
     WHERE status IN ('done', 'dead') AND pruned_at IS NULL
       AND received_at < $1 AND status IN (${statuses})
       AND NOT EXISTS (
         SELECT 1 FROM workos_inbox_deliveries d
         JOIN workos_inbox_destinations c ON c.name = d.destination
         WHERE d.event_id = ${events}.id AND d.status <> 'delivered')
     ORDER BY received_at, id LIMIT $2 ${lock}`;
}

async function pruneBatch(tx: SqlExecutor, options: PruneOptions, take: number): Promise<number> {
  const statuses = options.includeDead ? "'done', 'dead'" : "'done'";
  const { rows } = await tx.query<{ id: string }>(prunableSelect(tx, statuses), [
    options.receivedBefore,
    take,
  ]);
  if (rows.length === 0) return 0;
  return tx.dialect === 'sqlite'
    ? rewriteSlim(
        tx,
        rows.map((r) => r.id),
        options.now,
      )
    : updateSlim(
        tx,
        rows.map((r) => r.id),
        options.now,
      );
}

/**
 * PostgreSQL: an UPDATE writes a new, small row version anyway; autovacuum reclaims the old one
 * and later inserts reuse its space.
 */
async function updateSlim(tx: SqlExecutor, idList: string[], now: Date): Promise<number> {
  const params: unknown[] = [now];
  const ids = placeholders(params, idList);
  await tx.query(
    `UPDATE ${events} SET raw_body = '\\x'::bytea, last_error = NULL, pruned_at = $1
     WHERE id IN (${ids})`,
    params,
  );
  const deleteParams: unknown[] = [];
  const deleteIds = placeholders(deleteParams, idList);
  await tx.query(
    `DELETE FROM workos_inbox_attempts WHERE event_id IN (${deleteIds})`,
    deleteParams,
  );
  // Unfinished deliveries of a pruned event are for removed destinations (prunableSelect): gone
  // with the payload, so a destination configured again never claims an empty body. (SQLite's
  // rewrite deletes the event's deliveries with the old row.)
  await tx.query(
    `DELETE FROM workos_inbox_deliveries WHERE event_id IN (${deleteIds}) AND status <> 'delivered'`,
    deleteParams,
  );
  return idList.length;
}

const kept = [
  'id',
  'event',
  'created_at',
  'received_at',
  'source',
  'status',
  'attempts',
  'processed_at',
] as const;

/**
 * SQLite: a row that shrinks in place leaves its page as full of free space as before (SQLite
 * merges pages only on delete), and new events are always appended at the end of the table, so
 * that space would never be used again. Deleting the old rows (their attempts go with them: ON
 * DELETE CASCADE) and inserting slim copies empties whole pages, which go to the free list and,
 * through incremental_vacuum, back to the file system; the copies pack ~25 to a page.
 */
async function rewriteSlim(tx: SqlExecutor, idList: string[], now: Date): Promise<number> {
  const selectParams: unknown[] = [];
  const ids = placeholders(selectParams, idList);
  const { rows } = await tx.query<Record<(typeof kept)[number], unknown>>(
    `SELECT ${kept.join(', ')} FROM ${events} WHERE id IN (${ids})`,
    selectParams,
  );
  await tx.query(`DELETE FROM ${events} WHERE id IN (${ids})`, selectParams);
  const params: unknown[] = [];
  const values = rows
    .map((row) => `(${placeholders(params, [...kept.map((c) => row[c]), now])}, X'')`)
    .join(', ');
  await tx.query(
    `INSERT INTO ${events} (${kept.join(', ')}, pruned_at, raw_body) VALUES ${values}`,
    params,
  );
  return rows.length;
}
