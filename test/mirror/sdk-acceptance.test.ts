import {
  GenericServerException,
  NotFoundException,
  OauthException,
  UnauthorizedException,
  UnprocessableEntityException,
  WorkOS,
} from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import type { Mirror } from '../../src/mirror/read/create-mirror.js';
import { createMirror } from '../../src/mirror/read/create-mirror.js';
import type { DirectoryHistory, WireRecord } from '../../src/testing/directory-history.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import type { MirrorTestDatabase } from './helpers/mirror-databases.js';
import { mirrorDatabases } from './helpers/mirror-databases.js';
import { adminToken, startMirrorServer } from './helpers/mirror-server.js';

// Enough users that listing them all takes more than ten 100-object pages.
const history: DirectoryHistory = generateDirectoryHistory({
  seed: 7,
  organizations: 3,
  usersPerDirectory: 560,
  groupsPerDirectory: 3,
  authkitUsersPerOrganization: 4,
  events: 6500,
  deletedDirectories: 1,
});
const { final } = history;

const ids = (items: readonly { id: string }[]): string[] => items.map((i) => i.id).sort();
const sorted = (items: Iterable<string>): string[] => [...items].sort();
const first = <T>(map: Map<string, T>): T => map.values().next().value as T;

const deletedDirectoryId = history.events.find((e) => e.event === 'dsync.deleted')?.data
  .id as string;
const deletedUserId = history.events.find(
  (e) => e.event === 'dsync.user.deleted' && !final.directoryUsers.has(e.data.id as string),
)?.data.id as string;

function groupsOf(userId: string): string[] {
  return sorted(
    [...final.groupMemberships]
      .filter((k) => k.endsWith(` ${userId}`))
      .map((k) => k.split(' ')[0]!),
  );
}
function membersOf(groupId: string): string[] {
  return sorted(
    [...final.groupMemberships]
      .filter((k) => k.startsWith(`${groupId} `))
      .map((k) => k.split(' ')[1]!),
  );
}

