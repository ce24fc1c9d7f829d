import type { SqlExecutor } from '../../store/sql-executor.js';
import type { WireEvent } from '../../events/index.js';
import { MirrorEventError } from '../errors.js';
import { eventVersion, snapshotVersion } from '../version.js';
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
import { mirrorFamilyOf } from './families.js';
import { runStatement } from './run-statement.js';
import {
  membershipPostgresSql,
  deleteMembershipSql,
  upsertMembershipSql,
} from './membership-sql.js';
import type { MirrorFamily } from './families.js';
import { entityParams, wireObject } from './wire-values.js';
import type { Derived, WireContext, WireObject } from './wire-values.js';

/** What applying one event did. */
export interface MirrorApplyResult {
  /** False when the event is not one the mirror maintains (nothing was written). */
  applied: boolean;
  family: MirrorFamily | undefined;
}

const sql = {
  organizations: buildEntitySql(organizationsTable),
  organizationDomains: buildEntitySql(organizationDomainsTable),
  directories: buildEntitySql(directoriesTable),
  directoryUsers: buildEntitySql(directoryUsersTable),
  directoryGroups: buildEntitySql(directoryGroupsTable),
  connections: buildEntitySql(connectionsTable),
  users: buildEntitySql(usersTable),
  organizationMemberships: buildEntitySql(organizationMembershipsTable),
};

// The dsync rules span rows (a deletion cascades to children; a child is born deleted when its
// parent is). Under READ COMMITTED two concurrent transactions could each miss the other's
// uncommitted rows, so on PostgreSQL the events of one directory take a transaction-scoped
// advisory lock and apply one at a time; other directories and families stay concurrent.
// (SQLite has one writer at a time already.)
/** PostgreSQL: serialize writes to one directory's rows (params: directory id). */
export const lockDirectorySql = `SELECT pg_advisory_xact_lock(1835627634, hashtext($1)) AS locked`;

function directoryOf(event: string, data: WireObject): string {
  if (event === 'dsync.activated' || event === 'dsync.deleted') return String(data.id ?? '');
  if (typeof data.directory_id === 'string') return data.directory_id;
  const group = data.group as WireObject | undefined;
  return typeof group?.directory_id === 'string' ? group.directory_id : '';
}

const cascade = {
  usersOfDirectory: buildCascadeSql(directoryUsersTable.table, 'directory_id'),
  groupsOfDirectory: buildCascadeSql(directoryGroupsTable.table, 'directory_id'),
  membershipsOfDirectory: buildCascadeSql(groupMembershipsTable, 'directory_id'),
  membershipsOfGroup: buildCascadeSql(groupMembershipsTable, 'group_id'),
  membershipsOfUser: buildCascadeSql(groupMembershipsTable, 'user_id'),
};

// The list/get API has `domain`; directory events carry `domains` instead.
const directoryDerived: Derived = {
  domain: (obj) => {
    if (typeof obj.domain === 'string') return obj.domain;
    const first: unknown = Array.isArray(obj.domains) ? obj.domains[0] : undefined;
    if (typeof first === 'object' && first !== null) {
      const domain = (first as WireObject).domain;
      if (typeof domain === 'string') return domain;
    }
    return null;
  },
};

interface Applying {
  tx: SqlExecutor;
  version: string;
  ctx: WireContext;
}

async function upsert(
  a: Applying,
  spec: EntityTable,
  statements: { upsert: string },
  obj: WireObject,
  path: string,
  derived?: Derived,
): Promise<string> {
  const ctx = { ...a.ctx, path };
  const params = entityParams(spec, obj, a.version, ctx, derived);
  await runStatement(a.tx, statements.upsert, params);
  return params[0] as string;
}

/**
 * Apply one WorkOS event (as parsed from the raw body, snake_case) to the mirror tables, inside
 * the caller's transaction. Order- and duplicate-proof: applying any permutation of a set of
 * events, each any number of times, leaves the same rows (see docs/mirror.md for the rules).
 * Events the mirror does not maintain are ignored (`applied: false`).
 *
 * @throws MirrorEventError when the envelope's `created_at` or the data is malformed.
 */
