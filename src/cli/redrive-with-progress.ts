import { listEventKeys } from '../store/event-queries.js';
import type { EventFilter, Store } from '../store/types.js';
import { createProgressBar } from './progress-bar.js';

/** Redrives of at most this many events are one statement. */
export const redriveChunkSize = 1000;

/**
 * Up to `redriveChunkSize` matching events: one atomic `store.redrive`. More: the same call in windows
 * of `since`, newest first, each queuing about `redriveChunkSize` more (those already queued no longer
 * match), so a progress bar can follow a redrive of many thousands. The last window starts at
 * the oldest match, so every match is covered; events arriving meanwhile are newer and fall in
 * every window. An event whose handler fails again before the last window may be queued twice:
 * one more attempt, which is what a redrive asks for anyway.
 *
 * Also returns how many matches it skipped because retention pruned them (their payload is gone,
 * so a redrive never queues them): counted from the same listing, so that `--status done` does
 * not quietly queue a fraction of what `events list` shows.
 */
export async function redriveWithProgress(
  store: Store,
  filter: EventFilter,
  chunkSize: number = redriveChunkSize,
): Promise<{ redriven: number; skippedPruned: number }> {
  const boundaries: Date[] = [];
  let total = 0;
  let skippedPruned = 0;
  let after: string | undefined;
  for (;;) {
    // Keys only: the count and the windows need no body (a page of them could be a gigabyte).
    const page = await store.read((db) =>
      listEventKeys(db, {
        ...filter,
        limit: chunkSize,
        order: 'desc',
        ...(after ? { after } : {}),
      }),
    );
    total += page.keys.length;
    skippedPruned += page.keys.filter((e) => e.prunedAt !== null).length;
    const last = page.keys[page.keys.length - 1];
    if (last) boundaries.push(last.receivedAt);
    if (!page.nextCursor || page.keys.length === 0) break;
    after = page.nextCursor;
  }
  if (total <= chunkSize)
    return { redriven: await store.redrive(filter, new Date()), skippedPruned };
  const bar = createProgressBar(total, 'redrive');
  let count = 0;
  for (const since of boundaries) {
    const windowStart = filter.since && filter.since > since ? filter.since : since;
    count += await store.redrive({ ...filter, since: windowStart }, new Date());
    bar.update(Math.min(count, total));
  }
  bar.finish();
  return { redriven: count, skippedPruned };
}
