import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/events/index.js';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import { MirrorEventError } from '../../src/mirror/errors.js';
import { createMirrorHandler } from '../../src/mirror/mirror-handler.js';
import { createMirror } from '../../src/mirror/read/create-mirror.js';
import type { Mirror } from '../../src/mirror/read/create-mirror.js';
import type { MirrorTestDatabase } from './helpers/mirror-databases.js';
import { minuteEvent } from './helpers/minute-event.js';
import { mirrorDatabases } from './helpers/mirror-databases.js';

const ev = minuteEvent;

const dirUser = (id: string, extra: Record<string, unknown> = {}) => ({
  object: 'directory_user',
  id,
  directory_id: 'directory_1',
  organization_id: 'org_1',
  idp_id: `idp_${id}`,
  email: `${id}@example.com`,
  first_name: 'Ada',
  last_name: 'Lovelace',
  state: 'active',
  raw_attributes: {},
  custom_attributes: {},
  created_at: '2026-03-01T10:00:00.000Z',
  updated_at: '2026-03-01T10:00:00.000Z',
  ...extra,
});
const group = (id: string, extra: Record<string, unknown> = {}) => ({
  object: 'directory_group',
  id,
  idp_id: `idp_${id}`,
  directory_id: 'directory_1',
  organization_id: 'org_1',
  name: `Group ${id}`,
  created_at: '2026-03-01T10:00:00.000Z',
  updated_at: '2026-03-01T10:00:00.000Z',
  raw_attributes: {},
  ...extra,
});
const directory = (id: string) => ({
  object: 'directory',
  id,
  external_key: 'key',
  type: 'okta scim v2.0',
  state: 'active',
  name: 'Okta',
  organization_id: 'org_1',
  domains: [{ object: 'organization_domain', id: 'org_domain_1', domain: 'example.com' }],
  created_at: '2026-03-01T10:00:00.000Z',
  updated_at: '2026-03-01T10:00:00.000Z',
});
const membership = (event: string, minute: number, userId: string, groupId: string) =>
  ev(event, minute, { directory_id: 'directory_1', user: dirUser(userId), group: group(groupId) });

