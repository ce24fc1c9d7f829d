// Our GET /events on serve, read by the official SDK 11.0.0: for every filter, the SDK's
// listEvents gives the same answer from `serve` as from the stand-in WorkOS API holding the same
// events (the stand-in's own fidelity is proved in test/workos-api/stand-in-fidelity.test.ts).
import type { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { startHttpServer } from '../../src/server/http-server.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { pulledEventsApi } from './serve-events-api.js';

const token = 'admin_token_events_api';
const { events } = generateDirectoryHistory({ seed: 9, events: 260 });
const org = events.find((e) => typeof e.data.organization_id === 'string')!.data
  .organization_id as string;

type ListOptions = Parameters<WorkOS['events']['listEvents']>[0];
const cases: [string, ListOptions][] = [
  ['defaults', { events: [] }],
  ['one name', { events: ['dsync.user.created'] }],
  [
    'several names, asc, limit 100',
    { events: ['dsync.user.created', 'dsync.group.user_added'], order: 'asc', limit: 100 },
  ],
  ['organization_id', { events: [], organizationId: org, limit: 50, order: 'asc' }],
  [
    'range_start and range_end',
    {
      events: [],
      rangeStart: events[40]!.created_at,
      rangeEnd: events[200]!.created_at,
      limit: 100,
      order: 'asc',
    },
  ],
  ['range_start only, desc', { events: [], rangeStart: events[200]!.created_at, limit: 100 }],
  ['after, asc', { events: [], after: events[99]!.id, order: 'asc', limit: 30 }],
  ['after, desc', { events: [], after: events[99]!.id, order: 'desc', limit: 30 }],
  [
    'range_end only, desc',
    { events: ['dsync.group.created'], rangeEnd: events[150]!.created_at, limit: 5 },
  ],
];

describe.each(['sqlite', 'postgres'] as const)('GET /events on serve (%s)', (backend) => {
  let served: Awaited<ReturnType<typeof pulledEventsApi>>;
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  let fromServe: WorkOS;
  let fromWorkos: WorkOS;

  beforeAll(async () => {
    served = await pulledEventsApi(backend, 'wi_events_api', events, token);
    ({ http, fromServe, fromWorkos } = served);
  });
  afterAll(async () => {
    await served?.close();
  });

  it.each(cases)(
    'the SDK reads the same list from serve as from WorkOS: %s',
    async (_, options) => {
      const ours = await fromServe.events.listEvents(options);
      const theirs = await fromWorkos.events.listEvents(options);
      expect(ours.data.length).toBeGreaterThan(0);
      expect(ours).toEqual(theirs);
    },
  );

  it('order=normal lists as desc, from serve as from WorkOS (WorkOS lists asc, desc and normal)', async () => {
    // The SDK's types allow asc and desc only; it sends what it is given.
    const normal = { events: [], limit: 20, order: 'normal' as 'desc' };
    const ours = await fromServe.events.listEvents(normal);
    expect(ours.data.length).toBe(20);
    expect(ours).toEqual(await fromServe.events.listEvents({ ...normal, order: 'desc' }));
    expect(ours).toEqual(await fromWorkos.events.listEvents(normal));
  });

  it('pages through everything with list_metadata.after', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await fromServe.events.listEvents({
        events: [],
        order: 'asc',
        limit: 100,
        after,
      });
      seen.push(...page.data.map((e) => e.id));
      after = page.listMetadata.after ?? undefined;
    } while (after);
    expect(seen).toEqual(events.map((e) => e.id));
  });

  it('422 naming the field on bad or unknown parameters (before too) or unknown after, as WorkOS; 401 without the token', async () => {
    const get = (query: string, auth = `Bearer ${token}`) =>
      fetch(`${http.url}/events?${query}`, { headers: { authorization: auth } });
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['order=sideways', 'order'],
      ['order=ASC', 'order'],
      ['range_start=yesterday', 'range_start'],
      // Dates that do not exist, or are not dates: not rolled over or guessed.
      ['range_start=2026-02-30', 'range_start'],
      ['range_end=0', 'range_end'],
      ['range_start=2026', 'range_start'],
      [`after=${events[0]!.id}&range_start=2026-01-01T00:00:00Z`, 'after'],
      ['events=not%20a%20name', 'events'],
      ['after=event_01NOTINTHISINBOX0000000000', 'after'],
    ] as const) {
      const res = await get(query);
      expect(res.status, query).toBe(422);
      const body = (await res.json()) as {
        code: string;
        message: string;
        errors: { field: string }[];
      };
      expect(body.code, query).toBe('invalid_request_parameters');
      expect(body.errors[0]!.field, query).toBe(field);
      expect(body.message, query).toContain(field);
    }
    // Unknown parameters are refused, not ignored: `before` would answer the first page again.
    for (const [query, field, says] of [
      ['foo=bar', 'foo', 'unknown query parameter "foo"; use events,'],
      ['organisation_id=org_1', 'organisation_id', 'Did you mean: organization_id?'],
      [`limit=3&before=${events[9]!.id}`, 'before', 'pages forward only'],
    ] as const) {
      const res = await get(query);
      expect(res.status, query).toBe(422);
      const body = (await res.json()) as { message: string; errors: { field: string }[] };
      expect(body.errors[0]!.field, query).toBe(field);
      expect(body.message, query).toContain(says);
    }
    expect((await get('limit=1', 'Bearer wrong')).status).toBe(401);
    // The SDK raises the same exception from serve as from WorkOS, with serve's reason in it.
    const unknownAfter = { events: [], order: 'asc', after: 'event_01NOTINTHISINBOX0000000000' };
    const [ours, theirs] = await Promise.all(
      [fromServe, fromWorkos].map((sdk) =>
        sdk.events.listEvents(unknownAfter as ListOptions).then(
          () => undefined,
          (error: unknown) => error as Error & { status?: number },
        ),
      ),
    );
    expect(ours?.name).toBe('UnprocessableEntityException');
    expect(ours?.name).toBe(theirs?.name);
    expect(ours?.status).toBe(422);
    expect(ours?.message).toContain('no event event_01NOTINTHISINBOX0000000000');
  });
});
