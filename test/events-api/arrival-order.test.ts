// Our GET /events lists the inbox's events in the order it received them, not by id: the puller
// stores events OLDER (by id and created_at) than ones webhooks stored before them, and a client
// paging with `after` has passed those ids. Its next page from the same cursor must still bring
// them (issue #9: every event once, in a stable order), to the official SDK 11.0.0 and to another
// inbox pulling from this one.
import type { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/events/index.js';
import { createInbox } from '../../src/inbox/create-inbox.js';
import type { Inbox } from '../../src/inbox/create-inbox.js';
import { Puller } from '../../src/pull/puller.js';
import type { startHttpServer } from '../../src/server/http-server.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { WorkosApiClient } from '../../src/workos-api/workos-api-client.js';
import { createBackend } from '../inbox/helpers/backends.js';
import { signedHeaders } from '../inbox/helpers/events.js';
import { readAMinuteLater, serveEventsApi } from './serve-events-api.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';

const secret = 'whsec_events_arrival_order';
const token = 'admin_token_events_arrival_order';
const since = '2020-01-01T00:00:00Z';
const { events } = generateDirectoryHistory({ seed: 19, events: 60 });
/** Webhooks deliver every other event; the puller fills these in afterwards. */
const lateAt = new Set([3, 4, 17, 30, 31, 44]);
const late = events.filter((_, i) => lateAt.has(i));
const early = events.filter((_, i) => !lateAt.has(i));
const ids = (list: readonly { id: string }[]): string[] => list.map((e) => e.id);

describe.each(['sqlite', 'postgres'] as const)('GET /events in arrival order (%s)', (backend) => {
  let api: WorkosApiStandIn;
  let inbox: Inbox;
  let downstream: Inbox;
  const cleanups: (() => Promise<void>)[] = [];
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  let sdk: WorkOS;

  beforeAll(async () => {
    api = await startWorkosApiStandIn();
    api.events = events;
    const db = await createBackend(backend, 'wi_events_order');
    cleanups.push(db.cleanup);
    inbox = await createInbox({ database: db.database, secret });
    const downDb = await createBackend(backend, 'wi_events_order_down');
    cleanups.push(downDb.cleanup);
    downstream = await createInbox({ database: downDb.database, secret });
    ({ http, sdk } = await serveEventsApi(inbox.store, token, readAMinuteLater));
  });
  afterAll(async () => {
    await http?.close(1000);
    await inbox?.close();
    await downstream?.close();
    for (const cleanup of cleanups) await cleanup();
    await api?.close();
  });

  async function deliver(list: readonly WireEvent[]): Promise<void> {
    for (const event of list) {
      const body = JSON.stringify(event);
      const res = await inbox.fetch(
        new Request('http://inbox.test/webhooks/workos', {
          method: 'POST',
          headers: signedHeaders(body, Date.now(), secret),
          body,
        }),
      );
      expect(res.status).toBe(200);
    }
  }

  /** Page with the SDK from `after` until the list ends; `cursor` is the last id seen. */
  async function readPages(
    after: string | undefined,
    order: 'asc' | 'desc' = 'asc',
  ): Promise<{ pages: string[][]; cursor: string | undefined }> {
    const pages: string[][] = [];
    let cursor = after;
    let next = after;
    do {
      const page = await sdk.events.listEvents({ events: [], order, limit: 7, after: next });
      pages.push(ids(page.data));
      cursor = page.data[page.data.length - 1]?.id ?? cursor;
      next = page.listMetadata.after ?? undefined;
    } while (next);
    return { pages, cursor };
  }

  /** `inbox`'s events pulled into `downstream` through serve's GET /events. */
  const pullDownstream = () =>
    new Puller({
      store: downstream.store,
      client: new WorkosApiClient({ apiKey: token, apiUrl: http.url, maxRetries: 0 }),
      since,
    }).catchUp();

  it('a cursor past older ids gets the late events: each once, in a stable order', async () => {
    await deliver(early);
    const before = await readPages(undefined);
    expect(before.pages.flat()).toEqual(ids(early));
    expect(before.cursor).toBe(early[early.length - 1]!.id);
    expect((await pullDownstream()).inserted).toBe(early.length);

    // Received in a later millisecond than the webhooks (within one, ties go by id).
    const webhooksDone = Date.now();
    while (Date.now() <= webhooksDone) await new Promise((r) => setTimeout(r, 1));
    const client = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });
    const pulled = await new Puller({ store: inbox.store, client, since }).catchUp();
    expect(pulled).toMatchObject({ inserted: late.length, duplicates: early.length });
    expect(late[late.length - 1]!.id < before.cursor!).toBe(true);

    // The same cursor's next page brings exactly the late events (one pulled page: id order).
    const after = await readPages(before.cursor);
    expect(after.pages.flat()).toEqual(ids(late));
    const seen = [...before.pages.flat(), ...after.pages.flat()];
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(ids(events).sort());

    // Stable: from the start, the same pages twice, in the order first seen; desc is its reverse.
    const first = await readPages(undefined);
    expect(first.pages.flat()).toEqual(seen);
    expect((await readPages(undefined)).pages).toEqual(first.pages);
    expect((await readPages(undefined, 'desc')).pages.flat()).toEqual([...seen].reverse());

    // Another inbox pulling from this one (its cursor past the same ids) gets them too.
    expect((await pullDownstream()).inserted).toBe(late.length);
    const stored = await downstream.store.list({ limit: 1000, order: 'asc' });
    expect(stored.events.map((e) => e.id)).toEqual(seen);
  });
});
