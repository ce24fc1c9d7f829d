import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/events/index.js';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import { PageWrites } from '../../src/reconcile/batched-sql.js';
import { reconcileEntityPage } from '../../src/reconcile/entity-page.js';
import { reconcile } from '../../src/reconcile/reconcile.js';
import type { ReconcileOptions } from '../../src/reconcile/reconcile.js';
import { ReconcileStoppedError } from '../../src/reconcile/reconcile-errors.js';
import { reconcileEntities } from '../../src/reconcile/reconcile-tables.js';
import { snapshotStart } from '../../src/reconcile/snapshot-version.js';
import { emptyCounts } from '../../src/reconcile/table-counts.js';
import type { Store } from '../../src/store/types.js';
import { useBackends } from '../store/backends.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WireObject } from '../helpers/workos-api-stand-in-state.js';
import { at, directoryUser, sampleState } from '../helpers/workos-state-fixtures.js';
import {
  client,
  clockAt,
  comparedLists,
  dumpRows,
  liveCounts,
  mirrorList,
  openMirrorStore,
  standInList,
} from './helpers.js';

const backends = useBackends();
let api: WorkosApiStandIn;
beforeAll(async () => {
  api = await startWorkosApiStandIn();
});
afterAll(() => api.close());

let seq = 0;
const event = (name: string, seconds: number, data: WireObject): WireEvent =>
  ({
    id: `event_${String(seconds).padStart(6, '0')}_${String(++seq).padStart(4, '0')}`,
    event: name,
    created_at: at(seconds),
    data,
  }) as WireEvent;

