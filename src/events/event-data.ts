// The deserialized `data` of each event (camelCase), as SDK 11.0.0 types it. Where the SDK says
// `any` (raw attributes, previous attributes) we say `Record<string, unknown>`.
import type { DirectoryState, SessionAuthMethod, WireRoleRef } from './wire-data.js';

export type { DirectoryState, SessionAuthMethod };
export type RoleRef = WireRoleRef;

export type AuthenticationEventData = {
  email: string | null;
  error?: { code: string; message: string };
  ipAddress: string | null;
  sso?: { connectionId: string; organizationId: string; sessionId?: string };
  status: 'failed' | 'succeeded';
  /** `passkey` is sent for `authentication.passkey_*` although SDK 11.0.0's type lacks it. */
  type: 'sso' | 'password' | 'oauth' | 'mfa' | 'magic_auth' | 'email_verification' | 'passkey';
  userAgent: string | null;
  userId: string | null;
};

export type AuthenticationRadarRiskDetectedData = {
  authMethod: string;
  action: 'signup' | 'login';
  control: string | null;
  blocklistType: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  userId: string;
  email: string;
};

export type ConnectionData = {
  object: 'connection';
  id: string;
  organizationId?: string;
  name: string;
  /** `connection_type` on the wire, e.g. `OktaSAML`. */
  type: string;
  state: 'draft' | 'active' | 'inactive' | 'validating';
  domains: { object: 'connection_domain'; id: string; domain: string }[];
  createdAt: string;
  updatedAt: string;
};

export type DirectoryData = {
  object: 'directory';
  id: string;
  externalKey: string;
  type: string;
  /** Passed through as sent (the SDK does not map `linked`/`unlinked` for events). */
  state: DirectoryState;
  name: string;
  organizationId?: string;
  domains: { object: 'organization_domain'; id: string; domain: string }[];
  createdAt: string;
  updatedAt: string;
};

export type DeletedDirectoryData = Omit<DirectoryData, 'domains' | 'externalKey'>;

/** A directory group. The SDK's group has no `object` field. */
export type DirectoryGroupData = {
  id: string;
  idpId: string;
  directoryId: string;
  organizationId: string | null;
  name: string;
  createdAt: string;
  updatedAt: string;
  rawAttributes: Record<string, unknown>;
};

export type DirectoryUserData = {
  object: 'directory_user';
  id: string;
  directoryId: string;
  organizationId: string | null;
  rawAttributes: Record<string, unknown>;
  customAttributes: Record<string, unknown>;
  idpId: string;
  firstName: string | null;
  email: string | null;
  lastName: string | null;
  state: 'active' | 'inactive';
  role?: RoleRef;
  roles?: RoleRef[];
  createdAt: string;
  updatedAt: string;
};

/** `*.updated` directory events: `previousAttributes` is the raw (snake_case) diff. */
export type PreviousAttributes = {
  previousAttributes: Record<string, unknown>;
};

export type DirectoryGroupMembershipData = {
  directoryId: string;
  user: DirectoryUserData;
  group: DirectoryGroupData;
};

export type EmailVerificationData = {
  object: 'email_verification';
  id: string;
  userId: string;
  email: string;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
};

export type InvitationData = {
  object: 'invitation';
  id: string;
  email: string;
  state: 'pending' | 'accepted' | 'expired' | 'revoked';
  acceptedAt: string | null;
  revokedAt: string | null;
  expiresAt: string;
  organizationId: string | null;
  inviterUserId: string | null;
  acceptedUserId: string | null;
  roleSlug: string | null;
  createdAt: string;
  updatedAt: string;
};

export type MagicAuthData = {
  object: 'magic_auth';
  id: string;
  userId: string;
  email: string;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
};

export type PasswordResetData = {
  object: 'password_reset';
  id: string;
  userId: string;
  email: string;
  expiresAt: string;
  createdAt: string;
};

export type UserData = {
  object: 'user';
  id: string;
  email: string;
  emailVerified: boolean;
  profilePictureUrl: string | null;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  lastSignInAt: string | null;
  locale: string | null;
  createdAt: string;
  updatedAt: string;
  externalId: string | null;
  metadata: Record<string, string>;
};

export type OrganizationMembershipData = {
  object: 'organization_membership';
  id: string;
  userId: string;
  organizationId: string;
  organizationName: string;
  status: 'active' | 'inactive' | 'pending';
  directoryManaged: boolean;
  createdAt: string;
  updatedAt: string;
  role: RoleRef;
  roles?: RoleRef[];
  customAttributes: Record<string, unknown>;
};

export type RoleData = {
  object: 'role';
  slug: string;
  resourceTypeSlug: string;
  permissions: string[];
  createdAt: string;
  updatedAt: string;
};

export type OrganizationRoleData = {
  object: 'organization_role';
  organizationId: string;
  slug: string;
  name: string;
  description: string | null;
  resourceTypeSlug: string;
  permissions: string[];
  createdAt: string;
  updatedAt: string;
};

export type PermissionData = {
  object: 'permission';
  id: string;
  slug: string;
  name: string;
  description: string | null;
  resourceTypeSlug: string;
  system: boolean;
  createdAt: string;
  updatedAt: string;
};

export type SessionData = {
  object: 'session';
  id: string;
  userId: string;
  ipAddress: string | null;
  userAgent: string | null;
  organizationId?: string;
  impersonator?: { email: string; reason: string | null };
  authMethod: SessionAuthMethod;
  status: 'active' | 'expired' | 'revoked';
  expiresAt: string;
  endedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type OrganizationDomainData = {
  object: 'organization_domain';
  id: string;
  domain: string;
  organizationId: string;
  state: 'verified' | 'pending' | 'failed';
  verificationToken?: string;
  verificationStrategy: 'dns' | 'manual';
  verificationPrefix?: string;
  createdAt: string;
  updatedAt: string;
};

export type OrganizationDomainVerificationFailedData = {
  reason: string;
  organizationDomain: OrganizationDomainData;
};

export type OrganizationData = {
  object: 'organization';
  id: string;
  name: string;
  /** @deprecated by WorkOS; still sent and still deserialized. */
  allowProfilesOutsideOrganization: boolean;
  domains: OrganizationDomainData[];
  stripeCustomerId?: string;
  createdAt: string;
  updatedAt: string;
  externalId: string | null;
  metadata: Record<string, string>;
};
