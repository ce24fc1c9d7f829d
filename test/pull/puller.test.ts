// The puller on both backends, against the stand-in Events API over real HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventNames } from '../../src/events/event-names.js';
import { PullCursorRejectedError } from '../../src/pull/pull-errors.js';
import { Puller, toNewEvent } from '../../src/pull/puller.js';
import type { Store } from '../../src/store/types.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { WorkosApiClient } from '../../src/workos-api/workos-api-client.js';
import { WorkosApiRequestError } from '../../src/workos-api/workos-api-errors.js';
import { useBackends } from '../store/backends.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';

const history = generateDirectoryHistory({ seed: 3, events: 230 });
const all = history.events;
const since = '2020-01-01T00:00:00.000Z';
const backends = useBackends();
let api: WorkosApiStandIn;
let client: WorkosApiClient;

beforeAll(async () => {
  api = await startWorkosApiStandIn();
  client = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });
});
afterAll(() => api.close());
beforeEach(() => {
  api.events = [...all];
  api.heldBack.clear();
  api.requests.splice(0);
});

async function storedIds(store: Store): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.list({ limit: 1000, after, order: 'asc' });
    ids.push(...page.events.map((e) => e.id));
    if (!page.nextCursor) return ids.sort();
    after = page.nextCursor;
  }
}

/** A catch-up against a stand-in that refuses `expiredId` as a cursor; what it threw. */
async function refusedCatchUp(
  store: Store,
  expiredId: string,
  events?: string[],
): Promise<unknown> {
  const strict = await startWorkosApiStandIn({ expiredIds: new Set([expiredId]) });
  try {
    strict.events = all;
    const strictClient = new WorkosApiClient({
      apiKey: strict.apiKey,
      apiUrl: strict.url,
      maxRetries: 0,
    });
    return await new Puller({ store, client: strictClient, ...(events ? { events } : {}) })
      .catchUp()
      .catch((e: unknown) => e);
  } finally {
    await strict.close();
  }
}

