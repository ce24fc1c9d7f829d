// Our GET /events over an inbox that retention has pruned: a pruned event (its payload gone) is
// not listed, as WorkOS does not list events older than it keeps, and its id still works as a
// cursor. Before, the first pruned row a page reached answered 500 (its empty body parsed as JSON).
import type { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import type { Inbox } from '../../src/inbox/create-inbox.js';
import type { startHttpServer } from '../../src/server/http-server.js';
import { createBackend } from '../inbox/helpers/backends.js';
import { eventBody, manualClock, secret, signedHeaders } from '../inbox/helpers/events.js';
import { readAMinuteLater, serveEventsApi } from './serve-events-api.js';

const token = 'admin_token_events_pruned';
const day = 86_400_000;
const old = ['event_01OLD0000000000000000000A', 'event_01OLD0000000000000000000B'];
const recent = ['event_01NEW0000000000000000000A', 'event_01NEW0000000000000000000B'];

describe.each(['sqlite', 'postgres'] as const)('GET /events after a prune (%s)', (backend) => {
  let inbox: Inbox;
  let cleanup: () => Promise<void>;
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  let sdk: WorkOS;

  beforeAll(async () => {
    const db = await createBackend(backend, 'wi_events_pruned');
    cleanup = db.cleanup;
    const clock = manualClock();
    inbox = await createInbox({ database: db.database, secret, mirror: false, clock });
    inbox.on('dsync.user.created', () => {});
    const deliver = async (ids: string[]) => {
      for (const id of ids) {
        const body = eventBody(id);
        const res = await inbox.fetch(
          new Request('http://inbox.test/webhooks/workos', {
            method: 'POST',
            headers: signedHeaders(body, clock.now()),
            body,
          }),
        );
        expect(res.status).toBe(200);
      }
      await inbox.worker.drain();
    };
    await deliver(old);
    clock.advance(8 * day);
    await deliver(recent);
    const pruned = await inbox.store.prune({
      receivedBefore: new Date(clock.now() - 7 * day),
      now: new Date(clock.now()),
    });
    expect(pruned.pruned).toBe(old.length);
    ({ http, sdk } = await serveEventsApi(inbox.store, token, readAMinuteLater));
  });
  afterAll(async () => {
    await http?.close(1000);
    await inbox?.close();
    await cleanup?.();
  });

  it('lists only the events whose payload is kept; a pruned id is still a cursor', async () => {
    const listed = async (options: { order: 'asc' | 'desc'; after?: string }) =>
      (await sdk.events.listEvents({ events: [], limit: 10, ...options })).data.map((e) => e.id);
    expect(await listed({ order: 'asc' })).toEqual(recent);
    expect(await listed({ order: 'desc' })).toEqual([...recent].reverse());
    expect(await listed({ order: 'asc', after: old[0] })).toEqual(recent);
    expect(await listed({ order: 'desc', after: recent[1] })).toEqual([recent[0]]);
  });
});
