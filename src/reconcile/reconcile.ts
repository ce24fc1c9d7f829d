import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { lockDirectoriesSharedSql, lockDirectoriesSql } from '../mirror/apply/mirror-writes.js';
import { runStatement } from '../mirror/apply/run-statement.js';
import type { SqlExecutor } from '../store/sql-executor.js';
import { PageWrites } from './batched-sql.js';
import { reconcileEntityPage } from './entity-page.js';
import { getObject, listPages } from './list-pages.js';
import type { ListSource, WireObject } from './list-pages.js';
import { reconcileMembershipPage } from './membership-page.js';
import { ReconcileStoppedError } from './reconcile-errors.js';
import { checkScope } from './reconcile-scope.js';
import type { ReconcileFamily, ReconcileScope } from './reconcile-scope.js';
import { reconcileEntities as E } from './reconcile-tables.js';
import type { ReconcileEntity, ReconcileTableName } from './reconcile-tables.js';
import { snapshotStart } from './snapshot-version.js';
import { emptyCounts } from './table-counts.js';
import type { ReconcileCounts } from './table-counts.js';
import {
  scopeWhere,
  tombstoneMembershipsOfMissingUsers,
  tombstoneMissing,
  wholeTable,
} from './tombstone.js';
import type { TombstoneScope } from './tombstone.js';
import { defaults } from '../defaults.js';

/** The database a reconcile writes: a `Store` (its `writeTransaction` and `read`). */
export interface ReconcileDatabase {
  /**
   * Page transactions run `transactionsInFlight` at a time only on `postgres`; on SQLite (one
   * writer), or when not said, one at a time.
   */
  readonly dialect?: 'sqlite' | 'postgres';
  writeTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  read<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T>;
}

/** Told after each page is written (progress bars, lease renewal: throw to stop the run). */
export interface ReconcileProgress {
  table: ReconcileTableName;
  /** Objects listed so far, all tables. */
  objects: number;
  /** Pages read so far, all lists. */
  pages: number;
}

/** Options of {@link reconcile}. */
export interface ReconcileOptions {
  db: ReconcileDatabase;
  /** WorkOS's REST API: a `WorkosApiClient` (optionally `rateLimited`). */
  api: ListSource;
  scope?: ReconcileScope;
  /** Compare and count, write nothing. @defaultValue false */
  dryRun?: boolean;
  clock?: Clock;
  /**
   * The snapshot's start is taken this long before the clock's now, so a clock ahead of WorkOS's
   * cannot make a row created during the scan look older than the start.
   * @defaultValue `defaults.reconcileClockMarginMs.value`
   */
  clockMarginMs?: number;
  /**
   * Pages compared and written per transaction. Each group of pages is read in full before its
   * transaction begins (a transaction never waits on WorkOS); a failed run keeps the groups it
   * committed. Fewer, larger commits write each touched database page once per group.
   * @defaultValue `defaults.reconcilePagesPerTransaction.value`
   */
  pagesPerTransaction?: number;
  /**
   * A group of pages stops growing once reading it took this long, so `onPage` (the periodic
   * loop's lease renewal) is never held back by more than this and one page's read.
   * @defaultValue `defaults.reconcileGroupReadMs.value`
   */
  groupReadMs?: number;
  /**
   * PostgreSQL: groups of pages written at once, each in its own transaction, so the server's
   * work on one overlaps the comparison (and the server's work) of the next. They take the
   * directory's lock shared, so an event's transaction still waits for them. Pages are reported
   * (`onPage`) in order, each once its transaction committed. Ignored on SQLite (one writer).
   * @defaultValue `defaults.reconcileTransactionsInFlight.value`
   */
  transactionsInFlight?: number;
  onPage?: (progress: ReconcileProgress) => void | Promise<void>;
}

/** What a reconcile did. */
export interface ReconcileResult {
  counts: ReconcileCounts;
  /** The snapshot's start (normalized timestamp): the version below which rows may be tombstoned. */
  snapshotStart: string;
  pages: number;
  objects: number;
  dryRun: boolean;
  /**
   * The scope's organization or directory when WorkOS answered 404 for it (`organization org_…`,
   * `directory directory_…`): what the mirror had of it is deleted, and a typo in the id shows.
   */
  notFound: string[];
}