describe.each(mirrorDatabases)('the official SDK reads the mirror on %s', (_, open) => {
  let db: MirrorTestDatabase;
  let server: { port: number; close: () => Promise<void> };
  let workos: WorkOS;
  let mirror: Mirror;

  beforeAll(async () => {
    db = await open();
    for (let i = 0; i < history.events.length; i += 500) {
      await db.transaction(async (tx) => {
        for (const e of history.events.slice(i, i + 500)) await applyMirrorEvent(tx, e);
      });
    }
    mirror = createMirror(db.reader);
    server = await startMirrorServer(db.reader);
    workos = new WorkOS(adminToken, {
      apiHostname: '127.0.0.1',
      https: false,
      port: server.port,
      maxRetries: 0,
    } as ConstructorParameters<typeof WorkOS>[1]);
    // Applying 6500 events to PostgreSQL on a loaded 2-core machine can outlast the default hook
    // timeout: a setup bound, not a speed requirement.
  }, 600_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('checks the history is big enough to mean something', () => {
    expect(final.directoryUsers.size).toBeGreaterThan(1000);
    expect(deletedDirectoryId).toBeDefined();
    expect(deletedUserId).toBeDefined();
    expect(final.directories.has(deletedDirectoryId)).toBe(false);
  });

  it('directorySync.listUsers autoPagination returns every live directory user, with groups', async () => {
    // A directory at a time: as WorkOS, the route requires a directory or group (422 without).
    const users = [];
    for (const directory of final.directories.keys()) {
      const ofDirectory = await (
        await workos.directorySync.listUsers({ directory })
      ).autoPagination();
      expect(ofDirectory.length).toBeGreaterThan(100);
      // Newest first, as WorkOS lists.
      expect(ofDirectory.map((u) => u.id)).toEqual(ids(ofDirectory).reverse());
      users.push(...ofDirectory);
    }
    expect(users.length).toBe(final.directoryUsers.size);
    expect(ids(users)).toEqual(sorted(final.directoryUsers.keys()));
    for (const u of users) {
      const expected = final.directoryUsers.get(u.id)!;
      expect(u.email).toBe(expected.email);
      expect(u.lastName).toBe(expected.last_name);
      expect(u.state).toBe(expected.state);
      expect(ids(u.groups)).toEqual(groupsOf(u.id));
    }
  });

  it('directorySync.listUsers filters by directory and by group; getUser equals the typed API', async () => {
    const directoryId = first(final.directories).id as string;
    const inDirectory = await (
      await workos.directorySync.listUsers({ directory: directoryId })
    ).autoPagination();
    expect(ids(inDirectory)).toEqual(
      sorted(
        [...final.directoryUsers.values()]
          .filter((u) => u.directory_id === directoryId)
          .map((u) => u.id as string),
      ),
    );
    const groupId = first(final.directoryGroups).id as string;
    const inGroup = await (
      await workos.directorySync.listUsers({ group: groupId })
    ).autoPagination();
    expect(ids(inGroup)).toEqual(membersOf(groupId));
    expect(inGroup.length).toBeGreaterThan(0);

    const someone = inGroup[0]!;
    const fromSdk = await workos.directorySync.getUser(someone.id);
    expect(fromSdk).toStrictEqual(await mirror.directoryUsers.get(someone.id));
    expect(fromSdk).toStrictEqual(someone);
    const inactive = [...final.directoryUsers.values()].find((u) => u.state === 'inactive');
    expect(inactive).toBeDefined();
    expect((await workos.directorySync.getUser(inactive!.id as string)).state).toBe('inactive');
  });

  it('directorySync 404s deleted users and directories the way the SDK expects', async () => {
    const error = await workos.directorySync.getUser(deletedUserId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundException);
    expect((error as NotFoundException).status).toBe(404);
    expect((error as NotFoundException).code).toBe('entity_not_found');
    await expect(workos.directorySync.getDirectory(deletedDirectoryId)).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  it('directorySync.listDirectories / getDirectory with organizationId and search', async () => {
    const all = await (await workos.directorySync.listDirectories()).autoPagination();
    expect(ids(all)).toEqual(sorted(final.directories.keys()));
    const dir = first(final.directories);
    const got = await workos.directorySync.getDirectory(dir.id as string);
    expect(got).toStrictEqual(await mirror.directories.get(dir.id as string));
    expect(got).toMatchObject({
      object: 'directory',
      name: dir.name,
      externalKey: dir.external_key,
      organizationId: dir.organization_id,
      state: 'active',
      type: 'okta scim v2.0',
      domain: (dir.domains as WireRecord[])[0]!.domain,
    });
    const byOrg = await workos.directorySync.listDirectories({
      organizationId: dir.organization_id as string,
    });
    expect(ids(byOrg.data)).toEqual([dir.id]);
    const bySearch = await workos.directorySync.listDirectories({
      search: String(dir.name).slice(-7).toUpperCase(),
    });
    expect(ids(bySearch.data)).toContain(dir.id);
  });

  it('directorySync.listGroups by directory and by user; getGroup', async () => {
    const dir = first(final.directories);
    const groups = await (
      await workos.directorySync.listGroups({ directory: dir.id as string })
    ).autoPagination();
    expect(ids(groups)).toEqual(
      sorted(
        [...final.directoryGroups.values()]
          .filter((g) => g.directory_id === dir.id)
          .map((g) => g.id as string),
      ),
    );
    const userId = [...final.directoryUsers.keys()].find((u) => groupsOf(u).length > 1)!;
    const ofUser = await workos.directorySync.listGroups({ user: userId });
    expect(ids(ofUser.data)).toEqual(groupsOf(userId));
    const group = await workos.directorySync.getGroup(groups[0]!.id);
    expect(group).toStrictEqual(groups.find((g) => g.id === group.id));
    expect(group.name).toBe(final.directoryGroups.get(group.id)!.name);
  });

  it('cursor pagination: limit, order, after and before walk the same list', async () => {
    const dirId = first(final.directories).id as string;
    const page1 = await workos.directorySync.listUsers({
      directory: dirId,
      limit: 5,
      order: 'asc',
    });
    expect(page1.data.map((u) => u.id)).toEqual(
      sorted(
        [...final.directoryUsers.values()]
          .filter((u) => u.directory_id === dirId)
          .map((u) => u.id as string),
      ).slice(0, 5),
    );
    expect(page1.listMetadata).toEqual({ before: null, after: page1.data[4]!.id });
    const page2 = await workos.directorySync.listUsers({
      directory: dirId,
      limit: 5,
      order: 'asc',
      after: page1.listMetadata.after!,
    });
    expect(page2.data[0]!.id > page1.data[4]!.id).toBe(true);
    expect(page2.listMetadata.before).toBe(page2.data[0]!.id);
    const back = await workos.directorySync.listUsers({
      directory: dirId,
      limit: 5,
      order: 'asc',
      before: page2.listMetadata.before!,
    });
    expect(back.data).toStrictEqual(page1.data);
  });

  it('organizations.listOrganizations (with domains) and getOrganization', async () => {
    const orgs = await (await workos.organizations.listOrganizations()).autoPagination();
    expect(ids(orgs)).toEqual(sorted(final.organizations.keys()));
    const org = first(final.organizations);
    const domain = (org.domains as WireRecord[])[0]!.domain as string;
    const byDomain = await workos.organizations.listOrganizations({ domains: [domain] });
    expect(ids(byDomain.data)).toEqual([org.id]);
    const got = await workos.organizations.getOrganization(org.id as string);
    expect(got).toStrictEqual(await mirror.organizations.get(org.id as string));
    expect(got).toMatchObject({ name: org.name, externalId: null, metadata: {} });
    expect(got.domains[0]).toMatchObject({ object: 'organization_domain', domain });
  });

  it('organizationDomains.getOrganizationDomain (404 for an unknown id)', async () => {
    const wire = (first(final.organizations).domains as WireRecord[])[0]!;
    const got = await workos.organizationDomains.getOrganizationDomain(wire.id as string);
    expect(got).toStrictEqual(await mirror.organizationDomains.get(wire.id as string));
    expect(got).toMatchObject({ id: wire.id, domain: wire.domain });
    const error = await workos.organizationDomains
      .getOrganizationDomain('org_domain_missing')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundException);
  });

  it('our error fields do not change which exception the SDK raises (404, 422, 405)', async () => {
    const notFound = await workos.organizations.getOrganization('org_missing').catch((e) => e);
    expect(notFound).toBeInstanceOf(NotFoundException);
    expect(notFound).toMatchObject({ code: 'entity_not_found' });
    const tooMany = await workos.directorySync
      .listUsers({ directory: first(final.directories).id as string, limit: 101 })
      .catch((e) => e);
    expect(tooMany).toBeInstanceOf(UnprocessableEntityException);
    expect(tooMany).toMatchObject({ code: 'invalid_request_parameters' });
    // A write: the mirror is read-only. The SDK must not take it for an OAuth error.
    const write = await workos.organizationDomains
      .createOrganizationDomain({ domain: 'example.com', organizationId: 'org_1' })
      .catch((e: unknown) => e);
    expect(write).toBeInstanceOf(GenericServerException);
    expect(write).not.toBeInstanceOf(OauthException);
    expect(write).toMatchObject({ status: 405 });
  });

  it('sso.listConnections (type, organization, domain) and getConnection', async () => {
    const all = await (await workos.sso.listConnections()).autoPagination();
    expect(ids(all)).toEqual(sorted(final.connections.keys()));
    const conn = first(final.connections);
    const byOrg = await workos.sso.listConnections({
      organizationId: conn.organization_id as string,
    });
    expect(ids(byOrg.data)).toEqual([conn.id]);
    const domain = (conn.domains as WireRecord[])[0]!.domain as string;
    expect(ids((await workos.sso.listConnections({ domain })).data)).toEqual([conn.id]);
    const byType = await workos.sso.listConnections({
      connectionType: conn.connection_type as never,
    });
    expect(ids(byType.data)).toEqual(
      sorted(
        [...final.connections.values()]
          .filter((c) => c.connection_type === conn.connection_type)
          .map((c) => c.id as string),
      ),
    );
    const got = await workos.sso.getConnection(conn.id as string);
    expect(got).toStrictEqual(await mirror.connections.get(conn.id as string));
    expect(got).toMatchObject({ type: conn.connection_type, state: conn.state, name: conn.name });
  });

  it('userManagement.listUsers (email, organizationId), getUser, listOrganizationMemberships', async () => {
    const users = await (await workos.userManagement.listUsers()).autoPagination();
    expect(ids(users)).toEqual(sorted(final.users.keys()));
    const user = first(final.users);
    const byEmail = await workos.userManagement.listUsers({
      email: String(user.email).toUpperCase(),
    });
    expect(ids(byEmail.data)).toEqual([user.id]);
    const got = await workos.userManagement.getUser(user.id as string);
    expect(got).toStrictEqual(await mirror.users.get(user.id as string));
    expect(got.emailVerified).toBe(user.email_verified);

    const om = first(final.organizationMemberships);
    const orgId = om.organization_id as string;
    const members = [...final.organizationMemberships.values()].filter(
      (m) => m.organization_id === orgId,
    );
    const byOrg = await workos.userManagement.listUsers({ organizationId: orgId });
    expect(ids(byOrg.data)).toEqual(sorted(members.map((m) => m.user_id as string)));

    const memberships = await workos.userManagement.listOrganizationMemberships({
      organizationId: orgId,
    });
    expect(ids(memberships.data)).toEqual(sorted(members.map((m) => m.id as string)));
    const active = await workos.userManagement.listOrganizationMemberships({
      organizationId: orgId,
      statuses: ['active'],
    });
    expect(ids(active.data)).toEqual(
      sorted(members.filter((m) => m.status === 'active').map((m) => m.id as string)),
    );
    const ofUser = await workos.userManagement.listOrganizationMemberships({
      userId: om.user_id as string,
    });
    expect(ofUser.data).toStrictEqual(
      (await mirror.organizationMemberships.list({ userId: om.user_id as string })).data,
    );
    expect(ofUser.data[0]).toMatchObject({
      role: om.role,
      status: om.status,
      directoryManaged: false,
    });
  });

  it('answers 401 without the admin token (the SDK raises UnauthorizedException)', async () => {
    const stranger = new WorkOS('wrong_token', {
      apiHostname: '127.0.0.1',
      https: false,
      port: server.port,
      maxRetries: 0,
    } as ConstructorParameters<typeof WorkOS>[1]);
    await expect(stranger.organizations.listOrganizations()).rejects.toBeInstanceOf(
      UnauthorizedException,
    );
  });
});
