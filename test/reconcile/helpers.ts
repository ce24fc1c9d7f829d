// Shared by the reconcile tests: a store with the mirror's tables on either backend, the
// stand-in's state and the mirror both read through WorkOS's list endpoints, for comparison.
import type { Clock } from '../../src/clock.js';
import { mirrorTableNames } from '../../src/mirror/apply/entity-tables.js';
import { handleMirrorRequest } from '../../src/mirror/http/handle-mirror-request.js';
import { mirrorMigrations } from '../../src/mirror/mirror-migrations.js';
import { listPages } from '../../src/reconcile/list-pages.js';
import { reconcileRunLeaseName } from '../../src/reconcile/reconcile-loop.js';
import type { WireObject } from '../../src/reconcile/list-pages.js';
import type { Store } from '../../src/store/types.js';
import { WorkosApiClient } from '../../src/workos-api/workos-api-client.js';
import type { TestDb } from '../store/backends.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { at } from '../helpers/workos-state-fixtures.js';

export async function openMirrorStore(db: TestDb): Promise<Store> {
  const store = await db.open({ migrationSets: [mirrorMigrations] });
  await store.migrate();
  return store;
}

/**
 * A reconcile is running: reconcile's run lease held as a `serve --reconcile-every` run holds it,
 * `aheadMs` from expiring (by the real clock, as the CLI that is refused beside it reads it).
 */
export async function holdReconcileRunLease(store: Store, aheadMs: number): Promise<void> {
  const now = Date.now();
  await store.takeNamedLease(
    reconcileRunLeaseName,
    'reconcile-serve-1',
    new Date(now + aheadMs),
    new Date(now),
  );
}

/** A clock at `seconds` after the fixtures' 10:00 (the snapshot starts there with margin 0). */
export const clockAt = (seconds: number): Clock => ({ now: () => Date.parse(at(seconds)) });

export const client = (api: WorkosApiStandIn, extra: { maxRetries?: number } = {}) =>
  new WorkosApiClient({
    apiKey: api.apiKey,
    apiUrl: api.url,
    maxRetries: extra.maxRetries ?? 2,
    retryBaseMs: 1,
  });

/** The lists both sides are compared on (the mirror answers them as WorkOS does). */
export function comparedLists(directories: readonly string[], organizations: readonly string[]) {
  return [
    ['/organizations', {}],
    ['/directories', {}],
    ['/connections', {}],
    ['/user_management/users', {}],
    ...directories.flatMap((d) => [
      ['/directory_users', { directory: d }],
      ['/directory_groups', { directory: d }],
    ]),
    ...organizations.map((o) => [
      '/user_management/organization_memberships',
      { organization_id: o },
    ]),
  ] as [string, Record<string, string>][];
}

const sortById = (list: WireObject[]) =>
  [...list].sort((a, b) => String(a.id).localeCompare(String(b.id)));
/** Sorted by id, and so is each directory user's `groups` (WorkOS promises no order there). */
const byId = (list: WireObject[]) =>
  sortById(list).map((o) =>
    Array.isArray(o.groups) ? { ...o, groups: sortById(o.groups as WireObject[]) } : o,
  );

/** Every object of a list endpoint from the stand-in, sorted by id. */
export async function standInList(
  api: WorkosApiStandIn,
  path: string,
  query: Record<string, string>,
): Promise<WireObject[]> {
  const all: WireObject[] = [];
  for await (const page of listPages(client(api), path, query)) all.push(...page.data);
  return byId(all);
}

/** One page of a WorkOS-compatible list endpoint, as status and JSON body. */
type GetPage = (
  path: string,
  query: Record<string, string>,
) => Promise<{ status: number; body: unknown }>;

async function allPages(
  getPage: GetPage,
  path: string,
  query: Record<string, string>,
): Promise<WireObject[]> {
  const all: WireObject[] = [];
  let after: string | undefined;
  for (;;) {
    const response = await getPage(path, { ...query, limit: '100', ...(after && { after }) });
    const body = response.body as { data: WireObject[]; list_metadata: { after: string | null } };
    if (response.status !== 200) throw new Error(`${path}: ${JSON.stringify(body)}`);
    all.push(...body.data);
    if (!body.list_metadata.after) break;
    after = body.list_metadata.after;
  }
  return byId(all);
}

/** Every object of a list endpoint from the mirror's WorkOS-compatible read API, sorted by id. */
export function mirrorList(
  store: Store,
  path: string,
  query: Record<string, string>,
): Promise<WireObject[]> {
  return allPages(
    async (p, q) => (await handleMirrorRequest(store, { method: 'GET', path: p, query: q }))!,
    path,
    query,
  );
}

/** The same, read over HTTP from a running `serve` (its read API, behind the admin token). */
export function servedList(
  base: string,
  adminToken: string,
  path: string,
  query: Record<string, string>,
): Promise<WireObject[]> {
  return allPages(
    async (p, q) => {
      const response = await fetch(`${base}${p}?${new URLSearchParams(q).toString()}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      return { status: response.status, body: await response.json() };
    },
    path,
    query,
  );
}

/** Live row counts per mirror table. */
export async function liveCounts(store: Store): Promise<Record<string, number>> {
  return store.read(async (db) => {
    const counts: Record<string, number> = {};
    for (const table of mirrorTableNames) {
      const { rows } = await db.query<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE deleted_at IS NULL`,
      );
      counts[table] = Number(rows[0]!.n);
    }
    return counts;
  });
}

/** Every row of every mirror table (to prove a dry run wrote nothing). */
export async function dumpRows(store: Store): Promise<Record<string, unknown[]>> {
  return store.read(async (db) => {
    const dump: Record<string, unknown[]> = {};
    for (const table of mirrorTableNames) {
      const order = table === 'workos_directory_group_memberships' ? 'group_id, user_id' : 'id';
      dump[table] = (await db.query(`SELECT * FROM ${table} ORDER BY ${order}`)).rows;
    }
    return dump;
  });
}
