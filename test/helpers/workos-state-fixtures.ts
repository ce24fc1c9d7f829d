// WorkOS objects in the wire form its list endpoints send, for the stand-in's state.
import type { StandInState, WireObject } from './workos-api-stand-in-state.js';

/** `2026-03-01T10:MM:SS.000Z` for a number of seconds after 10:00. */
export const at = (seconds: number): string =>
  new Date(Date.UTC(2026, 2, 1, 10, 0, 0) + seconds * 1000).toISOString();

const times = (created: number, updated = created) => ({
  created_at: at(created),
  updated_at: at(updated),
});

export function organization(id: string, updated = 0, extra: WireObject = {}): WireObject {
  return {
    object: 'organization',
    id,
    name: `Org ${id}`,
    allow_profiles_outside_organization: false,
    domains: [
      {
        object: 'organization_domain',
        id: `org_domain_${id}`,
        organization_id: id,
        domain: `${id}.example.com`,
        state: 'verified',
        verification_strategy: 'dns',
        verification_token: 'tok',
        ...times(0, updated),
      },
    ],
    external_id: null,
    metadata: {},
    ...times(0, updated),
    ...extra,
  };
}

export function directory(id: string, organizationId: string, updated = 0): WireObject {
  return {
    object: 'directory',
    id,
    domain: `${organizationId}.example.com`,
    external_key: `key_${id}`,
    name: `Directory ${id}`,
    organization_id: organizationId,
    state: 'linked',
    type: 'okta scim v2.0',
    ...times(0, updated),
  };
}

export function directoryGroup(
  id: string,
  directoryId: string,
  organizationId: string,
  updated = 0,
  extra: WireObject = {},
): WireObject {
  return {
    object: 'directory_group',
    id,
    idp_id: `idp_${id}`,
    directory_id: directoryId,
    organization_id: organizationId,
    name: `Group ${id}`,
    raw_attributes: {},
    ...times(0, updated),
    ...extra,
  };
}

export function directoryUser(
  id: string,
  groups: readonly WireObject[],
  updated = 0,
  extra: WireObject = {},
): WireObject {
  const first = groups[0];
  return {
    object: 'directory_user',
    id,
    idp_id: `idp_${id}`,
    directory_id:
      (extra.directory_id as string | undefined) ?? first?.directory_id ?? 'directory_1',
    organization_id: first?.organization_id ?? 'org_1',
    first_name: 'Ada',
    last_name: `Lovelace ${id}`,
    email: `${id}@example.com`,
    state: 'active',
    role: { slug: 'member' },
    raw_attributes: {},
    custom_attributes: { department: 'Engineering' },
    groups: [...groups],
    ...times(0, updated),
    ...extra,
  };
}

export function connection(id: string, organizationId: string, updated = 0): WireObject {
  return {
    object: 'connection',
    id,
    organization_id: organizationId,
    connection_type: 'OktaSAML',
    name: `Connection ${id}`,
    state: 'active',
    domains: [{ object: 'connection_domain', id: `conn_domain_${id}`, domain: 'example.com' }],
    ...times(0, updated),
  };
}

export function user(id: string, updated = 0, extra: WireObject = {}): WireObject {
  return {
    object: 'user',
    id,
    email: `${id}@example.com`,
    email_verified: true,
    first_name: 'Grace',
    last_name: 'Hopper',
    profile_picture_url: null,
    last_sign_in_at: null,
    locale: null,
    external_id: null,
    metadata: {},
    ...times(0, updated),
    ...extra,
  };
}

export function organizationMembership(
  id: string,
  userId: string,
  organizationId: string,
  updated = 0,
  extra: WireObject = {},
): WireObject {
  return {
    object: 'organization_membership',
    id,
    user_id: userId,
    organization_id: organizationId,
    organization_name: `Org ${organizationId}`,
    status: 'active',
    role: { slug: 'member' },
    directory_managed: false,
    custom_attributes: {},
    ...times(0, updated),
    ...extra,
  };
}

/**
 * A small environment: two organizations, a directory with `users` users in `groups` groups
 * (user i in group i mod groups, and users 1, 5, 9 … also in group 0), connections, AuthKit
 * users and their memberships.
 */
export function sampleState(options: { users?: number; groups?: number } = {}): StandInState {
  const userCount = options.users ?? 12;
  const groupCount = options.groups ?? 3;
  const groups = Array.from({ length: groupCount }, (_, i) =>
    directoryGroup(`directory_group_${i}`, 'directory_1', 'org_1'),
  );
  const directoryUsers = Array.from({ length: userCount }, (_, i) => {
    const own = [groups[i % groupCount]!];
    if (i % 4 === 1 && i % groupCount !== 0) own.push(groups[0]!);
    return directoryUser(`directory_user_${String(i).padStart(6, '0')}`, own);
  });
  return {
    organizations: [organization('org_1'), organization('org_2')],
    directories: [directory('directory_1', 'org_1'), directory('directory_2', 'org_2')],
    directoryUsers,
    directoryGroups: groups,
    connections: [connection('conn_1', 'org_1'), connection('conn_2', 'org_2')],
    users: [user('user_1'), user('user_2'), user('user_3')],
    organizationMemberships: [
      organizationMembership('om_1', 'user_1', 'org_1'),
      organizationMembership('om_2', 'user_2', 'org_1'),
      organizationMembership('om_3', 'user_3', 'org_2'),
    ],
  };
}