export async function applyMirrorEvent(
  tx: SqlExecutor,
  wire: WireEvent,
  families?: ReadonlySet<MirrorFamily>,
): Promise<MirrorApplyResult> {
  const family = mirrorFamilyOf(wire.event);
  if (!family || (families && !families.has(family))) return { applied: false, family };
  if (typeof wire.id !== 'string' || wire.id === '') {
    throw new MirrorEventError('invalid_event_data', `${wire.event}: event id is missing`);
  }
  if (typeof wire.created_at !== 'string') {
    throw new MirrorEventError(
      'invalid_created_at',
      `${wire.event} ${wire.id}: created_at must be a string`,
      wire.id,
    );
  }
  const a: Applying = {
    tx,
    version: eventVersion(wire.created_at, wire.id),
    ctx: { eventId: wire.id, event: wire.event, path: 'data' },
  };
  const data = wireObject(wire.data, a.ctx);
  const action = wire.event.slice(wire.event.lastIndexOf('.') + 1);
  const deleted = action === 'deleted';

  const entity = async (
    spec: EntityTable,
    statements: { upsert: string; markDeleted: string },
    obj: WireObject,
    path: string,
    derived?: Derived,
  ): Promise<string> => {
    const id = await upsert(a, spec, statements, obj, path, derived);
    if (deleted) await runStatement(tx, statements.markDeleted, [id, a.version]);
    return id;
  };

  switch (family) {
    case 'organization':
      await entity(organizationsTable, sql.organizations, data, 'data');
      break;
    case 'organization_domain': {
      const domain =
        action === 'verification_failed'
          ? wireObject(data.organization_domain, { ...a.ctx, path: 'data.organization_domain' })
          : data;
      await entity(organizationDomainsTable, sql.organizationDomains, domain, 'data');
      break;
    }
    case 'connection':
      await entity(connectionsTable, sql.connections, data, 'data');
      break;
    case 'user':
      await entity(usersTable, sql.users, data, 'data');
      break;
    case 'organization_membership':
      await entity(organizationMembershipsTable, sql.organizationMemberships, data, 'data');
      break;
    case 'dsync':
      await applyDirectorySync(a, wire.event, data, entity);
      break;
  }
  return { applied: true, family };
}

type EntityFn = (
  spec: EntityTable,
  statements: { upsert: string; markDeleted: string },
  obj: WireObject,
  path: string,
  derived?: Derived,
) => Promise<string>;

async function applyDirectorySync(
  a: Applying,
  event: string,
  data: WireObject,
  entity: EntityFn,
): Promise<void> {
  const { tx, version } = a;
  if (tx.dialect === 'postgres')
    await runStatement(tx, lockDirectorySql, [directoryOf(event, data)]);
  switch (event) {
    case 'dsync.activated':
      await entity(directoriesTable, sql.directories, data, 'data', directoryDerived);
      return;
    case 'dsync.deleted': {
      const id = await entity(directoriesTable, sql.directories, data, 'data', directoryDerived);
      await runStatement(tx, cascade.usersOfDirectory, [id, version]);
      await runStatement(tx, cascade.groupsOfDirectory, [id, version]);
      await runStatement(tx, cascade.membershipsOfDirectory, [id, version]);
      return;
    }
    case 'dsync.user.created':
    case 'dsync.user.updated':
      await entity(directoryUsersTable, sql.directoryUsers, data, 'data');
      return;
    case 'dsync.user.deleted': {
      const id = await entity(directoryUsersTable, sql.directoryUsers, data, 'data');
      await runStatement(tx, cascade.membershipsOfUser, [id, version]);
      return;
    }
    case 'dsync.group.created':
    case 'dsync.group.updated':
      await entity(directoryGroupsTable, sql.directoryGroups, data, 'data');
      return;
    case 'dsync.group.deleted': {
      // WorkOS sends no user_removed for the members of a deleted group.
      const id = await entity(directoryGroupsTable, sql.directoryGroups, data, 'data');
      await runStatement(tx, cascade.membershipsOfGroup, [id, version]);
      return;
    }
    case 'dsync.group.user_added':
    case 'dsync.group.user_removed': {
      const user = wireObject(data.user, { ...a.ctx, path: 'data.user' });
      const group = wireObject(data.group, { ...a.ctx, path: 'data.group' });
      // The user and group the event carries only fill gaps: their version ranks below every
      // event of their own (see snapshotVersion), so they never rewrite a row those wrote.
      const snapshot = snapshotVersion(version);
      const userParams = entityParams(directoryUsersTable, user, snapshot, {
        ...a.ctx,
        path: 'data.user',
      });
      const groupParams = entityParams(directoryGroupsTable, group, snapshot, {
        ...a.ctx,
        path: 'data.group',
      });
      const userId = userParams[0] as string;
      const groupId = groupParams[0] as string;
      const directoryId =
        typeof data.directory_id === 'string'
          ? data.directory_id
          : typeof group.directory_id === 'string'
            ? group.directory_id
            : null;
      const membership = [groupId, userId, directoryId, version];
      if (tx.dialect === 'postgres') {
        await runStatement(tx, membershipPostgresSql, [
          ...userParams,
          ...groupParams,
          ...membership,
        ]);
      } else {
        await runStatement(tx, sql.directoryUsers.upsert, userParams);
        await runStatement(tx, sql.directoryGroups.upsert, groupParams);
        await runStatement(tx, upsertMembershipSql, membership);
      }
      if (event === 'dsync.group.user_removed') {
        await runStatement(tx, deleteMembershipSql, [groupId, userId, version]);
      }
      return;
    }
  }
}
