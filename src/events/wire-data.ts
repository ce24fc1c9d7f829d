// The `data` of each event as WorkOS sends it (snake_case), typed as SDK 11.0.0 types its
// `*Response` interfaces. Fields the SDK drops are not listed, but they may be present.
// Type aliases, not interfaces: an alias is assignable to `Record<string, unknown>`, so every
// typed wire event is also a plain `WireEvent`.

/** `{ slug }` role reference on users and memberships. */
export type WireRoleRef = {
  slug: string;
};

export type WireAuthenticationEventData = {
  email: string | null;
  error?: { code: string; message: string };
  ip_address: string | null;
  sso?: { connection_id: string; organization_id: string; session_id?: string };
  status: 'failed' | 'succeeded';
  /** `passkey` is sent for `authentication.passkey_*` although SDK 11.0.0's type lacks it. */
  type: 'sso' | 'password' | 'oauth' | 'mfa' | 'magic_auth' | 'email_verification' | 'passkey';
  user_agent: string | null;
  user_id: string | null;
};

export type WireAuthenticationRadarRiskDetectedData = {
  auth_method: string;
  action: 'signup' | 'login';
  control: string | null;
  blocklist_type: string | null;
  ip_address: string | null;
  user_agent: string | null;
  user_id: string;
  email: string;
};

export type WireConnectionData = {
  object: 'connection';
  id: string;
  organization_id?: string;
  name: string;
  connection_type: string;
  state: 'draft' | 'active' | 'inactive' | 'validating';
  domains: { object: 'connection_domain'; id: string; domain: string }[];
  created_at: string;
  updated_at: string;
};

export type DirectoryState =
  'active' | 'deleting' | 'inactive' | 'invalid_credentials' | 'validating';

export type WireDirectoryData = {
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
};

export type WireDeletedDirectoryData = Omit<WireDirectoryData, 'domains' | 'external_key'>;

export type WireDirectoryGroupData = {
  id: string;
  idp_id: string;
  directory_id: string;
  organization_id: string | null;
  name: string;
  created_at: string;
  updated_at: string;
  raw_attributes: Record<string, unknown>;
};

export type WireDirectoryUserData = {
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
};

export type WireDirectoryGroupMembershipData = {
  directory_id: string;
  user: WireDirectoryUserData;
  group: WireDirectoryGroupData;
};

export type WireEmailVerificationData = {
  object: 'email_verification';
  id: string;
  user_id: string;
  email: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
};

export type WireInvitationData = {
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
};

export type WireMagicAuthData = {
  object: 'magic_auth';
  id: string;
  user_id: string;
  email: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
};

export type WirePasswordResetData = {
  object: 'password_reset';
  id: string;
  user_id: string;
  email: string;
  expires_at: string;
  created_at: string;
};

export type WireUserData = {
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
};

export type WireOrganizationMembershipData = {
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
};

export type WireRoleData = {
  object: 'role';
  slug: string;
  resource_type_slug: string;
  permissions: string[];
  created_at: string;
  updated_at: string;
};

export type WireOrganizationRoleData = {
  object: 'organization_role';
  organization_id: string;
  slug: string;
  name: string;
  description: string | null;
  resource_type_slug: string;
  permissions: string[];
  created_at: string;
  updated_at: string;
};

export type WirePermissionData = {
  object: 'permission';
  id: string;
  slug: string;
  name: string;
  description: string | null;
  resource_type_slug: string;
  system: boolean;
  created_at: string;
  updated_at: string;
};

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

export type WireSessionData = {
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
};

export type WireOrganizationDomainData = {
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
};

export type WireOrganizationDomainVerificationFailedData = {
  reason: string;
  organization_domain: WireOrganizationDomainData;
};

export type WireOrganizationData = {
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
};
