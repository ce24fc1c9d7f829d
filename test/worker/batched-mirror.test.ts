import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox, type Inbox } from '../../src/inbox/create-inbox.js';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { appendBacklog, asReceived } from '../helpers/backlog.js';
import { createBackend } from '../inbox/helpers/backends.js';
import { manualClock, secret } from '../inbox/helpers/events.js';
import type { MirrorTestDatabase } from '../mirror/helpers/mirror-databases.js';
import { dumpMirror, mirrorDatabases } from '../mirror/helpers/mirror-databases.js';

// Three directories' history (with deletions of users, groups and a whole directory) plus
// organizations, connections and AuthKit users, interleaved as WorkOS would send them.
const { events } = generateDirectoryHistory({
  seed: 11,
  organizations: 3,
  usersPerDirectory: 20,
  groupsPerDirectory: 3,
  authkitUsersPerOrganization: 3,
  deletedDirectories: 1,
  events: 600,
});

/** Counts every round trip (one `query` call of a pg client) made while `fn` runs. */
async function countRoundTrips<T>(fn: () => Promise<T>): Promise<{ result: T; queries: number }> {
  const original = pg.Client.prototype.query;
  let queries = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    queries++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    const result = await fn();
    return { result, queries };
  } finally {
    pg.Client.prototype.query = original;
  }
}

// The worker completes the mirror's events several per transaction, grouped by directory, with
// the writes of a transaction applied as one statement per kind of write. It must leave exactly
// the mirror that applying the history one event at a time leaves, on both backends.
describe.each(mirrorDatabases)('the worker with the built-in mirror on %s', (kind, openMirror) => {
  const clock = manualClock();
  let inbox: Inbox;
  let reference: MirrorTestDatabase;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const backend = await createBackend(kind, 'wi_batched_mirror');
    cleanup = backend.cleanup;
    inbox = await createInbox({ database: backend.database, secret, clock });
    reference = await openMirror();
    // The history in order, one event after the other (in one transaction: a loaded machine).
    await reference.transaction(async (tx) => {
      for (const e of events) await applyMirrorEvent(tx, e);
    });
    await appendBacklog(inbox.store, asReceived(events, new Date(clock.now())));
  });

  afterAll(async () => {
    await inbox?.close();
    await reference?.close();
    await cleanup?.();
  });

  it('leaves the mirror the history applied one event at a time leaves, and marks every event done', async () => {
    const { result: attempts, queries } = await countRoundTrips(() => inbox.worker.drain());
    expect(attempts).toBe(events.length);
    const stats = await inbox.store.stats(new Date(clock.now()));
    expect(stats.byStatus.done).toBe(events.length);
    expect(await dumpMirror({ transaction: (fn) => inbox.store.read(fn) })).toEqual(
      await dumpMirror(reference),
    );
    const attemptLog = await inbox.store.attempts(events[0]!.id);
    expect(attemptLog.map((a) => a.outcome)).toEqual(['done']);
    if (kind === 'postgres') {
      // The claim, the lease check, the directory lock, the writes and the completion are shared
      // by the events of a transaction: at most 2 round trips per event (one at a time took ~7).
      expect(queries).toBeLessThanOrEqual(2 * events.length);
    }
  });
});
