import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/events/index.js';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { createBackend } from '../inbox/helpers/backends.js';
import { signedHeaders } from '../inbox/helpers/events.js';
import type { MirrorTestDatabase } from './helpers/mirror-databases.js';
import { dumpMirror, mirrorDatabases } from './helpers/mirror-databases.js';

const secret = 'whsec_mirror_end_to_end';
const { events } = generateDirectoryHistory({
  seed: 5,
  organizations: 2,
  usersPerDirectory: 5,
  groupsPerDirectory: 2,
  authkitUsersPerOrganization: 2,
  events: 110,
  deletedDirectories: 1,
});

/** POST every delivery, signed, a few at a time, to a real node:http server; all must be 200. */
async function deliver(port: number, deliveries: readonly WireEvent[]): Promise<void> {
  let next = 0;
  const statuses: number[] = [];
  const sender = async (): Promise<void> => {
    while (next < deliveries.length) {
      const body = JSON.stringify(deliveries[next++]);
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/workos`, {
        method: 'POST',
        headers: signedHeaders(body, Date.now(), secret),
        body,
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 6 }, sender));
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
}

describe.each(mirrorDatabases)(
  'mirror through the inbox on %s (HTTP → store → worker)',
  (_, open) => {
    let reference: MirrorTestDatabase;
    let inOrder: Record<string, unknown[]>;

    beforeAll(async () => {
      reference = await open();
      for (const e of events) await reference.transaction((tx) => applyMirrorEvent(tx, e));
      inOrder = await dumpMirror(reference);
    });
    afterAll(async () => {
      await reference.close();
    });

    it('any delivery order with duplicates leaves the same mirror as the history in order', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
            minLength: events.length,
            maxLength: events.length,
          }),
          fc.array(fc.nat({ max: events.length - 1 }), { minLength: 1, maxLength: 25 }),
          async (keys, duplicates) => {
            const deliveries = [
              ...events.map((e, i) => ({ e, k: keys[i]! })),
              ...duplicates.map((i) => ({ e: events[i]!, k: keys[(i * 13) % events.length]! })),
            ]
              .sort((a, b) => a.k - b.k)
              .map((d) => d.e);
            const db = await createBackend(reference.dialect, 'wi_mirror_e2e');
            const inbox = await createInbox({
              database: db.database,
              secret,
              worker: { concurrency: 4 },
            });
            const server = createServer(inbox.node());
            try {
              await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
              await deliver((server.address() as AddressInfo).port, deliveries);
              // Each id is stored once; the worker applies each once.
              expect(await inbox.worker.drain()).toBe(events.length);
              const stats = await inbox.store.stats(new Date());
              expect(stats.byStatus).toMatchObject({ done: events.length, dead: 0, retrying: 0 });
              expect(await dumpMirror({ transaction: (fn) => inbox.store.read(fn) })).toEqual(
                inOrder,
              );
            } finally {
              await new Promise<void>((resolve) => server.close(() => resolve()));
              await inbox.close();
              await db.cleanup();
            }
          },
        ),
        // Each run is a fresh database and a full HTTP → store → worker pass; PostgreSQL runs cost more.
        { numRuns: reference.dialect === 'sqlite' ? 3 : 2, endOnFailure: true },
      );
    });
  },
);
