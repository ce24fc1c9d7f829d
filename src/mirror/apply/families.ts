/**
 * Event families the mirror maintains, named by event prefix. `dsync` covers directories, their
 * users, groups and group memberships together: their rules depend on each other.
 */
export const mirrorFamilies = [
  'organization',
  'organization_domain',
  'dsync',
  'connection',
  'user',
  'organization_membership',
] as const;
export type MirrorFamily = (typeof mirrorFamilies)[number];

/** Every event name the mirror applies, by family. */
export const mirrorEventsByFamily: Readonly<Record<MirrorFamily, readonly string[]>> = {
  organization: ['organization.created', 'organization.updated', 'organization.deleted'],
  organization_domain: [
    'organization_domain.created',
    'organization_domain.updated',
    'organization_domain.verified',
    'organization_domain.verification_failed',
    'organization_domain.deleted',
  ],
  dsync: [
    'dsync.activated',
    'dsync.deleted',
    'dsync.user.created',
    'dsync.user.updated',
    'dsync.user.deleted',
    'dsync.group.created',
    'dsync.group.updated',
    'dsync.group.deleted',
    'dsync.group.user_added',
    'dsync.group.user_removed',
  ],
  connection: ['connection.activated', 'connection.deactivated', 'connection.deleted'],
  user: ['user.created', 'user.updated', 'user.deleted'],
  organization_membership: [
    'organization_membership.created',
    'organization_membership.updated',
    'organization_membership.deleted',
  ],
};

const familyOfEvent = new Map<string, MirrorFamily>(
  mirrorFamilies.flatMap((family) => mirrorEventsByFamily[family].map((e) => [e, family])),
);

/** The family an event belongs to, or undefined when the mirror ignores it. */
export function mirrorFamilyOf(eventName: string): MirrorFamily | undefined {
  return familyOfEvent.get(eventName);
}
