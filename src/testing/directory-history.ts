import type { WireEvent } from '../events/index.js';
import { mulberry32 } from './seeded-random.js';
import { scimGroup } from './sample-values.js';

/** Options of {@link generateDirectoryHistory}. All sizes are per parent. */
export interface DirectoryHistoryOptions {
  /** Same seed, same history. @defaultValue 1 */
  seed?: number;
  /** @defaultValue 2 */
  organizations?: number;
  /** @defaultValue 1 */
  directoriesPerOrganization?: number;
  /** Directory users created when each directory starts. @defaultValue 12 */
  usersPerDirectory?: number;
  /** @defaultValue 3 */
  groupsPerDirectory?: number;
  /** AuthKit users (with an organization membership) per organization. @defaultValue 3 */
  authkitUsersPerOrganization?: number;
  /**
   * Stop after about this many events (the initial build of every organization and directory
   * is always emitted, then random changes until the count is reached).
   * @defaultValue twice the size of the initial build
   */
  events?: number;
  /** Time of the first event. @defaultValue 2026-01-05T09:00:00.000Z */
  start?: Date;
  /** Delete this many directories (`dsync.deleted`) along the way. @defaultValue 1 */
  deletedDirectories?: number;
}

/** A wire object (snake_case) as the WorkOS API and events carry it. */
export type WireRecord = Record<string, unknown>;

/** The live (not deleted) state the history ends in, as the WorkOS API would return it. */
export interface DirectoryHistoryFinalState {
  organizations: Map<string, WireRecord>;
  organizationDomains: Map<string, WireRecord>;
  directories: Map<string, WireRecord>;
  directoryUsers: Map<string, WireRecord>;
  directoryGroups: Map<string, WireRecord>;
  /** `${groupId} ${userId}` of live memberships. */
  groupMemberships: Set<string>;
  connections: Map<string, WireRecord>;
  users: Map<string, WireRecord>;
  organizationMemberships: Map<string, WireRecord>;
}

export interface DirectoryHistory {
  /** Events in the order they happened: `created_at` never decreases, ids increase. */
  events: WireEvent[];
  final: DirectoryHistoryFinalState;
}

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(value: number, length: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < length; i++) {
    out = crockford[v % 32]! + out;
    v = Math.floor(v / 32);
  }
  return out;
}

const firstNames = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Ken',
  'Radia',
  'Linus',
  'Frances',
  'Donald',
];
const lastNames = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Thompson',
  'Perlman',
  'Torvalds',
  'Allen',
  'Knuth',
];
const departments = ['Engineering', 'Sales', 'Finance', 'Design', 'Support'];
const groupNames = [
  'Admins',
  'Engineering',
  'Sales',
  'Finance',
  'Design',
  'Support',
  'Managers',
  'Contractors',
];

/**
 * A realistic, deterministic history of WorkOS events for organizations, their domains, SSO
 * connections, AuthKit users and memberships, and directories with users (created, updated,
 * inactivated, deleted), groups (created, updated, deleted) and group memberships.
 * Used by the mirror's tests and benchmark and by `workos-inbox trigger --scenario directory-sync`.
 */
