// The stand-in WorkOS API must answer as WorkOS does: the official SDK 11.0.0 reads it unchanged,
// and our client reads the same events from it in their wire form.
import { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { eventTimeMs } from '../../src/workos-api/event-time.js';
import { WorkosApiClient } from '../../src/workos-api/workos-api-client.js';
import { eventsFilter, startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';

let api: WorkosApiStandIn;
let sdk: WorkOS;
let client: WorkosApiClient;
const history = generateDirectoryHistory({ seed: 7, events: 150 });

beforeAll(async () => {
  api = await startWorkosApiStandIn();
  api.events = history.events;
  sdk = new WorkOS(api.apiKey, {
    apiHostname: '127.0.0.1',
    port: api.port,
    https: false,
    maxRetries: 0,
  });
  client = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });
});
afterAll(() => api.close());

const ids = (list: { data: { id: string }[] }) => list.data.map((e) => e.id);

describe('stand-in WorkOS Events API, read by the official SDK', () => {
  it('pages in ascending order with after, as the SDK sends it', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await sdk.events.listEvents({ events: [], order: 'asc', limit: 40, after });
      seen.push(...ids(page));
      if (page.data.length < 40) break;
      after = page.data[page.data.length - 1]!.id;
    }
    expect(seen).toEqual(history.events.map((e) => e.id));
    // The SDK's deserialized envelope names the same events as the wire form.
    const first = await sdk.events.listEvents({ events: [], order: 'asc', limit: 1 });
    expect(first.data[0]).toMatchObject({
      id: history.events[0]!.id,
      event: history.events[0]!.event,
    });
    expect(first.data[0]!.createdAt).toBe(history.events[0]!.created_at);
  });

  it('filters by event names: the SDK sends one comma-joined parameter', async () => {
    const names = ['dsync.user.created', 'dsync.group.user_added'] as const;
    const page = await sdk.events.listEvents({ events: [...names], order: 'asc', limit: 100 });
    const request = api.requests.at(-1)!;
    expect(request.query.getAll('events')).toEqual([names.join(',')]);
    expect(eventsFilter(request.query)).toEqual(names);
    const expected = history.events.filter((e) => (names as readonly string[]).includes(e.event));
    expect(ids(page)).toEqual(expected.slice(0, 100).map((e) => e.id));
    // Our client sends the same form and gets the same events, in wire form.
    const ours = await client.listEvents({ events: names, order: 'asc', limit: 100 });
    expect(ours.data.map((e) => e.id)).toEqual(ids(page));
    expect(ours.data[0]).toEqual({ object: 'event', ...expected[0] });
  });

  it('range_start, range_end, organization_id and desc order', async () => {
    const mid = history.events[50]!.created_at;
    const end = history.events[120]!.created_at;
    const page = await sdk.events.listEvents({
      events: [],
      rangeStart: mid,
      rangeEnd: end,
      order: 'asc',
      limit: 100,
    });
    const inRange = history.events.filter(
      (e) =>
        eventTimeMs(e.created_at) >= eventTimeMs(mid) &&
        eventTimeMs(e.created_at) < eventTimeMs(end),
    );
    expect(ids(page)).toEqual(inRange.map((e) => e.id));
    const org = history.events.find((e) => typeof e.data.organization_id === 'string')!.data
      .organization_id as string;
    const byOrg = await sdk.events.listEvents({ events: [], organizationId: org, limit: 100 });
    // The organization's events in every family: its own (data.id), and group memberships,
    // which name it only in data.group and data.user (test/events-api/organization-filter.test.ts
    // covers every family).
    const nested = (e: (typeof history.events)[number], key: string) =>
      (e.data[key] as { organization_id?: unknown } | undefined)?.organization_id;
    const expected = history.events
      .filter(
        (e) =>
          e.data.organization_id === org ||
          (e.event.startsWith('organization.') && e.data.id === org) ||
          nested(e, 'group') === org ||
          nested(e, 'user') === org,
      )
      .reverse();
    expect(expected.some((e) => e.event === 'organization.created')).toBe(true);
    expect(expected.some((e) => e.event === 'dsync.group.user_added')).toBe(true);
    expect(ids(byOrg)).toEqual(expected.slice(0, 100).map((e) => e.id));
  });

  it('refuses a wrong key with 401 (the SDK throws its UnauthorizedException)', async () => {
    const wrong = new WorkOS('sk_test_wrong', {
      apiHostname: '127.0.0.1',
      port: api.port,
      https: false,
      maxRetries: 0,
    });
    await expect(wrong.events.listEvents({ events: [] })).rejects.toMatchObject({ status: 401 });
  });

  it('refuses after together with range_start, and a limit over 100', async () => {
    await expect(
      sdk.events.listEvents({
        events: [],
        after: history.events[0]!.id,
        rangeStart: history.events[0]!.created_at,
      }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(sdk.events.listEvents({ events: [], limit: 101 })).rejects.toMatchObject({
      status: 422,
    });
  });

  it('accepts events[]= and repeated events= forms too', async () => {
    const res = await fetch(
      `${api.url}/events?events[]=dsync.user.created&events=dsync.group.created&order=asc&limit=100`,
      { headers: { authorization: `Bearer ${api.apiKey}` } },
    );
    const body = (await res.json()) as { data: { event: string }[] };
    const names = new Set(body.data.map((e) => e.event));
    expect(names).toEqual(new Set(['dsync.user.created', 'dsync.group.created']));
  });

  it('holds back a new event from ascending reads until released', async () => {
    const held = history.events[3]!.id;
    api.heldBack.add(held);
    try {
      const page = await client.listEvents({ order: 'asc', limit: 100 });
      expect(page.data.map((e) => e.id)).toEqual(history.events.slice(0, 3).map((e) => e.id));
    } finally {
      api.heldBack.delete(held);
    }
  });
});
