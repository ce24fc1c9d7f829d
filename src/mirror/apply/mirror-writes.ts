import { directoryLockSpace } from '../../store/directory-locks.js';
import type { SqlExecutor } from '../../store/sql-executor.js';
import { buildCascadeSql, buildEntitySql } from './entity-sql.js';
import type { EntityTable } from './entity-tables.js';
import {
  connectionsTable,
  directoriesTable,
  directoryGroupsTable,
  directoryUsersTable,
  groupMembershipsTable,
  organizationDomainsTable,
  organizationMembershipsTable,
  organizationsTable,
  usersTable,
} from './entity-tables.js';
import {
  buildCascadePostgresSql,
  buildEntityPostgresSql,
  deleteMembershipPostgresSql,
  upsertMembershipPostgresSql,
} from './multi-row-sql.js';
import { deleteMembershipSql, upsertMembershipSql } from './membership-sql.js';
import { runStatement } from './run-statement.js';

/**
 * One kind of mirror write. Every write is a merge (last-writer-wins on a version, or a max
 * register for deletions), so several rows of one kind with the same key fold into the one with
 * the highest version, and the rows of a kind can be written by one statement.
 */
export interface WriteKind {
  /** The statement for one row ($1… are the row's values). */
  readonly single: string;
  /** PostgreSQL: the same for many rows, over one array per value ($1… are arrays). */
  readonly multi: string;
  /** Rows with the same key merge. */
  key(row: readonly unknown[]): string;
  /** Index of the row's version. */
  readonly versionAt: number;
}

function entityKinds(spec: EntityTable): {
  upsert: WriteKind;
  snapshotUpsert: WriteKind;
  markDeleted: WriteKind;
} {
  const single = buildEntitySql(spec);
  const multi = buildEntityPostgresSql(spec);
  const id = (row: readonly unknown[]) => row[0] as string;
  const versionAt = spec.columns.length + 4;
  return {
    upsert: { single: single.upsert, multi: multi.upsert, key: id, versionAt },
    /** Reconcile's: a tie with the row's version is overwritten too (`EntitySql.snapshotUpsert`). */
    snapshotUpsert: {
      single: single.snapshotUpsert,
      multi: multi.snapshotUpsert,
      key: id,
      versionAt,
    },
    markDeleted: { single: single.markDeleted, multi: multi.markDeleted, key: id, versionAt: 1 },
  };
}

function cascadeKind(table: string, parentColumn: string): WriteKind {
  return {
    single: buildCascadeSql(table, parentColumn),
    multi: buildCascadePostgresSql(table, parentColumn),
    key: (row) => row[0] as string,
    versionAt: 1,
  };
}

const memberKey = (row: readonly unknown[]) => `${row[0] as string} ${row[1] as string}`;

const entities = {
  organizations: entityKinds(organizationsTable),
  organizationDomains: entityKinds(organizationDomainsTable),
  connections: entityKinds(connectionsTable),
  users: entityKinds(usersTable),
  organizationMemberships: entityKinds(organizationMembershipsTable),
  directories: entityKinds(directoriesTable),
  directoryUsers: entityKinds(directoryUsersTable),
  directoryGroups: entityKinds(directoryGroupsTable),
};

/** Every kind of write, by name. */
export const writeKinds = {
  ...entities,
  /** Params: group id, user id, directory id, version. */
  upsertMembership: {
    single: upsertMembershipSql,
    multi: upsertMembershipPostgresSql,
    key: memberKey,
    versionAt: 3,
  } satisfies WriteKind,
  usersOfDirectory: cascadeKind(directoryUsersTable.table, 'directory_id'),
  groupsOfDirectory: cascadeKind(directoryGroupsTable.table, 'directory_id'),
  membershipsOfDirectory: cascadeKind(groupMembershipsTable, 'directory_id'),
  membershipsOfGroup: cascadeKind(groupMembershipsTable, 'group_id'),
  membershipsOfUser: cascadeKind(groupMembershipsTable, 'user_id'),
  /** Params: group id, user id, version. */
  deleteMembership: {
    single: deleteMembershipSql,
    multi: deleteMembershipPostgresSql,
    key: memberKey,
    versionAt: 2,
  } satisfies WriteKind,
};

/**
 * The order writes are applied in: every upsert, then every entity deletion, then the
 * memberships (born deleted when their user, group or directory already is), then the cascades
 * and removals. Applying a set of events' writes in this order leaves the same rows as applying
 * the events one by one in any order: a row inserted before a deletion it would have been
 * born with is reached by the cascade, which runs after every insert.
 */