/**
 * Bring the mirror to WorkOS's state: list it through WorkOS's list endpoints (in wire form, 100
 * per page), create and update what differs and tombstone what WorkOS no longer has, by the
 * version rules of docs/mirror.md, so events applied before, during or after never conflict with
 * it. Pages commit in groups of `pagesPerTransaction`, each group read before its transaction
 * begins; a row is tombstoned only after the listing that would have named it finished. Safe next
 * to `serve` and workers.
 *
 * @throws ReconcileStoppedError when a request or a write fails; it says where it stopped.
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileResult> {
  const families = checkScope(options.scope ?? {});
  const clock = options.clock ?? systemClock;
  const start = snapshotStart(
    clock.now() - (options.clockMarginMs ?? defaults.reconcileClockMarginMs.value),
  );
  const run = new Run(options, start, families);
  try {
    await run.all();
  } catch (error) {
    throw new ReconcileStoppedError(run.at, run.counts, error);
  }
  return {
    counts: run.counts,
    snapshotStart: start,
    pages: run.pages,
    objects: run.objects,
    dryRun: options.dryRun ?? false,
    notFound: run.notFound,
  };
}

type Source = AsyncIterable<WireObject[]>;

/** `source`, asking for the next page before the current one is handed on (fetch overlaps writes). */
async function* prefetched(source: Source): Source {
  const pages = source[Symbol.asyncIterator]();
  let next = pages.next();
  for (;;) {
    const page = await next;
    if (page.done) return;
    next = pages.next();
    next.catch(() => {}); // awaited (and thrown) on the next round
    yield page.value;
  }
}

/**
 * `source`'s pages in groups of up to `size` (fewer once reading a group took `maxMs`), each read
 * in full before it is handed on, the next group read meanwhile. When a read fails, the pages read before it are handed on first (a
 * failed run keeps every page it read), then the error is thrown.
 */
async function* grouped(
  source: Source,
  size: number,
  maxMs: number,
): AsyncGenerator<WireObject[][]> {
  const pages = prefetched(source)[Symbol.asyncIterator]();
  const take = async (): Promise<{ group: WireObject[][]; failed?: { error: unknown } }> => {
    const group: WireObject[][] = [];
    const started = performance.now();
    try {
      while (group.length < size && (group.length === 0 || performance.now() - started < maxMs)) {
        const page = await pages.next();
        if (page.done) break;
        group.push(page.value);
      }
    } catch (error) {
      if (group.length === 0) throw error;
      return { group, failed: { error } };
    }
    return { group };
  };
  let next = take();
  for (;;) {
    const { group, failed } = await next;
    if (group.length === 0) return;
    if (!failed) {
      next = take();
      next.catch(() => {}); // awaited (and thrown) on the next round
    }
    yield group;
    if (failed) throw failed.error;
  }
}

async function* single(get: () => Promise<WireObject | undefined>): Source {
  const obj = await get();
  yield obj ? [obj] : [];
}

class Run {
  readonly counts = emptyCounts();
  readonly notFound: string[] = [];
  pages = 0;
  objects = 0;
  /** Where the run is, for the error when it stops. */
  at = 'starting';
  private readonly scope: ReconcileScope;
  private readonly dryRun: boolean;
  private readonly pagesPerTransaction: number;
  private readonly groupReadMs: number;
  private readonly transactionsInFlight: number;

  constructor(
    private readonly options: ReconcileOptions,
    private readonly start: string,
    private readonly families: ReadonlySet<ReconcileFamily>,
  ) {
    this.scope = options.scope ?? {};
    this.dryRun = options.dryRun ?? false;
    this.pagesPerTransaction = Math.max(
      1,
      Math.floor(options.pagesPerTransaction ?? defaults.reconcilePagesPerTransaction.value),
    );
    this.groupReadMs = options.groupReadMs ?? defaults.reconcileGroupReadMs.value;
    this.transactionsInFlight =
      options.db.dialect === 'postgres'
        ? Math.max(
            1,
            Math.floor(
              options.transactionsInFlight ?? defaults.reconcileTransactionsInFlight.value,
            ),
          )
        : 1;
  }

