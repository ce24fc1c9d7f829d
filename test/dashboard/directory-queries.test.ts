import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  directoryGroups,
  directoryUsers,
  groupsOfUser,
  listDirectoryRows,
  searchDirectory,
  usersOfGroup,
} from '../../src/dashboard/directory-queries.js';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import type { MirrorTestDatabase } from '../mirror/helpers/mirror-databases.js';
import { minuteEvent } from '../mirror/helpers/minute-event.js';
import { mirrorDatabases } from '../mirror/helpers/mirror-databases.js';

const ev = minuteEvent;
const user = (id: string, first: string, last: string, extra: Record<string, unknown> = {}) => ({
  object: 'directory_user',
  id,
  directory_id: 'directory_1',
  organization_id: 'org_1',
  idp_id: `idp_${id}`,
  email: `${first.toLowerCase()}@example.com`,
  first_name: first,
  last_name: last,
  state: 'active',
  raw_attributes: {},
  custom_attributes: {},
  created_at: '2026-03-01T10:00:00.000Z',
  updated_at: '2026-03-01T10:00:00.000Z',
  ...extra,
});
const group = (id: string, name: string) => ({
  object: 'directory_group',
  id,
  idp_id: `idp_${id}`,
  directory_id: 'directory_1',
  organization_id: 'org_1',
  name,
  created_at: '2026-03-01T10:00:00.000Z',
  updated_at: '2026-03-01T10:00:00.000Z',
  raw_attributes: {},
});
const member = (
  event: string,
  minute: number,
  u: ReturnType<typeof user>,
  g: ReturnType<typeof group>,
) => ev(event, minute, { directory_id: 'directory_1', user: u, group: g });

describe.each(mirrorDatabases)('the dashboard directory reads on %s', (_, open) => {
  let db: MirrorTestDatabase;
  const ada = user('directory_user_ada', 'Ada', 'Lovelace');
  const grace = user('directory_user_grace', 'Grace', 'Hopper', { state: 'inactive' });
  const alan = user('directory_user_alan', 'Alan', 'Turing');
  const admins = group('directory_group_admins', 'Admins 100%');
  const staff = group('directory_group_staff', 'Staff');

  beforeAll(async () => {
    db = await open();
    const events = [
      ev('dsync.activated', 1, {
        object: 'directory',
        id: 'directory_1',
        external_key: 'key',
        type: 'okta scim v2.0',
        state: 'active',
        name: 'Okta',
        organization_id: 'org_1',
        domains: [],
        created_at: '2026-03-01T10:00:00.000Z',
        updated_at: '2026-03-01T10:00:00.000Z',
      }),
      ev('dsync.user.created', 2, ada),
      ev('dsync.user.created', 2, grace),
      ev('dsync.user.created', 2, alan),
      ev('dsync.group.created', 2, admins),
      ev('dsync.group.created', 2, staff),
      member('dsync.group.user_added', 3, ada, admins),
      member('dsync.group.user_added', 3, grace, admins),
      member('dsync.group.user_added', 3, ada, staff),
      member('dsync.group.user_removed', 4, grace, admins),
      ev('dsync.user.deleted', 5, alan),
    ];
    for (const e of events) await db.transaction((tx) => applyMirrorEvent(tx, e));
  });
  afterAll(async () => {
    await db?.close();
  });

  it('lists the directory with its users, deleted and inactive ones marked', async () => {
    const directories = await listDirectoryRows(db.reader);
    expect(directories.map((d) => [d.id, d.name, d.deletedAt])).toEqual([
      ['directory_1', 'Okta', null],
    ]);
    const users = await directoryUsers(db.reader, 'directory_1');
    const byId = new Map(users.map((u) => [u.id, u]));
    expect([...byId.keys()].sort()).toEqual([alan.id, ada.id, grace.id].sort());
    expect(byId.get(alan.id)?.deletedAt).not.toBeNull();
    expect(byId.get(grace.id)?.state).toBe('inactive');
    expect(byId.get(ada.id)).toMatchObject({
      deletedAt: null,
      state: 'active',
      email: 'ada@example.com',
    });
    expect((await directoryGroups(db.reader, 'directory_1')).map((g) => g.name)).toEqual([
      'Admins 100%',
      'Staff',
    ]);
  });

  it('shows membership both ways, a removed membership marked', async () => {
    const adaGroups = await groupsOfUser(db.reader, ada.id);
    expect(adaGroups.map((m) => [m.item.id, m.membershipDeletedAt])).toEqual([
      [admins.id, null],
      [staff.id, null],
    ]);
    const adminMembers = await usersOfGroup(db.reader, admins.id);
    const removed = adminMembers.find((m) => m.item.id === grace.id);
    expect(adminMembers.map((m) => m.item.id).sort()).toEqual([ada.id, grace.id].sort());
    expect(removed?.membershipDeletedAt).not.toBeNull();
    expect(adminMembers.find((m) => m.item.id === ada.id)?.membershipDeletedAt).toBeNull();
  });

  it('searches users by email or name and groups by name, case-insensitively, with LIKE wildcards taken literally', async () => {
    expect((await searchDirectory(db.reader, 'HOPPER')).users.map((u) => u.id)).toEqual([grace.id]);
    expect((await searchDirectory(db.reader, 'ada@')).users.map((u) => u.id)).toEqual([ada.id]);
    expect((await searchDirectory(db.reader, 'ada lovelace')).users.map((u) => u.id)).toEqual([
      ada.id,
    ]);
    expect((await searchDirectory(db.reader, 'staff')).groups.map((g) => g.id)).toEqual([staff.id]);
    // `%` and `_` are characters to find, not wildcards.
    expect((await searchDirectory(db.reader, '100%')).groups.map((g) => g.id)).toEqual([admins.id]);
    const percent = await searchDirectory(db.reader, '%');
    expect(percent.groups.map((g) => g.id)).toEqual([admins.id]);
    expect(percent.users).toEqual([]);
    expect((await searchDirectory(db.reader, '_')).users).toEqual([]);
  });

  it('folds every letter, not ASCII alone, on both backends (SQLite LOWER folds ASCII only)', async () => {
    const jose = user('directory_user_jose', 'José', 'Ñúñez', { email: 'jose@example.com' });
    await db.transaction((tx) => applyMirrorEvent(tx, ev('dsync.user.created', 9, jose)));
    for (const term of ['Ñúñez', 'ÑÚÑEZ', 'josé ñúñez', 'JOSÉ Ñ']) {
      expect((await searchDirectory(db.reader, term)).users.map((u) => u.id)).toEqual([jose.id]);
    }
  });
});
