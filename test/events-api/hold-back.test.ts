// Our GET /events holds the newest events back from ascending reads, as WorkOS's Events API does
// (defaults.eventsApiHoldBackMs): an event's place in the list is its `received_at`, stamped
// before its transaction commits, so one stamped before an event a client has already listed but
// committed after it would land behind that client's cursor and never be seen. Held back, the
// client's cursor cannot pass the newest events while such a commit is still possible.
import type { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../src/defaults.js';
import { createInbox } from '../../src/inbox/create-inbox.js';
import type { Inbox } from '../../src/inbox/create-inbox.js';
import type { startHttpServer } from '../../src/server/http-server.js';
import { sampleEvent } from '../../src/testing/index.js';
import { createBackend } from '../inbox/helpers/backends.js';
import { serveEventsApi } from './serve-events-api.js';

const secret = 'whsec_events_hold_back';
const token = 'admin_token_events_hold_back';
const holdBackMs = defaults.eventsApiHoldBackMs.value;
const t0 = Date.parse('2026-06-01T12:00:00.000Z');

describe.each(['sqlite', 'postgres'] as const)('GET /events hold-back (%s)', (backend) => {
  let inbox: Inbox;
  let cleanup: () => Promise<void>;
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  let sdk: WorkOS;
  /** The Events API's clock. */
  let now = t0;

  beforeAll(async () => {
    const db = await createBackend(backend, 'wi_events_hold_back');
    cleanup = db.cleanup;
    inbox = await createInbox({ database: db.database, secret });
    ({ http, sdk } = await serveEventsApi(inbox.store, token, { clock: { now: () => now } }));
  });
  afterAll(async () => {
    await http?.close(1000);
    await inbox?.close();
    await cleanup?.();
  });

  async function store(seed: number, receivedAt: number): Promise<string> {
    const event = sampleEvent('dsync.user.created', { seed });
    await inbox.store.append({
      id: event.id,
      event: event.event,
      createdAt: event.created_at,
      rawBody: Buffer.from(JSON.stringify(event)),
      source: 'webhook',
      receivedAt: new Date(receivedAt),
    });
    return event.id;
  }

  const asc = async (after?: string) =>
    (
      await sdk.events.listEvents({
        events: ['dsync.user.created'],
        order: 'asc',
        limit: 100,
        ...(after ? { after } : {}),
      })
    ).data.map((e) => e.id);

  it('a cursor does not pass the newest events, so one committed late behind them is still seen', async () => {
    const old = await store(1, t0 - 10 * holdBackMs);
    const recent = await store(2, t0 - 1000);
    // Now: only what was received at least the hold-back ago; a newest-first read shows all.
    expect(await asc()).toEqual([old]);
    const desc = await sdk.events.listEvents({ events: ['dsync.user.created'] });
    expect(desc.data.map((e) => e.id)).toEqual([recent, old]);
    // An event received (stamped) before `recent` whose transaction commits only now, as a
    // pulled page waiting for its commit does: its place is before `recent`, after `old`.
    const lateCommit = await store(3, t0 - 2000);
    // The client goes on from its cursor once the hold-back has passed: it gets both, in order.
    now = t0 + holdBackMs;
    expect(await asc(old)).toEqual([lateCommit, recent]);
    expect(await asc()).toEqual([old, lateCommit, recent]);
  });

  it('a cursor that is itself held back waits: the page is empty, not an error', async () => {
    now = t0 + 100 * holdBackMs;
    const fresh = await store(4, now - 1);
    const earlier = await asc();
    expect(earlier).not.toContain(fresh);
    expect(await asc(earlier[earlier.length - 1])).toEqual([]);
    now += holdBackMs;
    expect(await asc(earlier[earlier.length - 1])).toEqual([fresh]);
    expect(await asc(fresh)).toEqual([]);
  });
});
