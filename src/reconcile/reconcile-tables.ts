import { buildCascadeSql, buildEntitySql } from '../mirror/apply/entity-sql.js';
import type { EntitySql } from '../mirror/apply/entity-sql.js';
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
} from '../mirror/apply/entity-tables.js';
import type { EntityTable } from '../mirror/apply/entity-tables.js';
import type { Derived } from '../mirror/apply/wire-values.js';
import type { WireObject } from './list-pages.js';

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

/** How objects of one list become rows of one mirror table. */
export interface ReconcileEntity {
  name: ReconcileTableName;
  spec: EntityTable;
  sql: EntitySql;
  derived?: Derived;
  /** The object as an event would carry it (the mirror stores events' vocabulary). */
  toEventShape?: (obj: WireObject) => WireObject;
  /** Child rows to tombstone with a row of this table: `buildCascadeSql` statements. */
  cascades: readonly string[];
}

// The REST API says linked/unlinked where events (and so the mirror's rows) say active/inactive;
// the mirror's read API maps them back.
const eventDirectoryState: Record<string, string> = { linked: 'active', unlinked: 'inactive' };

const entity = (
  name: ReconcileTableName,
  spec: EntityTable,
  extra: Partial<Pick<ReconcileEntity, 'derived' | 'toEventShape' | 'cascades'>> = {},
): ReconcileEntity => ({ name, spec, sql: buildEntitySql(spec), cascades: [], ...extra });

export const reconcileEntities = {
  organizations: entity('organizations', organizationsTable),
  organizationDomains: entity('organization_domains', organizationDomainsTable),
  directories: entity('directories', directoriesTable, {
    // Events carry `domains`; the list API carries `domain` (a column either way).
    derived: { domain: (obj) => (typeof obj.domain === 'string' ? obj.domain : null) },
    toEventShape: (obj) =>
      typeof obj.state === 'string' && obj.state in eventDirectoryState
        ? { ...obj, state: eventDirectoryState[obj.state] }
        : obj,
    cascades: [
      buildCascadeSql(directoryUsersTable.table, 'directory_id'),
      buildCascadeSql(directoryGroupsTable.table, 'directory_id'),
      buildCascadeSql(groupMembershipsTable, 'directory_id'),
    ],
  }),
  directoryGroups: entity('directory_groups', directoryGroupsTable, {
    cascades: [buildCascadeSql(groupMembershipsTable, 'group_id')],
  }),
  directoryUsers: entity('directory_users', directoryUsersTable, {
    // `groups` is the list's; events carry the user alone (memberships are their own table).
    toEventShape: ({ groups: _groups, ...user }) => user,
    cascades: [buildCascadeSql(groupMembershipsTable, 'user_id')],
  }),
  connections: entity('connections', connectionsTable),
  users: entity('users', usersTable),
  organizationMemberships: entity('organization_memberships', organizationMembershipsTable),
} as const;