describe.each(mirrorDatabases)('mirror rules on %s', (_, open) => {
  let db: MirrorTestDatabase;
  let mirror: Mirror;
  const apply = async (...events: WireEvent[]): Promise<void> => {
    for (const e of events) await db.transaction((tx) => applyMirrorEvent(tx, e));
  };
  const groupIds = async (userId: string) =>
    (await mirror.directoryUsers.get(userId))?.groups.map((g) => g.id);
  const memberIds = async (groupId: string) =>
    (await mirror.directoryUsers.list({ group: groupId, limit: 100 })).data.map((u) => u.id);

  beforeAll(async () => {
    db = await open();
    mirror = createMirror(db.reader);
  });
  beforeEach(async () => {
    await db.reset();
  });
  afterAll(async () => {
    await db.close();
  });

  it('an older update never overwrites newer state', async () => {
    await apply(
      ev('dsync.user.updated', 5, dirUser('u1', { last_name: 'Newer' })),
      ev('dsync.user.created', 1, dirUser('u1', { last_name: 'Created' })),
      ev('dsync.user.updated', 3, dirUser('u1', { last_name: 'Older' })),
    );
    expect((await mirror.directoryUsers.get('u1'))?.lastName).toBe('Newer');
  });

  it('a delete leaves a tombstone: a late create or update does not resurrect the row', async () => {
    await apply(
      ev('dsync.user.deleted', 5, dirUser('u1')),
      ev('dsync.user.created', 1, dirUser('u1')),
      ev('dsync.user.updated', 3, dirUser('u1', { last_name: 'Late' })),
    );
    expect(await mirror.directoryUsers.get('u1')).toBeUndefined();
    const { rows } = await db.reader.query<{ deleted_at: string | null; last_name: string }>(
      'SELECT deleted_at, last_name FROM workos_directory_users WHERE id = $1',
      ['u1'],
    );
    expect(rows).toEqual([{ deleted_at: '2026-03-01T10:05:00.000000000Z', last_name: 'Lovelace' }]);
  });

  it('a duplicate delivery changes nothing', async () => {
    const created = ev('dsync.user.created', 1, dirUser('u1', { last_name: 'First' }));
    await apply(created, ev('dsync.user.updated', 2, dirUser('u1', { last_name: 'Second' })));
    await apply(created, created);
    expect((await mirror.directoryUsers.get('u1'))?.lastName).toBe('Second');
  });

  it('ties on created_at are broken by event id; timestamp formats compare as instants', async () => {
    await apply(
      { ...ev('dsync.user.updated', 2, dirUser('u1', { last_name: 'B' })), id: 'event_b' },
      { ...ev('dsync.user.updated', 2, dirUser('u1', { last_name: 'A' })), id: 'event_a' },
    );
    expect((await mirror.directoryUsers.get('u1'))?.lastName).toBe('B');
    // The docs' "2026-03-01 10:03:00.5" (no zone: UTC) is later than "…T10:03:00.400Z".
    await apply(
      {
        ...ev('dsync.user.updated', 3, dirUser('u2', { last_name: 'Space' })),
        created_at: '2026-03-01 10:03:00.5',
      },
      {
        ...ev('dsync.user.updated', 3, dirUser('u2', { last_name: 'Iso' })),
        created_at: '2026-03-01T10:03:00.400Z',
      },
      {
        ...ev('dsync.user.updated', 3, dirUser('u2', { last_name: 'Offset' })),
        created_at: '2026-03-01T11:03:00.450+01:00',
      },
    );
    expect((await mirror.directoryUsers.get('u2'))?.lastName).toBe('Space');
  });

  it('membership follows the newest user_added / user_removed; a late older add is ignored', async () => {
    await apply(
      membership('dsync.group.user_removed', 5, 'u1', 'g1'),
      membership('dsync.group.user_added', 3, 'u1', 'g1'),
    );
    expect(await groupIds('u1')).toEqual([]);
    await apply(membership('dsync.group.user_added', 7, 'u1', 'g1'));
    expect(await groupIds('u1')).toEqual(['g1']);
    expect(await memberIds('g1')).toEqual(['u1']);
  });

  it('dsync.group.deleted removes its memberships, also ones delivered after it', async () => {
    await apply(
      membership('dsync.group.user_added', 2, 'u1', 'g1'),
      membership('dsync.group.user_added', 2, 'u1', 'g2'),
      ev('dsync.group.deleted', 6, group('g1')),
      membership('dsync.group.user_added', 3, 'u2', 'g1'),
    );
    expect(await groupIds('u1')).toEqual(['g2']);
    expect(await groupIds('u2')).toEqual([]);
    expect(await mirror.directoryGroups.get('g1')).toBeUndefined();
    expect(await memberIds('g1')).toEqual([]);
    // A membership newer than the deletion is a new fact (only possible if the id came back).
    await apply(membership('dsync.group.user_added', 8, 'u2', 'g1'));
    expect(await memberIds('g1')).toEqual(['u2']);
  });

  it('dsync.deleted removes the directory, its users, groups and memberships, late ones too', async () => {
    await apply(
      ev('dsync.activated', 1, directory('directory_1')),
      ev('dsync.user.created', 2, dirUser('u1')),
      ev('dsync.group.created', 2, group('g1')),
      membership('dsync.group.user_added', 3, 'u1', 'g1'),
      ev('dsync.deleted', 9, { ...directory('directory_1'), state: 'deleting' }),
      ev('dsync.user.created', 4, dirUser('u2')),
      ev('dsync.group.created', 4, group('g2')),
      membership('dsync.group.user_added', 5, 'u2', 'g2'),
    );
    expect(await mirror.directories.get('directory_1')).toBeUndefined();
    expect((await mirror.directoryUsers.list({ directory: 'directory_1' })).data).toEqual([]);
    expect((await mirror.directoryGroups.list({ directory: 'directory_1' })).data).toEqual([]);
    const { rows } = await db.reader.query<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM workos_directory_group_memberships WHERE deleted_at IS NULL',
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('a user updated to inactive stays, as inactive', async () => {
    await apply(
      ev('dsync.user.created', 1, dirUser('u1')),
      ev(
        'dsync.user.updated',
        2,
        dirUser('u1', { state: 'inactive', previous_attributes: { state: 'active' } }),
      ),
    );
    const user = await mirror.directoryUsers.get('u1');
    expect(user?.state).toBe('inactive');
    expect(user).not.toHaveProperty('previousAttributes');
    expect((await mirror.directoryUsers.list({ state: 'inactive' })).data.map((u) => u.id)).toEqual(
      ['u1'],
    );
    expect((await mirror.directoryUsers.list({ state: 'active' })).data).toEqual([]);
  });

  it('events for rows whose parent is unknown yet are applied, not dropped', async () => {
    // user_added first (WorkOS does not guarantee order): the membership and the user and group
    // it carries are recorded at once.
    await apply(membership('dsync.group.user_added', 5, 'u1', 'g1'));
    expect(await groupIds('u1')).toEqual(['g1']);
    expect((await mirror.directoryGroups.get('g1'))?.name).toBe('Group g1');
    // The objects' own events, even older ones, take over from the copies user_added carried.
    await apply(
      ev('dsync.group.created', 2, group('g1', { name: 'Own name' })),
      ev('dsync.user.created', 1, dirUser('u1', { last_name: 'Own' })),
      membership('dsync.group.user_added', 6, 'u1', 'g1'),
    );
    expect(await groupIds('u1')).toEqual(['g1']);
    expect((await mirror.directoryGroups.get('g1'))?.name).toBe('Own name');
    expect((await mirror.directoryUsers.get('u1'))?.lastName).toBe('Own');
  });

  it('organizations, domains, connections, AuthKit users and memberships follow the same rules', async () => {
    const org = {
      object: 'organization',
      id: 'org_1',
      name: 'Acme',
      allow_profiles_outside_organization: false,
      domains: [],
      created_at: 'x',
      updated_at: 'x',
    };
    const domain = {
      object: 'organization_domain',
      id: 'org_domain_1',
      organization_id: 'org_1',
      domain: 'acme.com',
      state: 'pending',
      verification_strategy: 'dns',
      created_at: 'x',
      updated_at: 'x',
    };
    const conn = {
      object: 'connection',
      id: 'conn_1',
      organization_id: 'org_1',
      name: 'SAML',
      connection_type: 'OktaSAML',
      state: 'active',
      domains: [],
      created_at: 'x',
      updated_at: 'x',
    };
    const user = {
      object: 'user',
      id: 'user_1',
      email: 'a@acme.com',
      email_verified: true,
      first_name: 'A',
      last_name: 'B',
      profile_picture_url: null,
      last_sign_in_at: null,
      locale: null,
      created_at: 'x',
      updated_at: 'x',
    };
    const om = {
      object: 'organization_membership',
      id: 'om_1',
      organization_id: 'org_1',
      organization_name: 'Acme',
      user_id: 'user_1',
      status: 'active',
      role: { slug: 'member' },
      created_at: 'x',
      updated_at: 'x',
    };
    await apply(
      ev('organization.updated', 4, { ...org, name: 'Acme 2' }),
      ev('organization.created', 1, org),
      ev('organization_domain.verification_failed', 3, {
        reason: 'dns',
        organization_domain: { ...domain, state: 'failed' },
      }),
      ev('organization_domain.created', 1, domain),
      ev('connection.deactivated', 5, { ...conn, state: 'inactive' }),
      ev('connection.activated', 2, conn),
      ev('user.deleted', 6, user),
      ev('user.created', 1, user),
      ev('organization_membership.updated', 3, { ...om, status: 'inactive' }),
      ev('organization_membership.created', 1, om),
    );
    expect((await mirror.organizations.get('org_1'))?.name).toBe('Acme 2');
    expect((await mirror.organizationDomains.get('org_domain_1'))?.state).toBe('failed');
    expect((await mirror.connections.get('conn_1'))?.state).toBe('inactive');
    expect(await mirror.users.get('user_1')).toBeUndefined();
    expect((await mirror.organizationMemberships.get('om_1'))?.status).toBe('inactive');
  });

  it('rejects a malformed event with a clear error and writes nothing', async () => {
    const bad = ev('dsync.user.created', 1, dirUser('u1'));
    const err = await db
      .transaction((tx) => applyMirrorEvent(tx, { ...bad, created_at: 'yesterday' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MirrorEventError);
    expect((err as MirrorEventError).code).toBe('invalid_created_at');
    const noId = await db
      .transaction((tx) =>
        applyMirrorEvent(
          tx,
          ev('dsync.group.user_added', 2, {
            directory_id: 'd',
            user: dirUser('u9'),
            group: { name: 'no id' },
          }),
        ),
      )
      .catch((e: unknown) => e);
    expect((noId as MirrorEventError).code).toBe('invalid_event_data');
    expect((noId as Error).message).toContain('data.group.id');
    // The user upsert ran before the group failed: the transaction rolled it back.
    expect(await mirror.directoryUsers.get('u9')).toBeUndefined();
  });

  it('ignores events it does not maintain, and families that are turned off', async () => {
    const handler = createMirrorHandler({ families: ['organization'] });
    expect(handler.handlersFor('dsync.user.created')).toEqual([]);
    expect(handler.handlersFor('organization.created')).toHaveLength(1);
    expect(handler.events).toEqual([
      'organization.created',
      'organization.updated',
      'organization.deleted',
    ]);
    const result = await db.transaction((tx) =>
      applyMirrorEvent(tx, ev('session.created', 1, { id: 'session_1' })),
    );
    expect(result).toEqual({ applied: false, family: undefined });
    const [h] = handler.handlersFor('organization.created');
    const wire = ev('dsync.user.created', 1, dirUser('u1'));
    await db.transaction((tx) => h!(undefined, { tx, wire }));
    expect(await mirror.directoryUsers.get('u1')).toBeUndefined();
    expect(() => createMirrorHandler({ families: ['dsync', 'nope' as never] })).toThrow(
      /unknown mirror family "nope"/,
    );
  });
});
