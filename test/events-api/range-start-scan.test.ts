// Our GET /events with `range_start` reads only rows received from a day before it on (an event
// is received after it happened; the day allows for clocks that disagree): a `desc` scan stops
// there and an `asc` one starts there, instead of reading every older row of the inbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEventsQuery } from '../../src/events-api/events-query.js';
import { listInboxEvents } from '../../src/events-api/list-inbox-events.js';
import { createInbox } from '../../src/inbox/create-inbox.js';
import type { Inbox } from '../../src/inbox/create-inbox.js';
import { Puller } from '../../src/pull/puller.js';
import type { SqlExecutor } from '../../src/store/sql-executor.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { WorkosApiClient } from '../../src/workos-api/workos-api-client.js';
import { createBackend } from '../inbox/helpers/backends.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';

// January's events (88, from 2026-01-05T09:00) pulled by a clock running hours behind WorkOS's,
// so received "before" they were created; March's (81) pulled days after they were created.
const january = generateDirectoryHistory({ seed: 3, events: 30 }).events;
const march = generateDirectoryHistory({
  seed: 4,
  events: 30,
  start: new Date('2026-03-02T09:00:00.000Z'),
}).events;
const ids = (list: readonly { id: string }[]): string[] => list.map((e) => e.id);

describe.each(['sqlite', 'postgres'] as const)('GET /events with range_start (%s)', (backend) => {
  let api: WorkosApiStandIn;
  let inbox: Inbox;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    api = await startWorkosApiStandIn();
    const db = await createBackend(backend, 'wi_events_range');
    cleanup = db.cleanup;
    inbox = await createInbox({ database: db.database, secret: 'whsec_x' });
    const client = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });
    const pull = (at: string) =>
      new Puller({
        store: inbox.store,
        client,
        since: '2020-01-01T00:00:00Z',
        clock: { now: () => Date.parse(at) },
      }).catchUp();
    api.events = january;
    expect((await pull('2026-01-05T00:00:00Z')).inserted).toBe(january.length);
    api.events = [...january, ...march];
    expect((await pull('2026-03-10T00:00:00Z')).inserted).toBe(march.length);
  });
  afterAll(async () => {
    await inbox?.close();
    await cleanup?.();
    await api?.close();
  });

  /** The page, and how many rows its statements returned. */
  async function list(query: Record<string, string>) {
    return inbox.store.read(async (db) => {
      let rowsRead = 0;
      const counting: SqlExecutor = {
        dialect: db.dialect,
        native: db.native,
        query: async <Row>(sql: string, params?: readonly unknown[]) => {
          const result = await db.query<Row>(sql, params);
          rowsRead += result.rows.length;
          return result;
        },
      };
      const page = await listInboxEvents(counting, parseEventsQuery(query));
      return { ids: ids(page.data), after: page.list_metadata.after, rowsRead };
    });
  }

  it('a day before range_start, desc stops and asc starts: earlier rows are not read', async () => {
    const rangeStart = '2026-02-01T00:00:00Z';
    const desc = await list({ range_start: rangeStart, limit: '100' });
    expect(desc).toEqual({ ids: ids(march).reverse(), after: null, rowsRead: march.length });
    const asc = await list({ range_start: rangeStart, limit: '100', order: 'asc' });
    expect(asc).toEqual({ ids: ids(march), after: null, rowsRead: march.length });
    const named = await list({ range_start: rangeStart, events: march[0]!.event, limit: '100' });
    const marchNamed = march.filter((e) => e.event === march[0]!.event);
    expect(named).toEqual({
      ids: ids(marchNamed).reverse(),
      after: null,
      rowsRead: marchNamed.length,
    });
  });

  it('an event received up to a day before its created_at is still listed', async () => {
    const rangeStart = january[40]!.created_at;
    const inRange = [...january, ...march].filter(
      (e) => Date.parse(e.created_at) >= Date.parse(rangeStart),
    );
    const page = await list({ range_start: rangeStart, limit: '100', order: 'asc' });
    expect(page.ids).toEqual(ids(inRange).slice(0, 100));
    expect(page.after).toBe(inRange[99]!.id);
  });
});
