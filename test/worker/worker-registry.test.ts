// Workers on one database that handle different events: a worker claims any due event, and one
// with no handler for it marks it done, so an app's handler never ran for the events a `serve`
// without --handlers claimed beside it (0 of 100 in a QA run). Each worker now notes what it
// handles in workos_inbox_workers and warns of a live one that handles more.
import { afterEach, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import type { Inbox } from '../../src/inbox/create-inbox.js';
import { noteWorker } from '../../src/worker/worker-registry.js';
import { until } from '../helpers/until.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { secret } from '../inbox/helpers/events.js';
import { capturedLogs } from '../helpers/captured-logs.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

describe.each(backendKinds)('workers that handle different events, %s', (kind) => {
  async function worker(database: string, name: string, setup: (inbox: Inbox) => void = () => {}) {
    const { lines, logger } = capturedLogs<{
      level: number;
      msg: string;
      otherWorker?: string;
      missing?: string[];
    }>();
    const inbox = await createInbox({
      database,
      secret,
      worker: { workerId: name },
      logger,
    });
    cleanups.push(() => inbox.close({ timeoutMs: 5_000 }));
    setup(inbox);
    await inbox.start();
    const warnings = () => lines.filter((l) => l.otherWorker !== undefined);
    return { inbox, warnings };
  }
  const rows = async (inbox: Inbox) =>
    inbox.store.read(async (db) => {
      const { rows: found } = await db.query<{ owner: string; handles: string }>(
        'SELECT owner, handles FROM workos_inbox_workers ORDER BY owner',
      );
      return found.map((r) => [r.owner, JSON.parse(r.handles) as string[]]);
    });

  it('the one without the app’s handler says so, naming it; the app’s says nothing', async () => {
    const backend = await createBackend(kind, 'wi_workers');
    cleanups.push(backend.cleanup);
    const app = await worker(backend.database, 'app', (inbox) =>
      inbox.on('dsync.user.created', () => {}),
    );
    await until(async () => (await rows(app.inbox)).length === 1, 'the worker registry');
    expect(await rows(app.inbox)).toEqual([['app', ['(directory mirror)', 'dsync.user.created']]]);
    const bare = await worker(backend.database, 'serve-without-handlers');
    await until(() => bare.warnings().length > 0, 'the worker registry');
    expect(bare.warnings()).toEqual([
      expect.objectContaining({
        level: 40,
        otherWorker: 'app',
        missing: ['dsync.user.created'],
        msg: expect.stringContaining(
          'events this worker claims get no such handler and are marked done',
        ),
      }),
    ]);
    // The app's worker handles all the other does: nothing to say (its next note would find the
    // same); checked directly rather than by waiting 30 s for the refresh.
    expect(
      await noteWorker(
        app.inbox.store,
        'app',
        ['(directory mirror)', 'dsync.user.created'],
        new Date(),
      ),
    ).toEqual([]);
    // A clean stop removes the row: the others stop comparing themselves with it.
    await app.inbox.close();
    expect((await rows(bare.inbox)).map(([owner]) => owner)).toEqual(['serve-without-handlers']);
  });

  it('a catch-all covers every name, not the mirror; rows of gone workers are ignored', async () => {
    const backend = await createBackend(kind, 'wi_workers');
    cleanups.push(backend.cleanup);
    const any = await worker(backend.database, 'any', (inbox) => inbox.onAny(() => {}));
    const now = new Date();
    const store = any.inbox.store;
    expect(await noteWorker(store, 'named', ['dsync.user.created'], now)).toEqual([
      { owner: 'any', missing: ['(directory mirror)', '*'] },
    ]);
    expect(await noteWorker(store, 'catch-all-no-mirror', ['*'], now)).toEqual([
      { owner: 'any', missing: ['(directory mirror)'] },
    ]);
    // Four minutes later, without refreshes, the others are gone.
    const later = new Date(now.getTime() + 4 * 60_000);
    expect(await noteWorker(store, 'late', [], later)).toEqual([]);
    expect(any.warnings()).toEqual([]);
  });
});