describe.each(backends)('Puller on $name', (backend) => {
  it('catches up in pages of 100, stores the wire event as sent, and commits the cursor', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const result = await new Puller({ store, client, since }).catchUp();
    expect(result).toMatchObject({ pulled: all.length, inserted: all.length, duplicates: 0 });
    expect(result.pages).toBe(Math.floor(all.length / 100) + 1);
    expect(await storedIds(store)).toEqual(all.map((e) => e.id).sort());
    const first = (await store.get(all[0]!.id))!;
    expect(first.source).toBe('events_api');
    expect(first.status).toBe('pending');
    // Every body is its own event's, whole (a page's bodies travel to the store together).
    for (const event of all) {
      const stored = (await store.get(event.id))!;
      expect(JSON.parse(stored.rawBody.toString('utf8'))).toEqual({ object: 'event', ...event });
    }
    expect(await store.pullCursor('events_api')).toMatchObject({
      after: all.at(-1)!.id,
      rangeStart: null,
    });
    // The first request asked for range_start and no after; every later one the reverse, ascending.
    expect(api.requests[0]!.query.get('range_start')).toBe(since);
    expect(api.requests[0]!.query.has('after')).toBe(false);
    for (const r of api.requests.slice(1)) {
      expect(r.query.has('range_start')).toBe(false);
      expect(r.query.get('after')).toMatch(/^event_/);
    }
    for (const r of api.requests) {
      expect(r.query.get('order')).toBe('asc');
      expect(r.query.get('limit')).toBe('100');
      expect(r.query.get('events')!.split(',')).toContain('dsync.user.created');
    }
    // Nothing new: one request, nothing stored.
    const again = await new Puller({ store, client, since }).catchUp();
    expect(again).toMatchObject({ pulled: 0, inserted: 0, pages: 1 });
  });

  it('an event a webhook stored first is a duplicate: counted, its row untouched', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const webhook = {
      ...toNewEvent(all[5]!, new Date(), Buffer.from(JSON.stringify(all[5]))),
      source: 'webhook' as const,
    };
    await store.append(webhook);
    const result = await new Puller({ store, client, since }).catchUp();
    expect(result).toMatchObject({ pulled: all.length, inserted: all.length - 1, duplicates: 1 });
    expect((await store.get(all[5]!.id))!.source).toBe('webhook');
  });

  it('never moves the cursor over an event WorkOS still holds back', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    api.events = all.slice(0, 50);
    api.heldBack.add(all[20]!.id);
    const first = await new Puller({ store, client, since }).catchUp();
    expect(first.pulled).toBe(20);
    expect((await store.pullCursor('events_api'))!.after).toBe(all[19]!.id);
    api.heldBack.clear();
    const second = await new Puller({ store, client, since }).catchUp();
    expect(second.pulled).toBe(30);
    expect(await storedIds(store)).toEqual(
      all
        .slice(0, 50)
        .map((e) => e.id)
        .sort(),
    );
  });

  it('first start with nothing to pull keeps its range_start, so later events are not skipped', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    api.events = [];
    const start = '2026-01-01T00:00:00.000Z';
    await new Puller({ store, client, since: start }).catchUp();
    expect(await store.pullCursor('events_api')).toMatchObject({ after: null, rangeStart: start });
    api.events = all.slice(0, 10);
    // A later start without --since uses the stored range_start, not "now".
    const result = await new Puller({ store, client }).catchUp();
    expect(result.inserted).toBe(10);
    expect(api.requests.at(-1)!.query.get('range_start')).toBe(start);
  });

  it('a cursor WorkOS refuses: a clear error with the way out, cursor kept', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await new Puller({ store, client, since }).catchUp();
    const error = await refusedCatchUp(store, all.at(-1)!.id);
    expect(error).toBeInstanceOf(PullCursorRejectedError);
    expect((error as Error).message).toContain('--reset-cursor --since');
    expect((await store.pullCursor('events_api'))!.after).toBe(all.at(-1)!.id);
  });

  it('any other 400/422 is said as what it is, with the request; no --reset-cursor advice, cursor kept', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await new Puller({ store, client, since }).catchUp();
    const cursor = all.at(-1)!.id;
    for (const status of [422, 400]) {
      api.failNext({ status });
      const error = await new Puller({ store, client, events: ['dsync.user.created'] })
        .catchUp()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkosApiRequestError);
      expect(error).not.toBeInstanceOf(PullCursorRejectedError);
      expect(error).toMatchObject({ status, code: 'workos_api_bad_request' });
      const message = (error as Error).message;
      expect(message).toContain(
        `WorkOS refused the Events API request (events=dsync.user.created order=asc limit=100 range_start=`,
      );
      expect(message).toContain(`GET /events: ${status} injected ${status}`);
      expect(message).not.toContain('--reset-cursor');
      api.failNext({ status });
      const every = await new Puller({ store, client }).catchUp().catch((e: unknown) => e);
      expect((every as Error).message).toContain(
        `(events=the ${eventNames.length} names this version knows order=asc limit=100 after=${cursor}): GET /events: ${status} injected ${status}. The cursor is kept (after=${cursor})`,
      );
      expect((every as Error).message).not.toContain('--reset-cursor');
      expect((await store.pullCursor('events_api'))!.after).toBe(cursor);
    }
    // An after WorkOS does not know (its 422 names `after`) is the cursor's refusal.
    api.events = all.slice(0, 10);
    const unknown = await new Puller({ store, client }).catchUp().catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(PullCursorRejectedError);
    expect((unknown as Error).message).toContain(`after: no event ${cursor}`);
  });

  it('filters by the event names asked for', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const names = ['dsync.group.created'];
    const result = await new Puller({ store, client, since, events: names }).catchUp();
    const expected = all.filter((e) => e.event === 'dsync.group.created');
    expect(result.inserted).toBe(expected.length);
    expect(api.requests[0]!.query.get('events')).toBe('dsync.group.created');
  });

  it('a pull of a few names moves a cursor of its own: a later pull of every name misses nothing', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const few = await new Puller({
      store,
      client,
      since,
      events: ['dsync.group.created'],
    }).catchUp();
    expect(few.inserted).toBe(all.filter((e) => e.event === 'dsync.group.created').length);
    expect(await store.pullCursor('events_api:dsync.group.created')).toMatchObject({
      after: all.filter((e) => e.event === 'dsync.group.created').at(-1)!.id,
    });
    expect(await store.pullCursor('events_api')).toBeUndefined();
    const rest = await new Puller({ store, client, since }).catchUp();
    expect(rest).toMatchObject({ pulled: all.length, inserted: all.length - few.inserted });
    expect(await storedIds(store)).toEqual(all.map((e) => e.id).sort());
    // Every known name, in any order, is the default cursor.
    const every = new Puller({ store, client, events: [...eventNames].reverse() });
    expect(every.cursorName).toBe('events_api');
    expect((await every.catchUp()).pulled).toBe(0);
  });

  it('a refused cursor of a few names names them in the way out', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const events = ['dsync.user.created', 'dsync.group.created'];
    await new Puller({ store, client, since, events }).catchUp();
    const mine = all.filter((e) => events.includes(e.event));
    const error = await refusedCatchUp(store, mine.at(-1)!.id, events);
    expect((error as Error).message).toContain(
      '`workos-inbox pull --reset-cursor --since 7d --events dsync.user.created,dsync.group.created`',
    );
  });
});
