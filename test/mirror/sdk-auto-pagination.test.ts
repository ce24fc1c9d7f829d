// `autoPagination()` of the official SDK 11.0.0 over every list route of the mirror, started
// from a `before` or an `after` cursor, in both orders, over real HTTP on both backends. The SDK
// pages 100 at a time (whatever `limit` the list was started with; with one, `autoPagination()`
// returns the first page alone), keeps the list's `before` on every page and moves `after`
// along, so from a `before` its second page carries both cursors.
import { UnprocessableEntityException, WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import type { DirectoryHistory } from '../../src/testing/directory-history.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import type { MirrorTestDatabase } from './helpers/mirror-databases.js';
import { mirrorDatabases } from './helpers/mirror-databases.js';
import { adminToken, startMirrorServer } from './helpers/mirror-server.js';

// Each list holds more than two of the SDK's 100-object pages. Three histories, days apart (ids
// never collide), so no directory's users and groups multiply into memberships.
const size = 220;
const quiet = { events: 1, deletedDirectories: 0, usersPerDirectory: 0, groupsPerDirectory: 0 };
const organizations = generateDirectoryHistory({
  ...quiet,
  seed: 31,
  organizations: size,
  authkitUsersPerOrganization: 0,
  start: new Date('2026-02-01T00:00:00.000Z'),
});
const people = generateDirectoryHistory({
  ...quiet,
  seed: 32,
  organizations: 1,
  usersPerDirectory: size,
  authkitUsersPerOrganization: size,
  start: new Date('2026-02-03T00:00:00.000Z'),
});
const groups = generateDirectoryHistory({
  ...quiet,
  seed: 33,
  organizations: 1,
  groupsPerDirectory: size,
  authkitUsersPerOrganization: 0,
  start: new Date('2026-02-05T00:00:00.000Z'),
});
const histories: DirectoryHistory[] = [organizations, people, groups];
const allIds = (pick: (h: DirectoryHistory) => Map<string, unknown>): string[] =>
  histories.flatMap((h) => [...pick(h).keys()]).sort();
const only = (map: Map<string, unknown>): string => {
  expect(map.size).toBe(1);
  return map.keys().next().value as string;
};

type Order = 'asc' | 'desc';
interface Cursors {
  before?: string;
  after?: string;
  order?: Order;
}
interface RouteCase {
  name: string;
  /** Every id the list holds, ascending. */
  ids: string[];
  list: (workos: WorkOS, cursors: Cursors) => Promise<{ autoPagination(): Promise<unknown[]> }>;
}

const peopleDirectory = only(people.final.directories);
const groupsDirectory = only(groups.final.directories);
const peopleOrganization = only(people.final.organizations);

const routes: RouteCase[] = [
  {
    name: 'directorySync.listDirectories',
    ids: allIds((h) => h.final.directories),
    list: (w, c) => w.directorySync.listDirectories(c),
  },
  {
    name: 'directorySync.listUsers',
    ids: [...people.final.directoryUsers.keys()].sort(),
    list: (w, c) => w.directorySync.listUsers({ directory: peopleDirectory, ...c }),
  },
  {
    name: 'directorySync.listGroups',
    ids: [...groups.final.directoryGroups.keys()].sort(),
    list: (w, c) => w.directorySync.listGroups({ directory: groupsDirectory, ...c }),
  },
  {
    name: 'organizations.listOrganizations',
    ids: allIds((h) => h.final.organizations),
    list: (w, c) => w.organizations.listOrganizations(c),
  },
  {
    name: 'sso.listConnections',
    ids: allIds((h) => h.final.connections),
    list: (w, c) => w.sso.listConnections(c),
  },
  {
    name: 'userManagement.listUsers',
    ids: allIds((h) => h.final.users),
    list: (w, c) => w.userManagement.listUsers(c),
  },
  {
    name: 'userManagement.listOrganizationMemberships',
    ids: [...people.final.organizationMemberships.keys()].sort(),
    list: (w, c) =>
      w.userManagement.listOrganizationMemberships({ organizationId: peopleOrganization, ...c }),
  },
];

describe.each(mirrorDatabases)('SDK autoPagination from a cursor (%s)', (_, open) => {
  let db: MirrorTestDatabase;
  let server: { port: number; close: () => Promise<void> };
  let workos: WorkOS;
  const get = (path: string) =>
    fetch(`http://127.0.0.1:${server.port}${path}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });

  beforeAll(async () => {
    db = await open();
    const events = histories.flatMap((h) => h.events);
    for (let i = 0; i < events.length; i += 500) {
      await db.transaction(async (tx) => {
        for (const e of events.slice(i, i + 500)) await applyMirrorEvent(tx, e);
      });
    }
    server = await startMirrorServer(db.reader);
    workos = new WorkOS(adminToken, {
      apiHostname: '127.0.0.1',
      https: false,
      port: server.port,
      maxRetries: 0,
    });
    // Applying a few thousand events to PostgreSQL on a loaded machine: a setup bound, not a
    // speed requirement.
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it.each(routes)(
    '$name: from before and from after, asc and desc, every object once in order',
    async ({ ids, list }) => {
      expect(ids.length).toBeGreaterThanOrEqual(size);
      for (const order of [undefined, 'asc', 'desc'] as const) {
        // As the list is ordered (newest first unless asked otherwise).
        const listed = order === 'asc' ? ids : [...ids].reverse();
        const before = listed[listed.length - 5]!;
        const after = listed[4]!;
        const cases: [Cursors, string[]][] = [
          [{ before, order }, listed.slice(0, -5)],
          [{ after, order }, listed.slice(5)],
          [{ after, before, order }, listed.slice(5, -5)],
        ];
        for (const [cursors, expected] of cases) {
          // More than two of the SDK's pages: the walk crosses pages with both cursors set.
          expect(expected.length).toBeGreaterThan(200);
          const all = await (await list(workos, cursors)).autoPagination();
          expect((all as { id: string }[]).map((o) => o.id)).toEqual(expected);
        }
      }
    },
  );

  it('both cursors over HTTP: what lies between, first page first; 422 for either naming nothing', async () => {
    const users = [...people.final.directoryUsers.keys()].sort();
    const base = `/directory_users?directory=${peopleDirectory}&order=asc&limit=3`;
    const res = await get(`${base}&after=${users[10]}&before=${users[20]}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { id: string }[]; list_metadata: unknown };
    expect(body.data.map((u) => u.id)).toEqual(users.slice(11, 14));
    expect(body.list_metadata).toEqual({ before: users[11], after: users[13] });
    const tail = (await (await get(`${base}&after=${users[16]}&before=${users[20]}`)).json()) as {
      data: { id: string }[];
      list_metadata: unknown;
    };
    expect(tail.data.map((u) => u.id)).toEqual(users.slice(17, 20));
    expect(tail.list_metadata).toEqual({ before: users[17], after: null });
    // Alone, `before` lists from the start of the list, up to it.
    const head = (await (await get(`${base}&before=${users[20]}`)).json()) as {
      data: { id: string }[];
      list_metadata: unknown;
    };
    expect(head.data.map((u) => u.id)).toEqual(users.slice(0, 3));
    expect(head.list_metadata).toEqual({ before: null, after: users[2] });

    for (const field of ['after', 'before'] as const) {
      const other = field === 'after' ? 'before' : 'after';
      const missing = `directory_user_01NOTINTHEMIRROR${field.toUpperCase()}`;
      const bad = await get(`${base}&${field}=${missing}&${other}=${users[20]}`);
      expect(bad.status).toBe(422);
      expect(await bad.json()).toMatchObject({
        code: 'invalid_request_parameters',
        message: expect.stringContaining(`${field}: no Directory User ${missing}`),
        errors: [{ field }],
      });
    }
    const error = await workos.directorySync
      .listUsers({ directory: peopleDirectory, before: users[20], after: 'directory_user_nope' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityException);
  });
});
