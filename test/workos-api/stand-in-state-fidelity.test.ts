// The stand-in's list and get endpoints answer as WorkOS does: the official SDK 11.0.0 reads
// them unchanged (paths, parameter names, cursors, shapes its deserializers expect), and our
// reconcile's reader gets the same objects in their wire form.
import { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPages } from '../../src/reconcile/list-pages.js';
import { WorkosApiClient } from '../../src/workos-api/workos-api-client.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { sampleState } from '../helpers/workos-state-fixtures.js';

let api: WorkosApiStandIn;
let sdk: WorkOS;
let client: WorkosApiClient;

beforeAll(async () => {
  api = await startWorkosApiStandIn();
  api.state = sampleState({ users: 250, groups: 4 });
  sdk = new WorkOS(api.apiKey, { apiHostname: '127.0.0.1', port: api.port, https: false });
  client = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });
});
afterAll(() => api.close());

const ids = (list: readonly { id: string }[]) => list.map((o) => o.id);
const wireIds = (list: readonly Record<string, unknown>[]) => list.map((o) => o.id as string);

async function ours(path: string, params: Record<string, string> = {}) {
  const all: Record<string, unknown>[] = [];
  for await (const page of listPages(client, path, params)) all.push(...page.data);
  return all;
}

describe('stand-in list and get endpoints, read by the official SDK', () => {
  it('directorySync.listUsers pages all users of a directory with after cursors, groups included', async () => {
    // Without `limit`: autoPagination() then walks every page, 100 at a time.
    const list = await sdk.directorySync.listUsers({ directory: 'directory_1' });
    const all = await list.autoPagination();
    expect(ids(all)).toEqual(wireIds(api.state.directoryUsers));
    expect(all[1]!.groups.map((g) => g.id)).toEqual(['directory_group_1', 'directory_group_0']);
    expect(all[0]).toMatchObject({ directoryId: 'directory_1', firstName: 'Ada', state: 'active' });
    // The SDK followed `after`, 100 at a time.
    const afters = api.requests.filter((r) => r.url.startsWith('/directory_users'));
    expect(afters.map((r) => r.query.get('after'))).toContain(all[99]!.id);
    expect(wireIds(await ours('/directory_users', { directory: 'directory_1' }))).toEqual(ids(all));
    // Filter by group, as the SDK sends it.
    const inGroup = await (
      await sdk.directorySync.listUsers({ group: 'directory_group_3' })
    ).autoPagination();
    expect(inGroup.every((u) => u.groups.some((g) => g.id === 'directory_group_3'))).toBe(true);
    expect(inGroup.length).toBeGreaterThan(0);
  });

  it('autoPagination() from a before cursor lists every object before it, once, in order', async () => {
    // The SDK keeps `before` on every page and moves `after` along: each cursor bounds the list,
    // as WorkOS's own emulator and the mirror's read API answer them.
    const users = wireIds(api.state.directoryUsers);
    const cursor = users[230]!;
    for (const order of [undefined, 'desc', 'asc'] as const) {
      const all = await (
        await sdk.directorySync.listUsers({ directory: 'directory_1', before: cursor, order })
      ).autoPagination();
      const inOrder = order === 'asc' ? [...users].reverse() : users;
      expect(ids(all)).toEqual(inOrder.slice(0, inOrder.indexOf(cursor)));
    }
    // A page between two cursors, and the previous page of a `before` alone from the start.
    const page = await sdk.directorySync.listUsers({
      directory: 'directory_1',
      after: users[10]!,
      before: users[14]!,
    });
    expect(ids(page.data)).toEqual(users.slice(11, 14));
    expect(page.listMetadata.after).toBeNull();
  });

  it('directorySync.listGroups, listDirectories, getDirectory', async () => {
    const groups = await (
      await sdk.directorySync.listGroups({ directory: 'directory_1' })
    ).autoPagination();
    expect(ids(groups)).toEqual(wireIds(api.state.directoryGroups));
    const byUser = await sdk.directorySync.listGroups({
      user: api.state.directoryUsers[1]!.id as string,
    });
    expect(ids(byUser.data).sort()).toEqual(['directory_group_0', 'directory_group_1']);
    const directories = await sdk.directorySync.listDirectories({ organizationId: 'org_2' });
    expect(directories.data).toMatchObject([{ id: 'directory_2', state: 'active' }]);
    expect(await sdk.directorySync.getDirectory('directory_1')).toMatchObject({
      organizationId: 'org_1',
    });
    await expect(sdk.directorySync.getDirectory('directory_gone')).rejects.toMatchObject({
      status: 404,
    });
  });

  it('organizations.listOrganizations (domains included), getOrganization', async () => {
    const orgs = await (await sdk.organizations.listOrganizations()).autoPagination();
    expect(ids(orgs)).toEqual(['org_1', 'org_2']);
    expect(orgs[0]!.domains[0]).toMatchObject({ domain: 'org_1.example.com', state: 'verified' });
    const byDomain = await sdk.organizations.listOrganizations({ domains: ['org_2.example.com'] });
    expect(ids(byDomain.data)).toEqual(['org_2']);
    expect((await sdk.organizations.getOrganization('org_2')).name).toBe('Org org_2');
  });

  it('sso.listConnections, userManagement.listUsers and listOrganizationMemberships', async () => {
    const connections = await sdk.sso.listConnections({ organizationId: 'org_1' });
    expect(connections.data).toMatchObject([{ id: 'conn_1', type: 'OktaSAML' }]);
    const users = await (await sdk.userManagement.listUsers()).autoPagination();
    expect(ids(users)).toEqual(['user_1', 'user_2', 'user_3']);
    const inOrg = await sdk.userManagement.listUsers({ organizationId: 'org_1' });
    expect(ids(inOrg.data)).toEqual(['user_1', 'user_2']);
    const memberships = await sdk.userManagement.listOrganizationMemberships({
      organizationId: 'org_1',
    });
    expect(memberships.data).toMatchObject([
      { id: 'om_1', userId: 'user_1', status: 'active' },
      { id: 'om_2', userId: 'user_2' },
    ]);
    // WorkOS requires organization_id or user_id here.
    await expect(ours('/user_management/organization_memberships')).rejects.toMatchObject({
      status: 422,
    });
  });

  it('limit over 100 is refused, as WorkOS does', async () => {
    await expect(
      sdk.directorySync.listUsers({ directory: 'directory_1', limit: 101 }),
    ).rejects.toMatchObject({ status: 422 });
  });
});
