import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import { handleMirrorRequest } from '../../src/mirror/http/handle-mirror-request.js';
import { createMirror, MirrorQueryError } from '../../src/mirror/read/create-mirror.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import type { MirrorTestDatabase } from './helpers/mirror-databases.js';
import { openSqliteMirrorDatabase } from './helpers/mirror-databases.js';

const history = generateDirectoryHistory({ seed: 3, organizations: 2, usersPerDirectory: 30 });

describe('handleMirrorRequest', () => {
  let db: MirrorTestDatabase;
  const get = (path: string, query: Record<string, string | string[]> = {}) =>
    handleMirrorRequest(db.reader, { method: 'GET', path, query });

  beforeAll(async () => {
    db = await openSqliteMirrorDatabase();
    await db.transaction(async (tx) => {
      for (const e of history.events) await applyMirrorEvent(tx, e);
    });
  });
  afterAll(async () => {
    await db.close();
  });

  it('returns null for paths that are not mirror routes', async () => {
    expect(await get('/webhooks/workos')).toBeNull();
    expect(await get('/directory_users/a/b')).toBeNull();
    expect(await get('/organization_domains')).toBeNull();
    expect(await get('/directory_users/')).not.toBeNull();
  });

  it('answers 404 as WorkOS does, naming the entity', async () => {
    expect(await get('/directory_users/directory_user_nope')).toEqual({
      status: 404,
      // WorkOS's fields (the SDK reads `code` and `message`) and ours (`error`).
      body: {
        error: 'not_found',
        message: "Directory User not found: 'directory_user_nope'.",
        code: 'entity_not_found',
        entity_id: 'directory_user_nope',
      },
    });
  });

  it('answers 422 for a bad limit, order or cursor, and 405 for writes', async () => {
    for (const limit of ['0', '101', 'ten', '1.5']) {
      const answer = await get('/directory_users', { limit });
      expect(answer?.status).toBe(422);
      expect(answer?.body).toMatchObject({
        code: 'invalid_request_parameters',
        errors: [{ field: 'limit' }],
      });
    }
    expect((await get('/organizations', { order: 'up' }))?.status).toBe(422);
    const cursors = await get('/organizations', { before: 'org_a', after: 'org_b' });
    expect(cursors?.status).toBe(422);
    expect(cursors?.body).toMatchObject({ errors: [{ field: 'after' }] });
    const post = await handleMirrorRequest(db.reader, {
      method: 'POST',
      path: '/organizations',
      query: {},
    });
    expect(post?.status).toBe(405);
  });

  it('lists 10 by default, newest first, with list_metadata cursors', async () => {
    // Every directory's users: the CLI's `directory users` lists so; over HTTP, as on WorkOS, a
    // directory or group is required (test/mirror/list-parameters.test.ts).
    const unfiltered = (query: Record<string, string> = {}) =>
      handleMirrorRequest(
        db.reader,
        { method: 'GET', path: '/directory_users', query },
        { unfiltered: true },
      );
    expect((await get('/directory_users'))?.status).toBe(422);
    const answer = await unfiltered();
    const body = answer?.body as { object: string; data: { id: string }[]; list_metadata: unknown };
    const all = [...history.final.directoryUsers.keys()].sort().reverse();
    expect(answer?.status).toBe(200);
    expect(body.object).toBe('list');
    expect(body.data.map((u) => u.id)).toEqual(all.slice(0, 10));
    expect(body.list_metadata).toEqual({ before: null, after: all[9] });
    const last = await unfiltered({ limit: '100', after: all[all.length - 3]! });
    const lastBody = last?.body as { data: { id: string }[]; list_metadata: unknown };
    expect(lastBody.data.map((u) => u.id)).toEqual(all.slice(-2));
    expect(lastBody.list_metadata).toEqual({ before: all[all.length - 2], after: null });
  });

  it('accepts list parameters repeated, bracketed or comma-joined', async () => {
    const domains = [...history.final.organizations.values()].map(
      (o) => (o.domains as { domain: string }[])[0]!.domain,
    );
    const forms: Record<string, string | string[]>[] = [
      { domains: domains.join(',') },
      { 'domains[]': domains },
      { domains },
    ];
    for (const query of forms) {
      const body = (await get('/organizations', query))?.body as { data: unknown[] };
      expect(body.data).toHaveLength(2);
    }
    const body = (await get('/organizations', { domains: 'nobody.example' }))?.body as {
      data: unknown[];
    };
    expect(body.data).toEqual([]);
  });

  it('returns directories with the API state (linked) and domain, never event-only keys', async () => {
    const dir = [...history.final.directories.values()][0]!;
    const answer = await get(`/directories/${String(dir.id)}`);
    expect(answer?.body).toEqual({
      object: 'directory',
      id: dir.id,
      domain: (dir.domains as { domain: string }[])[0]!.domain,
      external_key: dir.external_key,
      name: dir.name,
      organization_id: dir.organization_id,
      state: 'linked',
      type: dir.type,
      created_at: dir.created_at,
      updated_at: dir.updated_at,
    });
    const updated = history.events.find((e) => e.event === 'dsync.user.updated')!;
    const user = await get(`/directory_users/${String(updated.data.id)}`);
    if (user?.status === 200) expect(user.body).not.toHaveProperty('previous_attributes');
  });

  it('gets an organization domain and an organization membership by id', async () => {
    const domain = [...history.final.organizationDomains.values()][0]!;
    const answer = await get(`/organization_domains/${String(domain.id)}`);
    expect(answer).toEqual({ status: 200, body: domain });
    const om = [...history.final.organizationMemberships.values()][0]!;
    expect(await get(`/user_management/organization_memberships/${String(om.id)}`)).toEqual({
      status: 200,
      body: om,
    });
  });

  it('the typed API validates its options and iterates every page with all()', async () => {
    const mirror = createMirror(db.reader);
    await expect(mirror.directoryUsers.list({ limit: 0 })).rejects.toBeInstanceOf(MirrorQueryError);
    const seen: string[] = [];
    for await (const u of mirror.directoryUsers.all({ order: 'asc' })) seen.push(u.id);
    const all = [...history.final.directoryUsers.keys()].sort();
    expect(seen).toEqual(all);
    // Both cursors bound the list: what lies between them, in the list's order.
    const between = await mirror.directoryUsers.list({
      order: 'asc',
      after: all[2],
      before: all[7],
    });
    expect(between.data.map((u) => u.id)).toEqual(all.slice(3, 7));
    const bounded: string[] = [];
    for await (const u of mirror.directoryUsers.all({ before: all[5] })) bounded.push(u.id);
    expect(bounded).toEqual(all.slice(6).reverse());
  });
});