export function generateDirectoryHistory(options: DirectoryHistoryOptions = {}): DirectoryHistory {
  const rand = mulberry32(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  let now = (options.start ?? new Date('2026-01-05T09:00:00.000Z')).getTime();
  let counter = 0;
  const events: WireEvent[] = [];
  const final: DirectoryHistoryFinalState = {
    organizations: new Map(),
    organizationDomains: new Map(),
    directories: new Map(),
    directoryUsers: new Map(),
    directoryGroups: new Map(),
    groupMemberships: new Set(),
    connections: new Map(),
    users: new Map(),
    organizationMemberships: new Map(),
  };

  const newId = (prefix: string): string => `${prefix}_${base32(now, 10)}${base32(++counter, 16)}`;
  const timestamp = (): string => new Date(now).toISOString();
  const emit = (event: string, data: WireRecord): void => {
    // Mostly a new millisecond; sometimes the same one, so versions must fall back to the id.
    now += rand() < 0.1 ? 0 : 1 + Math.floor(rand() * 1500);
    const createdAt = timestamp();
    events.push({
      object: 'event',
      id: newId('event'),
      event,
      data: structuredClone(data),
      // WorkOS's docs sample uses a space and no zone; the SDK fixture uses ISO. Send both.
      created_at: rand() < 0.1 ? createdAt.replace('T', ' ').replace('Z', '') : createdAt,
    });
  };
  const touch = (obj: WireRecord): void => {
    obj.updated_at = new Date(now + 1).toISOString();
  };
  const person = (): { first: string; last: string } => ({
    first: pick(firstNames),
    last: pick(lastNames),
  });

  const orgCount = options.organizations ?? 2;
  const dirsPerOrg = options.directoriesPerOrganization ?? 1;
  const usersPerDir = options.usersPerDirectory ?? 12;
  const groupsPerDir = options.groupsPerDirectory ?? 3;
  const authkitPerOrg = options.authkitUsersPerOrganization ?? 3;

  // Each directory's live users and groups, for picking targets of random changes.
  const dirUsers = new Map<string, string[]>();
  const dirGroups = new Map<string, string[]>();

  const addDirectoryUser = (dir: WireRecord): void => {
    const { first, last } = person();
    const id = newId('directory_user');
    const email = `${first}.${last}.${counter}@${String(dir.domain_name)}`.toLowerCase();
    const user: WireRecord = {
      object: 'directory_user',
      id,
      directory_id: dir.id,
      organization_id: dir.organization_id,
      idp_id: `idp_${counter}`,
      email,
      first_name: first,
      last_name: last,
      state: 'active',
      raw_attributes: { userName: email, active: true },
      custom_attributes: { department: pick(departments) },
      role: { slug: 'member' },
      created_at: new Date(now + 1).toISOString(),
      updated_at: new Date(now + 1).toISOString(),
    };
    emit('dsync.user.created', user);
    final.directoryUsers.set(id, user);
    dirUsers.get(String(dir.id))!.push(id);
  };

  const addGroup = (dir: WireRecord): void => {
    const id = newId('directory_group');
    const name = `${pick(groupNames)} ${counter}`;
    const group: WireRecord = {
      object: 'directory_group',
      id,
      idp_id: `idp_group_${counter}`,
      directory_id: dir.id,
      organization_id: dir.organization_id,
      name,
      created_at: new Date(now + 1).toISOString(),
      updated_at: new Date(now + 1).toISOString(),
      // The IdP's SCIM Group, as WorkOS passes it on: created empty, its members added by the
      // dsync.group.user_added events that follow.
      raw_attributes: scimGroup(name, []),
    };
    emit('dsync.group.created', group);
    final.directoryGroups.set(id, group);
    dirGroups.get(String(dir.id))!.push(id);
  };

  // Live memberships indexed both ways, so deleting a user or group does not scan them all.
  const groupsOfUser = new Map<string, Set<string>>();
  const usersOfGroup = new Map<string, Set<string>>();
  const link = (groupId: string, userId: string, on: boolean): void => {
    const key = `${groupId} ${userId}`;
    if (on) {
      final.groupMemberships.add(key);
      if (!groupsOfUser.has(userId)) groupsOfUser.set(userId, new Set());
      if (!usersOfGroup.has(groupId)) usersOfGroup.set(groupId, new Set());
      groupsOfUser.get(userId)!.add(groupId);
      usersOfGroup.get(groupId)!.add(userId);
    } else {
      final.groupMemberships.delete(key);
      groupsOfUser.get(userId)?.delete(groupId);
      usersOfGroup.get(groupId)?.delete(userId);
    }
  };

  const membership = (dirId: string, added: boolean, groupId: string, userId: string): void => {
    if (added === final.groupMemberships.has(`${groupId} ${userId}`)) return;
    emit(added ? 'dsync.group.user_added' : 'dsync.group.user_removed', {
      directory_id: dirId,
      user: final.directoryUsers.get(userId),
      group: final.directoryGroups.get(groupId),
    });
    link(groupId, userId, added);
  };

  const updated = (event: string, obj: WireRecord, change: (o: WireRecord) => WireRecord): void => {
    const previous = change(obj);
    touch(obj);
    emit(event, { ...obj, previous_attributes: previous });
  };

  const deleteDirectoryUser = (dirId: string, userId: string): void => {
    const user = final.directoryUsers.get(userId)!;
    emit('dsync.user.deleted', user);
    final.directoryUsers.delete(userId);
    dirUsers.set(
      dirId,
      dirUsers.get(dirId)!.filter((u) => u !== userId),
    );
    for (const g of [...(groupsOfUser.get(userId) ?? [])]) link(g, userId, false);
  };

  const deleteGroup = (dirId: string, groupId: string): void => {
    emit('dsync.group.deleted', final.directoryGroups.get(groupId)!);
    final.directoryGroups.delete(groupId);
    dirGroups.set(
      dirId,
      dirGroups.get(dirId)!.filter((g) => g !== groupId),
    );
    for (const u of [...(usersOfGroup.get(groupId) ?? [])]) link(groupId, u, false);
  };

  const deleteDirectory = (dirId: string): void => {
    const dir = final.directories.get(dirId)!;
    const { domains: _domains, external_key: _key, domain_name: _name, ...rest } = dir;
    emit('dsync.deleted', { ...rest, state: 'deleting' });
    final.directories.delete(dirId);
    for (const u of dirUsers.get(dirId)!) final.directoryUsers.delete(u);
    for (const g of dirGroups.get(dirId)!) {
      final.directoryGroups.delete(g);
      for (const u of [...(usersOfGroup.get(g) ?? [])]) link(g, u, false);
    }
    dirUsers.delete(dirId);
    dirGroups.delete(dirId);
  };

  const orgIds: string[] = [];
  for (let o = 0; o < orgCount; o++) {
    const orgId = newId('org');
    const domainName = `company${o + 1}-${counter}.example.com`;
    const stamp = new Date(now + 1).toISOString();
    const domain: WireRecord = {
      object: 'organization_domain',
      id: newId('org_domain'),
      domain: domainName,
      organization_id: orgId,
      state: 'pending',
      verification_strategy: 'dns',
      verification_token: `token${counter}`,
      created_at: stamp,
      updated_at: stamp,
    };
    const org: WireRecord = {
      object: 'organization',
      id: orgId,
      name: `Company ${o + 1}`,
      allow_profiles_outside_organization: false,
      domains: [domain],
      created_at: stamp,
      updated_at: stamp,
      external_id: null,
      metadata: {},
    };
    emit('organization.created', org);
    final.organizations.set(orgId, org);
    orgIds.push(orgId);
    emit('organization_domain.created', domain);
    final.organizationDomains.set(String(domain.id), domain);
    domain.state = 'verified';
    touch(domain);
    emit('organization_domain.verified', domain);

    const connection: WireRecord = {
      object: 'connection',
      id: newId('conn'),
      organization_id: orgId,
      name: `Company ${o + 1} SAML`,
      connection_type: pick(['OktaSAML', 'AzureSAML', 'GoogleSAML']),
      state: 'active',
      domains: [{ object: 'connection_domain', id: newId('conn_domain'), domain: domainName }],
      created_at: new Date(now + 1).toISOString(),
      updated_at: new Date(now + 1).toISOString(),
    };
    emit('connection.activated', connection);
    final.connections.set(String(connection.id), connection);

    for (let u = 0; u < authkitPerOrg; u++) {
      const { first, last } = person();
      const user: WireRecord = {
        object: 'user',
        id: newId('user'),
        email: `${first}.${last}.${counter}@${domainName}`.toLowerCase(),
        email_verified: rand() < 0.8,
        profile_picture_url: null,
        first_name: first,
        last_name: last,
        name: `${first} ${last}`,
        last_sign_in_at: null,
        locale: null,
        created_at: new Date(now + 1).toISOString(),
        updated_at: new Date(now + 1).toISOString(),
        external_id: null,
        metadata: {},
      };
      emit('user.created', user);
      final.users.set(String(user.id), user);
      const om: WireRecord = {
        object: 'organization_membership',
        id: newId('om'),
        organization_id: orgId,
        organization_name: org.name,
        status: 'active',
        user_id: user.id,
        directory_managed: false,
        role: { slug: u === 0 ? 'admin' : 'member' },
        created_at: new Date(now + 1).toISOString(),
        updated_at: new Date(now + 1).toISOString(),
        custom_attributes: {},
      };
      emit('organization_membership.created', om);
      final.organizationMemberships.set(String(om.id), om);
    }

    for (let d = 0; d < dirsPerOrg; d++) {
      const dir: WireRecord = {
        object: 'directory',
        id: newId('directory'),
        external_key: `key${counter}`,
        type: 'okta scim v2.0',
        state: 'active',
        name: `Company ${o + 1} Okta ${d + 1}`,
        organization_id: orgId,
        domains: [{ object: 'organization_domain', id: domain.id, domain: domainName }],
        created_at: new Date(now + 1).toISOString(),
        updated_at: new Date(now + 1).toISOString(),
      };
      emit('dsync.activated', dir);
      final.directories.set(String(dir.id), dir);
      // Not part of the wire object: remembered for e-mail addresses, removed before sending.
      Object.defineProperty(dir, 'domain_name', { value: domainName, enumerable: false });
      dirUsers.set(String(dir.id), []);
      dirGroups.set(String(dir.id), []);
      // WorkOS sends a group's users first, then the group, then the memberships.
      for (let u = 0; u < usersPerDir; u++) addDirectoryUser(dir);
      for (let g = 0; g < groupsPerDir; g++) addGroup(dir);
      const groups = dirGroups.get(String(dir.id))!;
      for (const userId of dirUsers.get(String(dir.id))!) {
        for (const groupId of groups)
          if (rand() < 0.4) membership(String(dir.id), true, groupId, userId);
      }
    }
  }

  const target = options.events ?? events.length * 2;
  let directoriesToDelete = options.deletedDirectories ?? 1;
  const deleteEvery = Math.max(1, Math.floor((target - events.length) / (directoriesToDelete + 1)));
  let nextDirectoryDeletion = events.length + deleteEvery;
  let guard = 0;
  while (events.length < target && guard++ < target * 20) {
    const liveDirs = [...dirUsers.keys()];
    if (directoriesToDelete > 0 && events.length >= nextDirectoryDeletion && liveDirs.length > 1) {
      deleteDirectory(pick(liveDirs));
      directoriesToDelete--;
      nextDirectoryDeletion += deleteEvery;
      continue;
    }
    const r = rand();
    if (liveDirs.length > 0 && r < 0.8) {
      const dirId = pick(liveDirs);
      const dir = final.directories.get(dirId)!;
      const users = dirUsers.get(dirId)!;
      const groups = dirGroups.get(dirId)!;
      const s = rand();
      if (s < 0.15 || users.length === 0) addDirectoryUser(dir);
      else if (s < 0.3) {
        updated('dsync.user.updated', final.directoryUsers.get(pick(users))!, (u) => {
          const previous = { last_name: u.last_name };
          u.last_name = pick(lastNames);
          return previous;
        });
      } else if (s < 0.38) {
        const user = final.directoryUsers.get(pick(users))!;
        // Soft-deleted users arrive as an update to inactive; they stay, as inactive.
        updated('dsync.user.updated', user, (u) => {
          const previous = { state: u.state };
          u.state = u.state === 'active' ? 'inactive' : 'active';
          return previous;
        });
      } else if (s < 0.45) deleteDirectoryUser(dirId, pick(users));
      else if (s < 0.5 || groups.length === 0) addGroup(dir);
      else if (s < 0.55) {
        updated('dsync.group.updated', final.directoryGroups.get(pick(groups))!, (g) => {
          const previous = { name: g.name };
          g.name = `${pick(groupNames)} ${counter}`;
          g.raw_attributes = { ...(g.raw_attributes as object), displayName: g.name };
          return previous;
        });
      } else if (s < 0.58 && groups.length > 1) deleteGroup(dirId, pick(groups));
      else {
        const groupId = pick(groups);
        const userId = pick(users);
        membership(dirId, !final.groupMemberships.has(`${groupId} ${userId}`), groupId, userId);
      }
    } else {
      const s = rand();
      if (s < 0.3) {
        updated('organization.updated', final.organizations.get(pick(orgIds))!, (o) => {
          const previous = { name: o.name };
          o.name = `${String(o.name).split(' (')[0]} (${counter})`;
          return previous;
        });
      } else if (s < 0.45 && final.connections.size > 0) {
        const conn = pick([...final.connections.values()]);
        conn.state = conn.state === 'active' ? 'inactive' : 'active';
        touch(conn);
        emit(conn.state === 'active' ? 'connection.activated' : 'connection.deactivated', conn);
      } else if (s < 0.7 && final.users.size > 0) {
        updated('user.updated', pick([...final.users.values()]), (u) => {
          const previous = { email_verified: u.email_verified };
          u.email_verified = !u.email_verified;
          return previous;
        });
      } else if (s < 0.85 && final.organizationMemberships.size > 0) {
        const om = pick([...final.organizationMemberships.values()]);
        om.status = om.status === 'active' ? 'inactive' : 'active';
        touch(om);
        emit('organization_membership.updated', om);
      } else if (final.users.size > 1) {
        const user = pick([...final.users.values()]);
        for (const om of [...final.organizationMemberships.values()]) {
          if (om.user_id === user.id) {
            emit('organization_membership.deleted', om);
            final.organizationMemberships.delete(String(om.id));
          }
        }
        emit('user.deleted', user);
        final.users.delete(String(user.id));
      }
    }
  }
  return { events, final };
}
