import type { Store } from '../store/types.js';

/** How often a running worker refreshes its row in `workos_inbox_workers`. */
export const workerNoteEveryMs = 30_000;
/** A row not refreshed for this long is a worker that is gone (killed, not stopped). */
const goneAfterMs = 3 * workerNoteEveryMs;

/** What the built-in mirror is called in `handles` (HandlerSource.describe). */
const mirrorName = '(directory mirror)';

/** Another live worker on the database, and what it handles that this one does not. */
export interface WorkerDifference {
  owner: string;
  missing: string[];
}

/**
 * Record that `owner` runs and handles `handles`, and return the live workers that handle
 * something it does not: a worker claims any due event, and one with no handler for it marks it
 * done, so such an event may never reach the handler another process registered for it. With
 * `*` (a catch-all handler) every name is handled; the directory mirror is compared on its own.
 */
export async function noteWorker(
  store: Store,
  owner: string,
  handles: readonly string[],
  now: Date,
): Promise<WorkerDifference[]> {
  const mine = [...new Set(handles)].sort();
  const covers = (name: string) =>
    mine.includes(name) || (name !== mirrorName && mine.includes('*'));
  return store.writeTransaction(async (tx) => {
    await tx.query(
      `INSERT INTO workos_inbox_workers (owner, handles, seen_at) VALUES ($1, $2, $3)
       ON CONFLICT (owner) DO UPDATE SET handles = excluded.handles, seen_at = excluded.seen_at`,
      [owner, JSON.stringify(mine), now],
    );
    const { rows } = await tx.query<{ owner: string; handles: string }>(
      `SELECT owner, handles FROM workos_inbox_workers WHERE owner <> $1 AND seen_at >= $2
       ORDER BY owner`,
      [owner, new Date(now.getTime() - goneAfterMs)],
    );
    return rows
      .map((row) => ({
        owner: row.owner,
        missing: (JSON.parse(row.handles) as string[]).filter((name) => !covers(name)),
      }))
      .filter((row) => row.missing.length > 0);
  });
}

/** A stopping worker's row goes: the others stop comparing themselves with it. */
export async function forgetWorker(store: Store, owner: string): Promise<void> {
  await store.writeTransaction((tx) =>
    tx.query('DELETE FROM workos_inbox_workers WHERE owner = $1', [owner]),
  );
}

/** The warning for one difference, in the words the docs use. */
export function differenceMessage(difference: WorkerDifference): string {
  return (
    `another worker on this database (${difference.owner}) handles ${difference.missing.join(', ')}, ` +
    'which this one does not: events this worker claims get no such handler and are marked done. ' +
    'Give every worker the same handlers (createInbox with the same inbox.on, serve and work ' +
    '--handlers), or receive without a worker here (serve --no-worker)'
  );
}