const flushOrder: readonly WriteKind[] = [
  ...Object.values(entities).flatMap((k) => [k.upsert, k.snapshotUpsert]),
  ...Object.values(entities).map((k) => k.markDeleted),
  writeKinds.upsertMembership,
  writeKinds.usersOfDirectory,
  writeKinds.groupsOfDirectory,
  writeKinds.membershipsOfDirectory,
  writeKinds.membershipsOfGroup,
  writeKinds.membershipsOfUser,
  writeKinds.deleteMembership,
];

// The dsync rules span rows (a deletion cascades to children; a child is born deleted when its
// parent is). Under READ COMMITTED two concurrent transactions could each miss the other's
// uncommitted rows, so on PostgreSQL the writes of one directory take a transaction-scoped
// advisory lock first and apply one transaction at a time; other directories and families stay
// concurrent. Several directories are locked in sorted order, so two transactions never wait
// for each other. (SQLite has one writer at a time already.)
/** The directories' locks in sorted order, taken with `lockFunction` (param: text[]). */
const lockDirectoriesWith = (lockFunction: string): string =>
  `SELECT ${lockFunction}(${directoryLockSpace}, hashtext(d)) AS locked ` +
  `FROM (SELECT d FROM unnest($1::text[]) AS d ORDER BY d) AS sorted`;

/** PostgreSQL: lock the rows of these directories for this transaction (param: text[]). */
export const lockDirectoriesSql = lockDirectoriesWith('pg_advisory_xact_lock');

/**
 * PostgreSQL: the same locks, shared. Reconcile's page transactions take these: they only write
 * rows of their own page (users listed once each, their memberships) and never cascade, so they
 * may run side by side, while an event's transaction (exclusive) still waits for them and they
 * for it.
 */
export const lockDirectoriesSharedSql = lockDirectoriesWith('pg_advisory_xact_lock_shared');

/** One event's writes, collected before any is added to the batch. */
export interface EventWrites {
  add(kind: WriteKind, row: unknown[]): void;
  /** A directory whose rows these writes touch (locked on PostgreSQL before writing). */
  directory(id: string): void;
}

/**
 * Mirror writes collected over several events and applied together: on PostgreSQL one statement
 * per kind of write (a few round trips for a whole batch instead of several per event), on
 * SQLite one cached statement per row.
 */
export class MirrorWrites {
  private readonly rows = new Map<WriteKind, Map<string, unknown[]>>();
  private readonly directories = new Set<string>();

  /** Collect the writes `fill` makes; if it throws, nothing of it is kept. */
  collect(fill: (writes: EventWrites) => void): void {
    const rows: [WriteKind, unknown[]][] = [];
    const directories: string[] = [];
    fill({ add: (kind, row) => rows.push([kind, row]), directory: (id) => directories.push(id) });
    for (const id of directories) this.directories.add(id);
    for (const [kind, row] of rows) {
      let byKey = this.rows.get(kind);
      if (!byKey) this.rows.set(kind, (byKey = new Map()));
      const key = kind.key(row);
      const held = byKey.get(key);
      if (!held || (row[kind.versionAt] as string) > (held[kind.versionAt] as string)) {
        byKey.set(key, row);
      }
    }
  }

  get empty(): boolean {
    return this.rows.size === 0 && this.directories.size === 0;
  }

  /** Apply everything collected, inside the caller's transaction, and start over. */
  async flush(tx: SqlExecutor): Promise<void> {
    if (this.empty) return;
    const directories = [...this.directories];
    const rows = new Map(this.rows);
    this.rows.clear();
    this.directories.clear();
    const postgres = tx.dialect === 'postgres';
    if (postgres && directories.length > 0) {
      await runStatement(tx, lockDirectoriesSql, [directories]);
    }
    for (const kind of flushOrder) {
      const byKey = rows.get(kind);
      if (!byKey) continue;
      // Sorted, so concurrent transactions lock the rows of a table in the same order.
      const sorted = [...byKey.keys()].sort().map((key) => byKey.get(key)!);
      if (postgres && sorted.length > 1) {
        const columns = sorted[0]!.map((_, i) => sorted.map((row) => row[i]));
        await runStatement(tx, kind.multi, columns);
      } else {
        for (const row of sorted) await runStatement(tx, kind.single, row);
      }
    }
  }
}
