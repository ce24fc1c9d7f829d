import type { SqlExecutor } from '../../store/sql-executor.js';
import type { WireEvent } from '../../events/index.js';
import { directoryOf } from '../../events/directory-of.js';
import { MirrorEventError } from '../errors.js';
import { eventVersion, snapshotVersion } from '../version.js';
import type { EntityTable } from './entity-tables.js';
import {
  connectionsTable,
  directoriesTable,
  directoryGroupsTable,
  directoryUsersTable,
  organizationDomainsTable,
  organizationMembershipsTable,
  organizationsTable,
  usersTable,
} from './entity-tables.js';
import { mirrorFamilyOf } from './families.js';
import type { MirrorFamily } from './families.js';
import { MirrorWrites, writeKinds } from './mirror-writes.js';
import type { EventWrites, WriteKind } from './mirror-writes.js';
import { entityParams, wireObject } from './wire-values.js';
import type { Derived, WireContext, WireObject } from './wire-values.js';

/** What applying one event did. */
export interface MirrorApplyResult {
  /** False when the event is not one the mirror maintains (nothing was written). */
  applied: boolean;
  family: MirrorFamily | undefined;
}

/** The directory a dsync event belongs to (its rows are locked together on PostgreSQL). */
export { directoryOf };

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
  writes: EventWrites;
  version: string;
  ctx: WireContext;
}

type EntityKinds = { upsert: WriteKind; markDeleted: WriteKind };

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
  const writes = new MirrorWrites();
  const result = collectMirrorEvent(writes, wire, families);
  await writes.flush(tx);
  return result;
}

/**
 * Collect the writes of one event into `writes` without running them (`writes.flush(tx)` applies
 * those of every event collected, as one set: the same rows as applying them one by one). Throws
 * like {@link applyMirrorEvent}, and then collects nothing of this event.
 */
export function collectMirrorEvent(
  writes: MirrorWrites,
  wire: WireEvent,
  families?: ReadonlySet<MirrorFamily>,
): MirrorApplyResult {
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
  const version = eventVersion(wire.created_at, wire.id);
  const ctx: WireContext = { eventId: wire.id, event: wire.event, path: 'data' };
  const data = wireObject(wire.data, ctx);
  writes.collect((eventWrites) => {
    const a: Applying = { writes: eventWrites, version, ctx };
    collectFamily(a, family, wire.event, data);
  });
  return { applied: true, family };
}

function collectFamily(a: Applying, family: MirrorFamily, event: string, data: WireObject): void {
  const action = event.slice(event.lastIndexOf('.') + 1);
  const deleted = action === 'deleted';
  const entity = (
    spec: EntityTable,
    kinds: EntityKinds,
    obj: WireObject,
    derived?: Derived,
  ): string => {
    const params = entityParams(spec, obj, a.version, a.ctx, derived);
    a.writes.add(kinds.upsert, params);
    const id = params[0] as string;
    if (deleted) a.writes.add(kinds.markDeleted, [id, a.version]);
    return id;
  };
  switch (family) {
    case 'organization':
      entity(organizationsTable, writeKinds.organizations, data);
      return;
    case 'organization_domain': {
      const domain =
        action === 'verification_failed'
          ? wireObject(data.organization_domain, { ...a.ctx, path: 'data.organization_domain' })
          : data;
      entity(organizationDomainsTable, writeKinds.organizationDomains, domain);
      return;
    }
    case 'connection':
      entity(connectionsTable, writeKinds.connections, data);
      return;
    case 'user':
      entity(usersTable, writeKinds.users, data);
      return;
    case 'organization_membership':
      entity(organizationMembershipsTable, writeKinds.organizationMemberships, data);
      return;
    case 'dsync':
      a.writes.directory(directoryOf(event, data));
      collectDirectorySync(a, event, data, entity);
      return;
  }
}

type EntityFn = (
  spec: EntityTable,
  kinds: EntityKinds,
  obj: WireObject,
  derived?: Derived,
) => string;

function collectDirectorySync(
  a: Applying,
  event: string,
  data: WireObject,
  entity: EntityFn,
): void {
  const { writes, version } = a;
  switch (event) {
    case 'dsync.activated':
      entity(directoriesTable, writeKinds.directories, data, directoryDerived);
      return;
    case 'dsync.deleted': {
      const id = entity(directoriesTable, writeKinds.directories, data, directoryDerived);
      writes.add(writeKinds.usersOfDirectory, [id, version]);
      writes.add(writeKinds.groupsOfDirectory, [id, version]);
      writes.add(writeKinds.membershipsOfDirectory, [id, version]);
      return;
    }
    case 'dsync.user.created':
    case 'dsync.user.updated':
      entity(directoryUsersTable, writeKinds.directoryUsers, data);
      return;
    case 'dsync.user.deleted': {
      const id = entity(directoryUsersTable, writeKinds.directoryUsers, data);
      writes.add(writeKinds.membershipsOfUser, [id, version]);
      return;
    }
    case 'dsync.group.created':
    case 'dsync.group.updated':
      entity(directoryGroupsTable, writeKinds.directoryGroups, data);
      return;
    case 'dsync.group.deleted': {
      // WorkOS sends no user_removed for the members of a deleted group.
      const id = entity(directoryGroupsTable, writeKinds.directoryGroups, data);
      writes.add(writeKinds.membershipsOfGroup, [id, version]);
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
      writes.add(writeKinds.directoryUsers.upsert, userParams);
      writes.add(writeKinds.directoryGroups.upsert, groupParams);
      writes.add(writeKinds.upsertMembership, [groupId, userId, directoryId, version]);
      if (event === 'dsync.group.user_removed') {
        writes.add(writeKinds.deleteMembership, [groupId, userId, version]);
      }
      return;
    }
  }
}
