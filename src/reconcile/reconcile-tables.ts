import {
  connectionsTable,
  directoriesTable,
  directoryGroupsTable,
  directoryUsersTable,
  organizationDomainsTable,
  organizationMembershipsTable,
  organizationsTable,
  usersTable,
} from '../mirror/apply/entity-tables.js';
import type { EntityTable } from '../mirror/apply/entity-tables.js';
import { writeKinds } from '../mirror/apply/mirror-writes.js';
import type { WriteKind } from '../mirror/apply/mirror-writes.js';
import type { Derived } from '../mirror/apply/wire-values.js';
import type { WireObject } from './list-pages.js';
import { checkScope } from './reconcile-scope.js';
import type { ReconcileFamily, ReconcileScope } from './reconcile-scope.js';

/** The tables a reconcile reports on, by their name in the summary. */
export const reconcileTableNames = [
  'organizations',
  'organization_domains',
  'directories',
  'directory_groups',
  'directory_users',
  'directory_group_memberships',
  'connections',
  'users',
  'organization_memberships',
] as const;
export type ReconcileTableName = (typeof reconcileTableNames)[number];

/** The tables each family (`--only`) reads and writes. */
const familyTables: Record<ReconcileFamily, readonly ReconcileTableName[]> = {
  organizations: ['organizations', 'organization_domains'],
  dsync: ['directories', 'directory_groups', 'directory_users', 'directory_group_memberships'],
  connections: ['connections'],
  user_management: ['users', 'organization_memberships'],
};

/**
 * The tables a run of this scope reads, in the summary's order: what its summary shows (a table
 * outside the scope is always 0 and says nothing). `--directory` reads the directory itself too.
 */
export function scopeTables(scope: ReconcileScope): ReconcileTableName[] {
  const families = checkScope(scope);
  return reconcileTableNames.filter((name) =>
    [...families].some((family) => familyTables[family].includes(name)),
  );
}

/** How objects of one list become rows of one mirror table. */
export interface ReconcileEntity {
  name: ReconcileTableName;
  spec: EntityTable;
  /**
   * The writes of this table: reconcile's upsert (params id, ...columns, …; it wins a tie of
   * versions, see `EntitySql.snapshotUpsert`) and the event path's deletion (id, version).
   */
  kinds: { snapshotUpsert: WriteKind; markDeleted: WriteKind };
  derived?: Derived;
  /** The object as an event would carry it (the mirror stores events' vocabulary). */
  toEventShape?: (obj: WireObject) => WireObject;
  /** Child rows to tombstone with a row of this table (params: this row's id, version). */
  cascades: readonly WriteKind[];
}

// The REST API says linked/unlinked where events (and so the mirror's rows) say active/inactive;
// the mirror's read API maps them back.
const eventDirectoryState: Record<string, string> = { linked: 'active', unlinked: 'inactive' };

const entity = (
  name: ReconcileTableName,
  spec: EntityTable,
  kinds: ReconcileEntity['kinds'],
  extra: Partial<Pick<ReconcileEntity, 'derived' | 'toEventShape' | 'cascades'>> = {},
): ReconcileEntity => ({ name, spec, kinds, cascades: [], ...extra });

export const reconcileEntities = {
  organizations: entity('organizations', organizationsTable, writeKinds.organizations),
  organizationDomains: entity(
    'organization_domains',
    organizationDomainsTable,
    writeKinds.organizationDomains,
  ),
  directories: entity('directories', directoriesTable, writeKinds.directories, {
    // Events carry `domains`; the list API carries `domain` (a column either way).
    derived: { domain: (obj) => (typeof obj.domain === 'string' ? obj.domain : null) },
    toEventShape: (obj) =>
      typeof obj.state === 'string' && obj.state in eventDirectoryState
        ? { ...obj, state: eventDirectoryState[obj.state] }
        : obj,
    cascades: [
      writeKinds.usersOfDirectory,
      writeKinds.groupsOfDirectory,
      writeKinds.membershipsOfDirectory,
    ],
  }),
  directoryGroups: entity('directory_groups', directoryGroupsTable, writeKinds.directoryGroups, {
    cascades: [writeKinds.membershipsOfGroup],
  }),
  directoryUsers: entity('directory_users', directoryUsersTable, writeKinds.directoryUsers, {
    // `groups` is the list's; events carry the user alone (memberships are their own table).
    toEventShape: ({ groups: _groups, ...user }) => user,
    cascades: [writeKinds.membershipsOfUser],
  }),
  connections: entity('connections', connectionsTable, writeKinds.connections),
  users: entity('users', usersTable, writeKinds.users),
  organizationMemberships: entity(
    'organization_memberships',
    organizationMembershipsTable,
    writeKinds.organizationMemberships,
  ),
} as const;
