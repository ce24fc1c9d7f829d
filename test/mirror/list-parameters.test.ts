// The parameters of the mirror's list routes as WorkOS takes them, over HTTP on both backends,
// read with the official SDK 11.0.0 where it can send them (its types only allow asc and desc
// for `order`; what it sends is passed through, so a cast sends `normal`).
import { UnprocessableEntityException, WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import type { MirrorTestDatabase } from './helpers/mirror-databases.js';
import { mirrorDatabases } from './helpers/mirror-databases.js';
import { adminToken, startMirrorServer } from './helpers/mirror-server.js';

const history = generateDirectoryHistory({
  seed: 11,
  organizations: 3,
  usersPerDirectory: 12,
  groupsPerDirectory: 2,
  authkitUsersPerOrganization: 3,
  events: 300,
});
const directoryId = history.final.directories.keys().next().value as string;

describe.each(mirrorDatabases)('the mirror list routes take what WorkOS takes (%s)', (_, open) => {
  let db: MirrorTestDatabase;
  let server: { port: number; close: () => Promise<void> };
  let workos: WorkOS;
  const get = (path: string) =>
    fetch(`http://127.0.0.1:${server.port}${path}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });

  beforeAll(async () => {
    db = await open();
    await db.transaction(async (tx) => {
      for (const e of history.events) await applyMirrorEvent(tx, e);
    });
    server = await startMirrorServer(db.reader);
    workos = new WorkOS(adminToken, {
      apiHostname: '127.0.0.1',
      https: false,
      port: server.port,
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('listDirectories search folds every letter, not ASCII alone', async () => {
    await db.transaction((tx) =>
      applyMirrorEvent(tx, {
        id: 'event_unicode_directory',
        event: 'dsync.activated',
        created_at: '2026-03-01T10:00:00.000Z',
        data: {
          object: 'directory',
          id: 'directory_unicode',
          external_key: 'key_unicode',
          type: 'okta scim v2.0',
          state: 'active',
          name: 'Équipe Ñúñez',
          organization_id: 'org_unicode',
          domains: [],
          created_at: '2026-03-01T10:00:00.000Z',
          updated_at: '2026-03-01T10:00:00.000Z',
        },
      }),
    );
    for (const search of ['ÉQUIPE', 'ñÚÑez', 'équipe ñ']) {
      const found = await workos.directorySync.listDirectories({ search });
      expect(found.data.map((d) => d.id)).toEqual(['directory_unicode']);
    }
  });

  it('order=normal lists as desc, newest first (WorkOS lists asc, desc and normal)', async () => {
    const normal = await workos.directorySync.listUsers({
      directory: directoryId,
      limit: 5,
      order: 'normal' as 'desc',
    });
    const desc = await workos.directorySync.listUsers({
      directory: directoryId,
      limit: 5,
      order: 'desc',
    });
    expect(normal.data.length).toBe(5);
    expect(normal.data).toStrictEqual(desc.data);
    expect(normal.listMetadata).toStrictEqual(desc.listMetadata);
    const next = await workos.directorySync.listUsers({
      directory: directoryId,
      limit: 5,
      order: 'normal' as 'desc',
      after: normal.listMetadata.after!,
    });
    expect(next.data[0]!.id < normal.data[4]!.id).toBe(true);
    const res = await get('/organizations?order=sideways');
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      code: 'invalid_request_parameters',
      errors: [{ field: 'order' }],
      message: expect.stringContaining("'normal'") as unknown,
    });
  });

  it('422 as WorkOS: directory users, groups and memberships without a filter WorkOS requires', async () => {
    const refusals = [
      ['directory users', () => workos.directorySync.listUsers({})],
      ['directory groups', () => workos.directorySync.listGroups({})],
      [
        'organization memberships',
        () => workos.userManagement.listOrganizationMemberships({} as never),
      ],
    ] as const;
    for (const [what, call] of refusals) {
      const error = await call().catch((e: unknown) => e);
      expect(error, what).toBeInstanceOf(UnprocessableEntityException);
      expect(error, what).toMatchObject({ status: 422, code: 'invalid_request_parameters' });
    }
    for (const [path, says] of [
      ['/directory_users', 'one of directory, group is required'],
      ['/directory_groups?limit=5', 'one of directory, user is required'],
      ['/user_management/organization_memberships', 'one of organization_id, user_id is required'],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(422);
      expect(await res.json(), path).toMatchObject({
        code: 'invalid_request_parameters',
        message: expect.stringContaining(says) as unknown,
      });
    }
    // Each filter alone is enough (and this mirror's organization filter, which WorkOS lacks).
    const org = history.final.organizations.keys().next().value as string;
    for (const path of [
      `/directory_users?directory=${directoryId}`,
      `/directory_users?organization=${org}`,
      `/directory_groups?directory=${directoryId}`,
      `/user_management/organization_memberships?organization_id=${org}`,
      '/organizations',
      '/directories',
      '/connections',
      '/user_management/users',
    ]) {
      expect((await get(path)).status, path).toBe(200);
    }
  });

  it('422 as WorkOS: an after or before that names no object', async () => {
    const error = await workos.directorySync
      .listUsers({ directory: directoryId, after: 'directory_user_01NOTINTHEMIRROR' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityException);
    expect((error as Error).message).toContain('no Directory User directory_user_01NOTINTHEMIRROR');
    const res = await get('/organizations?before=org_01NOTINTHEMIRROR');
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ errors: [{ field: 'before' }] });
    // A known id, even one whose page is empty, is a cursor.
    const last = await workos.organizations.listOrganizations({ order: 'asc', limit: 100 });
    const after = last.data.at(-1)!.id;
    const past = await workos.organizations.listOrganizations({ order: 'asc', after });
    expect(past.data).toEqual([]);
  });
});
