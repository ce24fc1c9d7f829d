// The `data` of each event as WorkOS sends it (snake_case), typed as SDK 11.0.0 types its
// `*Response` interfaces. Fields the SDK drops are not listed, but they may be present.

/** `{ slug }` role reference on users and memberships. */
export interface WireRoleRef {
  slug: string;
}

export interface WireAuthenticationEventData {
  email: string | null;
  error?: { code: string; message: string };
  ip_address: string | null;
  sso?: { connection_id: string; organization_id: string; session_id?: string };
  status: 'failed' | 'succeeded';
  /** `passkey` is sent for `authentication.passkey_*` although SDK 11.0.0's type lacks it. */
  type: 'sso' | 'password' | 'oauth' | 'mfa' | 'magic_auth' | 'email_verification' | 'passkey';
  user_agent: string | null;
  user_id: string | null;
}

export interface WireAuthenticationRadarRiskDetectedData {
  auth_method: string;
  action: 'signup' | 'login';
  control: string | null;
  blocklist_type: string | null;
  ip_address: string | null;
  user_agent: string | null;
  user_id: string;
  email: string;
}

export interface WireConnectionData {
  object: 'connection';
  id: string;
  organization_id?: string;
  name: string;
  connection_type: string;
  state: 'draft' | 'active' | 'inactive' | 'validating';
  domains: { object: 'connection_domain'; id: string; domain: string }[];
  created_at: string;
  updated_at: string;
}

export type DirectoryState =
  'active' | 'deleting' | 'inactive' | 'invalid_credentials' | 'validating';

export interface WireDirectoryData {
  object: 'directory';
  id: string;
  external_key: string;
  type: string;
  state: DirectoryState;
  name: string;
  organization_id?: string;
  domains: { object: 'organization_domain'; id: string; domain: string }[];
  created_at: string;
  updated_at: string;
}

export type WireDeletedDirectoryData = Omit<WireDirectoryData, 'domains' | 'external_key'>;

export interface WireDirectoryGroupData {
  id: string;
  idp_id: string;
  directory_id: string;
  organization_id: string | null;
  name: string;
  created_at: string;
  updated_at: string;
  raw_attributes: Record<string, unknown>;
}

export interface WireDirectoryUserData {
  object: 'directory_user';
  id: string;
  directory_id: string;
  organization_id: string | null;
  raw_attributes: Record<string, unknown>;
  custom_attributes: Record<string, unknown>;
  idp_id: string;
  first_name: string | null;
  email: string | null;
  last_name: string | null;
  state: 'active' | 'inactive';
  role?: WireRoleRef;
  roles?: WireRoleRef[];
  created_at: string;
  updated_at: string;
}

export interface WireDirectoryGroupMembershipData {
  directory_id: string;
  user: WireDirectoryUserData;
  group: WireDirectoryGroupData;
}

export interface WireEmailVerificationData {
  object: 'email_verification';
  id: string;
  user_id: string;
  email: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

export interface WireInvitationData {
  object: 'invitation';
  id: string;
  email: string;
  state: 'pending' | 'accepted' | 'expired' | 'revoked';
  accepted_at: string | null;
  revoked_at: string | null;
  expires_at: string;
  organization_id: string | null;
  inviter_user_id: string | null;
  accepted_user_id: string | null;
  role_slug: string | null;
  created_at: string;
  updated_at: string;
}

export interface WireMagicAuthData {
  object: 'magic_auth';
  id: string;
  user_id: string;
  email: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

export interface WirePasswordResetData {
  object: 'password_reset';
  id: string;
  user_id: string;
  email: string;
  expires_at: string;
  created_at: string;
}

export interface WireUserData {
  object: 'user';
  id: string;
  email: string;
  email_verified: boolean;
  profile_picture_url: string | null;
  name?: string | null;
  first_name: string | null;
  last_name: string | null;
  last_sign_in_at: string | null;
  locale: string | null;
  created_at: string;
  updated_at: string;
  external_id?: string | null;
  metadata?: Record<string, string>;
}

export interface WireOrganizationMembershipData {
  object: 'organization_membership';
  id: string;
  organization_id: string;
  organization_name: string;
  status: 'active' | 'inactive' | 'pending';
  user_id: string;
  directory_managed?: boolean;
  role: WireRoleRef;
  roles?: WireRoleRef[];
  created_at: string;
  updated_at: string;
  custom_attributes?: Record<string, unknown>;
}

export interface WireRoleData {
  object: 'role';
  slug: string;
  resource_type_slug: string;
  permissions: string[];
  created_at: string;
  updated_at: string;
}

export interface WireOrganizationRoleData {
  object: 'organization_role';
  organization_id: string;
  slug: string;
  name: string;
  description: string | null;
  resource_type_slug: string;
  permissions: string[];
  created_at: string;
  updated_at: string;
}

export interface WirePermissionData {
  object: 'permission';
  id: string;
  slug: string;
  name: string;
  description: string | null;
  resource_type_slug: string;
  system: boolean;
  created_at: string;
  updated_at: string;
}

export type SessionAuthMethod =
  | 'cross_app_auth'
  | 'external_auth'
  | 'impersonation'
  | 'magic_code'
  | 'migrated_session'
  | 'oauth'
  | 'passkey'
  | 'password'
  | 'sso'
  | 'unknown';

export interface WireSessionData {
  object: 'session';
  id: string;
  user_id: string;
  ip_address: string | null;
  user_agent: string | null;
  organization_id?: string;
  impersonator?: { email: string; reason: string | null };
  auth_method: SessionAuthMethod;
  status: 'active' | 'expired' | 'revoked';
  expires_at: string;
  ended_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WireOrganizationDomainData {
  object: 'organization_domain';
  id: string;
  domain: string;
  organization_id: string;
  state: 'verified' | 'pending' | 'failed';
  verification_token?: string;
  verification_strategy: 'dns' | 'manual';
  verification_prefix?: string;
  created_at: string;
  updated_at: string;
}

export interface WireOrganizationDomainVerificationFailedData {
  reason: string;
  organization_domain: WireOrganizationDomainData;
}

export interface WireOrganizationData {
  object: 'organization';
  id: string;
  name: string;
  allow_profiles_outside_organization: boolean;
  domains: WireOrganizationDomainData[];
  stripe_customer_id?: string;
  created_at: string;
  updated_at: string;
  external_id?: string | null;
  metadata?: Record<string, string>;
}
