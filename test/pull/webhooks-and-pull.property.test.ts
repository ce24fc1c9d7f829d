// Webhooks deliver a random 60% of a shuffled directory history; the puller fills the rest from
// the Events API; the mirror ends equal to applying the whole history in order, each event once.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/events/index.js';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import { Puller } from '../../src/pull/puller.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { WorkosApiClient } from '../../src/workos-api/workos-api-client.js';
import { createBackend } from '../inbox/helpers/backends.js';
import { signedHeaders } from '../inbox/helpers/events.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { MirrorTestDatabase } from '../mirror/helpers/mirror-databases.js';
import { dumpMirror, mirrorDatabases } from '../mirror/helpers/mirror-databases.js';

const secret = 'whsec_webhooks_and_pull';
const { events } = generateDirectoryHistory({
  seed: 11,
  organizations: 2,
  usersPerDirectory: 5,
  groupsPerDirectory: 2,
  authkitUsersPerOrganization: 2,
  events: 140,
});

async function deliver(port: number, deliveries: readonly WireEvent[]): Promise<void> {
  for (const event of deliveries) {
    const body = JSON.stringify(event);
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/workos`, {
      method: 'POST',
      headers: signedHeaders(body, Date.now(), secret),
      body,
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
}

let api: WorkosApiStandIn;
beforeAll(async () => {
  api = await startWorkosApiStandIn();
  api.events = events;
});
afterAll(() => api.close());

describe.each(mirrorDatabases)('webhooks + Events API on %s', (_, open) => {
  let reference: MirrorTestDatabase;
  let inOrder: Record<string, unknown[]>;

  beforeAll(async () => {
    reference = await open();
    for (const e of events) await reference.transaction((tx) => applyMirrorEvent(tx, e));
    inOrder = await dumpMirror(reference);
  });
  afterAll(() => reference.close());

  it('60% by webhook in any order, the rest pulled: the in-order mirror, each event once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
          minLength: events.length,
          maxLength: events.length,
        }),
        fc.boolean(),
        async (keys, pullFirst) => {
          const shuffled = events
            .map((e, i) => ({ e, k: keys[i]! }))
            .sort((a, b) => a.k - b.k)
            .map((d) => d.e);
          const webhooks = shuffled.slice(0, Math.round(events.length * 0.6));
          const db = await createBackend(reference.dialect, 'wi_pull_prop');
          const inbox = await createInbox({
            database: db.database,
            secret,
            worker: { concurrency: 4 },
          });
          const server = createServer(inbox.node());
          const client = new WorkosApiClient({
            apiKey: api.apiKey,
            apiUrl: api.url,
            maxRetries: 0,
          });
          const puller = new Puller({ store: inbox.store, client, since: '2020-01-01T00:00:00Z' });
          try {
            await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
            const port = (server.address() as AddressInfo).port;
            let pulled;
            if (pullFirst) {
              // The pull sees everything; the webhooks that come later are all duplicates.
              pulled = await puller.catchUp();
              await deliver(port, webhooks);
              expect(pulled).toMatchObject({ pulled: events.length, inserted: events.length });
            } else {
              await deliver(port, webhooks);
              pulled = await puller.catchUp();
              expect(pulled).toMatchObject({
                pulled: events.length,
                inserted: events.length - webhooks.length,
                duplicates: webhooks.length,
              });
            }
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
      { numRuns: reference.dialect === 'sqlite' ? 3 : 2, endOnFailure: true },
    );
  });
});