describe.each(backends)('reconcile on $name', (backend) => {
  let store: Store;
  beforeEach(async () => {
    store = await openMirrorStore(backend.fresh());
    api.state = sampleState();
    api.requests.length = 0;
  });

  const run = (extra: Partial<ReconcileOptions> = {}) =>
    reconcile({ db: store, api: client(api), clock: clockAt(1000), clockMarginMs: 0, ...extra });

  const expectEqualToState = async () => {
    for (const [path, query] of comparedLists(['directory_1', 'directory_2'], ['org_1', 'org_2'])) {
      expect(await mirrorList(store, path, query), `${path} ${JSON.stringify(query)}`).toEqual(
        await standInList(api, path, query),
      );
    }
  };

  const apply = (wire: WireEvent) => store.writeTransaction((tx) => applyMirrorEvent(tx, wire));
  const userRow = async (id: string) =>
    (
      await store.read((db) =>
        db.query<{ first_name: string; deleted_at: string | null }>(
          'SELECT first_name, deleted_at FROM workos_directory_users WHERE id = $1',
          [id],
        ),
      )
    ).rows[0];

  it('pages written in groups, several transactions at once (PostgreSQL), leave the same mirror as pages written one by one; progress is told per page, in order', async () => {
    api.state = sampleState({ users: 950, groups: 3 });
    const progress: number[] = [];
    const grouped = await run({
      pagesPerTransaction: 2,
      transactionsInFlight: 3,
      groupReadMs: 60_000,
      onPage: ({ pages }) => void progress.push(pages),
    });
    await expectEqualToState();
    expect(progress).toEqual(Array.from({ length: grouped.pages }, (_, i) => i + 1));
    const rows = await dumpRows(store);
    store = await openMirrorStore(backend.fresh());
    const single = await run({ pagesPerTransaction: 1, transactionsInFlight: 1 });
    expect(single.counts).toEqual(grouped.counts);
    expect(await dumpRows(store)).toEqual(rows);
  });

  it('fills an empty mirror with WorkOS state, read back through the same list endpoints', async () => {
    const result = await run();
    await expectEqualToState();
    const c = result.counts;
    expect(c.organizations).toEqual({ created: 2, updated: 0, deleted: 0, unchanged: 0 });
    expect(c.organization_domains.created).toBe(2);
    expect(c.directories.created).toBe(2);
    expect(c.directory_users.created).toBe(12);
    expect(c.directory_groups.created).toBe(3);
    // 12 users in one group each, plus group 0 for users 1 and 5 (9 is in group 0 already).
    expect(c.directory_group_memberships.created).toBe(14);
    expect(c.connections.created).toBe(2);
    expect(c.users.created).toBe(3);
    expect(c.organization_memberships.created).toBe(3);
    // Run again: nothing to do.
    const again = await run({ clock: clockAt(2000) });
    for (const [table, counts] of Object.entries(again.counts)) {
      expect(counts.created + counts.updated + counts.deleted, table).toBe(0);
    }
    await expectEqualToState();
  });

  it('repairs drift: deleted user and group, stale user, removed membership, inactive user', async () => {
    await run();
    const s = api.state;
    const users = s.directoryUsers;
    const [gone, stale, moved, inactive] = [users[1]!, users[2]!, users[3]!, users[4]!];
    // WorkOS deleted one user and group 2 (its members lose it).
    s.directoryUsers = users.filter((u) => u !== gone);
    s.directoryGroups = s.directoryGroups.filter((g) => g.id !== 'directory_group_2');
    for (const u of s.directoryUsers) {
      u.groups = (u.groups as WireObject[]).filter((g) => g.id !== 'directory_group_2');
    }
    // A stale user (renamed at WorkOS), a membership removed, a user deactivated.
    Object.assign(stale, { first_name: 'Renamed', updated_at: at(500) });
    moved.groups = (moved.groups as WireObject[]).filter((g) => g.id !== 'directory_group_0');
    Object.assign(inactive, { state: 'inactive', updated_at: at(501) });

    const result = await run({ clock: clockAt(2000) });
    await expectEqualToState();
    expect(result.counts.directory_users).toMatchObject({ deleted: 1, updated: 2, created: 0 });
    expect(result.counts.directory_groups).toMatchObject({ deleted: 1, created: 0 });
    // users 2, 5, 8, 11 were in group 2; users[1] in groups 1 and 0; users[3] left group 0.
    expect(result.counts.directory_group_memberships.deleted).toBe(7);
    expect((await userRow(gone.id as string))!.deleted_at).not.toBeNull();
    expect((await userRow(stale.id as string))!.first_name).toBe('Renamed');
  });

  it('repairs rows tampered with in the mirror (deleted, edited, extra)', async () => {
    await run();
    await store.writeTransaction(async (tx) => {
      await tx.query("DELETE FROM workos_directory_users WHERE id = 'directory_user_000000'");
      await tx.query("DELETE FROM workos_organizations WHERE id = 'org_2'");
      await tx.query(
        "UPDATE workos_connections SET name = 'wrong', version = '!' WHERE id = 'conn_1'",
      );
    });
    await apply(event('dsync.user.created', 10, directoryUser('directory_user_extra', [])));
    const result = await run({ clock: clockAt(2000) });
    expect(result.counts.directory_users).toMatchObject({ created: 1, deleted: 1 });
    expect(result.counts.organizations.created).toBe(1);
    expect(result.counts.connections.updated).toBe(1);
    await expectEqualToState();
  });

  it('repairs rows edited in the mirror at the version a reconcile wrote them (same updated_at): a dry run counts the same', async () => {
    await run();
    const tables = ['workos_directory_users', 'workos_directory_groups', 'workos_organizations'];
    const filled = await dumpRows(store);
    // Edited by hand (or by a buggy handler): the content differs, the version stays the one the
    // fill wrote (`<updated_at> snapshot`), and so does every updated_at.
    await store.writeTransaction(async (tx) => {
      await tx.query(
        "UPDATE workos_directory_users SET email = 'hand@edited.example', state = 'inactive' " +
          "WHERE id = 'directory_user_000000'",
      );
      await tx.query(
        "UPDATE workos_directory_groups SET name = 'Edited' WHERE id = 'directory_group_0'",
      );
      await tx.query(
        "UPDATE workos_organizations SET name = 'Edited', metadata = $1 WHERE id = 'org_1'",
        ['{"edited":"by hand"}'],
      );
    });
    const edited = await dumpRows(store);
    for (const table of tables) expect(edited[table], table).not.toEqual(filled[table]);

    const dry = await run({ dryRun: true, clock: clockAt(2000) });
    expect(await dumpRows(store)).toEqual(edited);
    const real = await run({ clock: clockAt(2000) });
    expect(real.counts).toEqual(dry.counts);
    const repaired = { created: 0, updated: 1, deleted: 0 };
    expect(real.counts.directory_users).toEqual({ ...repaired, unchanged: 11 });
    expect(real.counts.directory_groups).toEqual({ ...repaired, unchanged: 2 });
    expect(real.counts.organizations).toEqual({ ...repaired, unchanged: 1 });
    for (const [table, counts] of Object.entries(real.counts)) {
      if (!['directory_users', 'directory_groups', 'organizations'].includes(table)) {
        expect(counts.created + counts.updated + counts.deleted, table).toBe(0);
      }
    }
    // Every column as the fill wrote it, the version too.
    const after = await dumpRows(store);
    for (const table of tables) expect(after[table], table).toEqual(filled[table]);
    await expectEqualToState();
    // Repaired, a run finds nothing more to do.
    const again = await run({ clock: clockAt(3000) });
    for (const [table, counts] of Object.entries(again.counts)) {
      expect(counts.created + counts.updated + counts.deleted, table).toBe(0);
    }
  });

  it('an event committed between the comparison of a repair and its write: a newer one keeps its row, one of the listed instant or older does not', async () => {
    await run(); // every organization's version: `<updated_at (at(0))> snapshot`
    await store.writeTransaction((tx) =>
      tx.query("UPDATE workos_organizations SET name = 'Edited'"),
    );
    const [org1, org2] = api.state.organizations as [WireObject, WireObject];
    const counts = emptyCounts().organizations;
    /** Compare the listed `org` with its edited row, commit `wire`, then write the repair. */
    const raced = (org: WireObject, wire: WireEvent) =>
      store.writeTransaction(async (tx) => {
        const writes = new PageWrites();
        const start = snapshotStart(Date.parse(at(2000)));
        await reconcileEntityPage(
          tx,
          reconcileEntities.organizations,
          [org],
          start,
          counts,
          writes,
        );
        // On PostgreSQL (READ COMMITTED; organizations take no directory lock) an event can commit
        // there from another transaction; here it is applied in the page's own.
        await applyMirrorEvent(tx, wire);
        await writes.flush(tx);
      });
    const name = async (id: string) =>
      (
        await store.read((db) =>
          db.query<{ name: string }>('SELECT name FROM workos_organizations WHERE id = $1', [id]),
        )
      ).rows[0]!.name;

    await raced(org1, event('organization.updated', 100, { ...org1, name: 'Newer event' }));
    expect(await name('org_1')).toBe('Newer event');
    // An event at the listed updated_at sorts below the snapshot (`… event_…` < `… snapshot`).
    await raced(org2, event('organization.updated', 0, { ...org2, name: 'Same instant' }));
    expect(await name('org_2')).toBe(org2.name);
    expect(counts).toMatchObject({ updated: 2, unchanged: 0 });
    // Nor does an older event arriving after the repair revert it.
    await apply(event('organization.updated', -1, { ...org2, name: 'Older event' }));
    expect(await name('org_2')).toBe(org2.name);
  });

  it('keeps a row an event newer than updated_at wrote; a late older event does not revert it', async () => {
    const target = api.state.directoryUsers[0]!;
    Object.assign(target, { first_name: 'Snapshot', updated_at: at(50) });
    const other = api.state.directoryUsers[1]!;
    other.updated_at = at(50);
    await apply(event('dsync.user.updated', 100, { ...target, first_name: 'NewerEvent' }));
    await run();
    expect((await userRow(target.id as string))!.first_name).toBe('NewerEvent');
    // An event older than the listed updated_at, arriving after the snapshot.
    await apply(event('dsync.user.updated', 40, { ...other, first_name: 'OlderEvent' }));
    expect((await userRow(other.id as string))!.first_name).toBe('Ada');
  });

  it('tombstones a missing row only if it predates the snapshot; tombstones block late older events', async () => {
    const during = directoryUser('directory_user_during', [], 0, { directory_id: 'directory_1' });
    const before = directoryUser('directory_user_before', [], 0, { directory_id: 'directory_1' });
    await apply(event('dsync.user.created', 1001, during)); // created while the scan ran
    await apply(event('dsync.user.created', 999, before)); // WorkOS no longer has it
    const result = await run(); // the snapshot starts at 1000
    expect(result.counts.directory_users.deleted).toBe(1);
    expect((await userRow('directory_user_during'))!.deleted_at).toBeNull();
    expect((await userRow('directory_user_before'))!.deleted_at).not.toBeNull();
    // A late, older event for the tombstoned user does not bring it back.
    await apply(event('dsync.user.updated', 999.5, { ...before, first_name: 'Late' }));
    expect((await userRow('directory_user_before'))!.deleted_at).not.toBeNull();
  });

  it('--dry-run counts what a real run does and writes nothing', async () => {
    const dry = await run({ dryRun: true });
    expect(await liveCounts(store)).toEqual(
      Object.fromEntries(Object.keys(await liveCounts(store)).map((t) => [t, 0])),
    );
    const real = await run();
    expect(dry.counts).toEqual(real.counts);
    api.state.directoryUsers.splice(0, 2);
    Object.assign(api.state.users[0]!, { first_name: 'Changed', updated_at: at(10) });
    const before = await dumpRows(store);
    const dryDrift = await run({ dryRun: true, clock: clockAt(2000) });
    expect(await dumpRows(store)).toEqual(before);
    expect(dryDrift.counts.directory_users.deleted).toBe(2);
    expect(dryDrift.counts.users.updated).toBe(1);

    // WorkOS deleted the directory, and its users, groups and memberships with it: a dry run
    // (which removes no directory, so cascades nothing) counts what the real run removes, by table.
    const live = await liveCounts(store);
    expect(live.workos_directory_users).toBeGreaterThan(0);
    api.state.directories = api.state.directories.filter((d) => d.id !== 'directory_1');
    api.state.directoryUsers = [];
    api.state.directoryGroups = [];
    const dryGone = await run({ dryRun: true, clock: clockAt(3000) });
    expect(await dumpRows(store)).toEqual(before);
    const realGone = await run({ clock: clockAt(3000) });
    expect(dryGone.counts).toEqual(realGone.counts);
    expect(realGone.counts.directories.deleted).toBe(1);
    expect(realGone.counts.directory_users.deleted).toBe(live.workos_directory_users);
    expect(realGone.counts.directory_groups.deleted).toBe(live.workos_directory_groups);
    expect(realGone.counts.directory_group_memberships.deleted).toBe(
      live.workos_directory_group_memberships,
    );
    const after = await liveCounts(store);
    expect(after.workos_directory_users).toBe(0);
    expect(after.workos_directory_group_memberships).toBe(0);
  });

  it('honours 429 Retry-After; a failed run says where it stopped and tombstones nothing it did not finish', async () => {
    await run();
    api.state.directoryUsers.splice(5, 1); // WorkOS deleted a user
    api.failNext({ status: 429, retryAfter: '0' });
    const requestsBefore = api.requests.length;
    const retried = await run({ clock: clockAt(2000), scope: { only: ['connections'] } });
    expect(retried.counts.connections.unchanged).toBe(2);
    expect(api.requests.slice(requestsBefore).map((r) => r.url.split('?')[0])).toEqual([
      '/connections',
      '/connections',
    ]);

    // The users list fails for good on its second page.
    const page = { n: 0 };
    const failing = client(api, { maxRetries: 0 });
    const wrapped = {
      get: async (path: string) => {
        if (path.startsWith('/directory_users') && path.includes('after=') && ++page.n === 1) {
          api.failNext({ status: 500 });
        }
        return failing.get(path);
      },
    };
    const small = sampleState({ users: 150, groups: 3 });
    api.state = small;
    await run({ clock: clockAt(3000) });
    small.directoryUsers.splice(140, 1);
    const error = await reconcile({
      db: store,
      api: wrapped,
      clock: clockAt(4000),
      clockMarginMs: 0,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReconcileStoppedError);
    const stopped = error as ReconcileStoppedError;
    expect(stopped.stoppedAt).toMatch(
      /^reading directory users of directory_1 after directory_user_\d+$/,
    );
    expect(stopped.message).toContain('500');
    expect(stopped.counts.directory_users.unchanged).toBe(100);
    // The deleted user was not tombstoned: its listing did not finish.
    expect((await userRow(small.directoryUsers[140]!.id as string))!.deleted_at).toBeNull();
  });
});