  private get whole(): boolean {
    return this.scope.organization === undefined && this.scope.directory === undefined;
  }

  /**
   * A transaction locking `directories` on PostgreSQL: the lock the mirror's dsync events take
   * (so cascades never interleave), `shared` for page transactions, which may run side by side.
   */
  private tx<T>(
    fn: (tx: SqlExecutor) => Promise<T>,
    directories: readonly string[] = [],
    shared = false,
  ) {
    const locked = async (tx: SqlExecutor) => {
      if (tx.dialect === 'postgres' && directories.length > 0) {
        await runStatement(tx, shared ? lockDirectoriesSharedSql : lockDirectoriesSql, [
          [...new Set(directories)],
        ]);
      }
      return fn(tx);
    };
    return this.dryRun ? this.options.db.read(locked) : this.options.db.writeTransaction(locked);
  }

  private list(path: string, params: Record<string, string | undefined> = {}): Source {
    const api = this.options.api;
    return (async function* () {
      for await (const page of listPages(api, path, params)) yield page.data;
    })();
  }

  /**
   * Each page of `source`, compared and written by `compare`: a group of pages per transaction,
   * each page's writes applied before the next page is compared (as if it had its own). Up to
   * `transactionsInFlight` groups are written at once; their pages are counted and reported in
   * order, each group once it committed. When one fails, the others finish first, then its error
   * is thrown (a failed run keeps every group that committed).
   */
  private async each(
    table: ReconcileTableName,
    label: string,
    source: Source,
    compare: (tx: SqlExecutor, objects: WireObject[], writes: PageWrites) => Promise<void>,
    directories?: (objects: WireObject[]) => string[],
  ): Promise<void> {
    this.at = `reading ${label}`;
    const inFlight: Array<{ group: WireObject[][]; written: Promise<unknown> }> = [];
    // Pages are reported until a write (or `onPage`) fails; after that, later groups that commit
    // are only waited for, so `at` never points past a group that was not written.
    let reporting = true;
    const settleOldest = async () => {
      const { group, written } = inFlight.shift()!;
      try {
        await written;
        if (!reporting) return;
        for (const objects of group) {
          this.pages++;
          this.objects += objects.length;
          const last = objects.at(-1)?.id;
          if (typeof last === 'string') this.at = `reading ${label} after ${last}`;
          await this.options.onPage?.({ table, objects: this.objects, pages: this.pages });
        }
      } catch (error) {
        reporting = false;
        throw error;
      }
    };
    let failure: { error: unknown } | undefined;
    try {
      for await (const group of grouped(source, this.pagesPerTransaction, this.groupReadMs)) {
        const written = this.tx(
          async (tx) => {
            for (const objects of group) {
              const writes = new PageWrites();
              await compare(tx, objects, writes);
              if (!this.dryRun) await writes.flush(tx);
            }
          },
          directories ? group.flatMap(directories) : [],
          true,
        );
        written.catch(() => {}); // awaited in order by settleOldest
        inFlight.push({ group, written });
        if (inFlight.length >= this.transactionsInFlight) await settleOldest();
      }
    } catch (error) {
      failure = { error };
    }
    // What is still in flight ends before anything is thrown (a read that failed leaves the
    // groups read before it good: they are reported as written).
    while (inFlight.length > 0) {
      try {
        await settleOldest();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  private async tombstone(
    label: string,
    entity: ReconcileEntity,
    scope: TombstoneScope,
    seen: ReadonlySet<string>,
    directories: readonly string[] = [],
  ): Promise<string[]> {
    this.at = `tombstoning ${label}`;
    return this.tx(
      (tx) =>
        tombstoneMissing(
          tx,
          entity,
          scope,
          seen,
          this.start,
          this.dryRun,
          this.counts[entity.name],
        ),
      directories,
    );
  }

  private page(entity: ReconcileEntity, seen: Set<string>) {
    return async (tx: SqlExecutor, objects: WireObject[], writes: PageWrites) => {
      const ids = await reconcileEntityPage(
        tx,
        entity,
        objects,
        this.start,
        this.counts[entity.name],
        writes,
      );
      for (const id of ids) seen.add(id);
    };
  }

  async all(): Promise<void> {
    const organizationIds = await this.organizations();
    if (this.families.has('dsync')) await this.directorySync();
    if (this.families.has('connections')) await this.connections();
    if (this.families.has('user_management')) await this.userManagement(organizationIds);
  }

  /** The scope's one object, noted in `notFound` when WorkOS has none. */
  private async scoped(
    what: string,
    got: Promise<WireObject | undefined>,
  ): Promise<WireObject | undefined> {
    const object = await got;
    if (!object) this.notFound.push(what);
    return object;
  }

  /** Organizations and their domains; returns the ids listed (memberships are listed per organization). */
  private async organizations(): Promise<string[]> {
    const write = this.families.has('organizations');
    if (!write && !this.families.has('user_management')) return [];
    const { organization } = this.scope;
    const source = organization
      ? single(() =>
          this.scoped(
            `organization ${organization}`,
            getObject(this.options.api, `/organizations/${encodeURIComponent(organization)}`),
          ),
        )
      : this.list('/organizations');
    const ids: string[] = [];
    const seen = new Set<string>();
    const seenDomains = new Set<string>();
    const organizationsPage = this.page(E.organizations, seen);
    const domainsPage = this.page(E.organizationDomains, seenDomains);
    await this.each('organizations', 'organizations', source, async (tx, objects, writes) => {
      ids.push(...objects.map((o) => o.id as string));
      if (!write) return;
      await organizationsPage(tx, objects, writes);
      const domains = objects.flatMap((org) =>
        (Array.isArray(org.domains) ? (org.domains as WireObject[]) : []).map((domain) => ({
          organization_id: org.id,
          ...domain,
        })),
      );
      await domainsPage(tx, domains, writes);
    });
    if (!write) return ids;
    await this.tombstone(
      'organizations',
      E.organizations,
      organization ? scopeWhere('id', organization) : wholeTable,
      seen,
    );
    await this.tombstone(
      'organization domains',
      E.organizationDomains,
      organization ? scopeWhere('organization_id', organization) : wholeTable,
      seenDomains,
    );
    return ids;
  }

  private async directorySync(): Promise<void> {
    const { organization, directory } = this.scope;
    const api = this.options.api;
    const source = directory
      ? single(() =>
          this.scoped(
            `directory ${directory}`,
            getObject(api, `/directories/${encodeURIComponent(directory)}`),
          ),
        )
      : this.list('/directories', { organization_id: organization });
    const directories = new Set<string>();
    const ids = (objects: WireObject[]) => objects.map((o) => o.id as string);
    await this.each(
      'directories',
      'directories',
      source,
      this.page(E.directories, directories),
      ids,
    );
    const directoryScope = directory
      ? scopeWhere('id', directory)
      : organization
        ? scopeWhere('organization_id', organization)
        : wholeTable;
    const allUsers = new Set<string>();
    const allGroups = new Set<string>();
    // A directory WorkOS no longer has takes its users, groups and memberships with it. They are
    // tombstoned first, table by table and counted there, so that a dry run (which removes no
    // directory, hence cascades nothing) counts what a real run does, and the last pass of a full
    // run does not count them again.
    this.at = 'tombstoning directories';
    const goneDirectories = await this.tx(
      (tx) =>
        tombstoneMissing(tx, E.directories, directoryScope, directories, this.start, true, {
          created: 0,
          updated: 0,
          deleted: 0,
          unchanged: 0,
        }),
      directory ? [directory] : [],
    );
    for (const id of goneDirectories) {
      const gone = await this.tombstoneDirectoryChildren(
        `of deleted directory ${id}`,
        scopeWhere('directory_id', id),
        new Set(),
        new Set(),
        [id],
      );
      for (const u of gone[0]) allUsers.add(u);
      for (const g of gone[1]) allGroups.add(g);
    }
    await this.tombstone(
      'directories',
      E.directories,
      directoryScope,
      directories,
      directory ? [directory] : [],
    );
    for (const id of directories) {
      const users = new Set<string>();
      const groups = new Set<string>();
      const lock = () => [id];
      await this.each(
        'directory_groups',
        `directory groups of ${id}`,
        this.list('/directory_groups', { directory: id }),
        this.page(E.directoryGroups, groups),
        lock,
      );
      const usersPage = this.page(E.directoryUsers, users);
      await this.each(
        'directory_users',
        `directory users of ${id}`,
        this.list('/directory_users', { directory: id }),
        async (tx, objects, writes) => {
          await usersPage(tx, objects, writes);
          await reconcileMembershipPage(
            tx,
            objects,
            id,
            this.start,
            this.counts.directory_group_memberships,
            writes,
          );
        },
        lock,
      );
      const [goneUsers, goneGroups] = await this.tombstoneDirectoryChildren(
        `of ${id}`,
        scopeWhere('directory_id', id),
        users,
        groups,
        [id],
      );
      // Accounted for (a dry run must not count them again in the last pass).
      for (const u of [...users, ...goneUsers]) allUsers.add(u);
      for (const g of [...groups, ...goneGroups]) allGroups.add(g);
    }
    // A full run also removes rows of directories the mirror never had a row for.
    if (this.whole)
      await this.tombstoneDirectoryChildren(
        'of no listed directory',
        wholeTable,
        allUsers,
        allGroups,
      );
  }

  private async tombstoneDirectoryChildren(
    label: string,
    scope: TombstoneScope,
    users: ReadonlySet<string>,
    groups: ReadonlySet<string>,
    directories: readonly string[] = [],
  ): Promise<[string[], string[]]> {
    // Memberships first: a user's tombstone would otherwise delete them uncounted.
    this.at = `tombstoning directory group memberships ${label}`;
    await this.tx(
      (tx) =>
        tombstoneMembershipsOfMissingUsers(
          tx,
          scope,
          users,
          this.start,
          this.dryRun,
          this.counts.directory_group_memberships,
        ),
      directories,
    );
    return [
      await this.tombstone(`directory users ${label}`, E.directoryUsers, scope, users, directories),
      await this.tombstone(
        `directory groups ${label}`,
        E.directoryGroups,
        scope,
        groups,
        directories,
      ),
    ];
  }

  private async connections(): Promise<void> {
    const { organization } = this.scope;
    const seen = new Set<string>();
    await this.each(
      'connections',
      'connections',
      this.list('/connections', { organization_id: organization }),
      this.page(E.connections, seen),
    );
    await this.tombstone(
      'connections',
      E.connections,
      organization ? scopeWhere('organization_id', organization) : wholeTable,
      seen,
    );
  }

  private async userManagement(organizationIds: readonly string[]): Promise<void> {
    const { organization } = this.scope;
    const users = new Set<string>();
    await this.each(
      'users',
      'users',
      this.list('/user_management/users', { organization_id: organization }),
      this.page(E.users, users),
    );
    // A user belongs to the environment, not to one organization: only a full run removes users.
    if (this.whole) await this.tombstone('users', E.users, wholeTable, users);
    // WorkOS lists memberships by organization (or by user).
    const all = new Set<string>();
    for (const id of organizationIds) {
      const seen = new Set<string>();
      await this.each(
        'organization_memberships',
        `organization memberships of ${id}`,
        this.list('/user_management/organization_memberships', { organization_id: id }),
        this.page(E.organizationMemberships, seen),
      );
      const gone = await this.tombstone(
        `organization memberships of ${id}`,
        E.organizationMemberships,
        scopeWhere('organization_id', id),
        seen,
      );
      for (const m of [...seen, ...gone]) all.add(m);
    }
    if (this.whole) {
      await this.tombstone(
        'organization memberships of no listed organization',
        E.organizationMemberships,
        wholeTable,
        all,
      );
    }
  }
}
