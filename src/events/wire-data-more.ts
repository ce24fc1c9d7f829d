// Wire (snake_case) `data` shapes, continued: API keys, flags, groups, Pipes, Vault, and the
// subscribable events the SDK does not type.

export type WireApiKeyData = {
  object: 'api_key';
  id: string;
  owner:
    { type: 'organization'; id: string } | { type: 'user'; id: string; organization_id: string };
  name: string;
  obfuscated_value: string;
  last_used_at: string | null;
  permissions: string[];
  created_at: string;
  updated_at: string;
};

export type WireFeatureFlagData = {
  object: 'feature_flag';
  id: string;
  name: string;
  slug: string;
  description: string;
  tags: string[];
  enabled: boolean;
  default_value: boolean;
  created_at: string;
  updated_at: string;
};

export type WireGroupData = {
  object: 'group';
  id: string;
  organization_id: string;
  name: string;
  description?: string | null;
  created_at: string;
  updated_at: string;
};

export type WireGroupMemberData = {
  group_id: string;
  organization_membership_id: string;
};

export type PipesConnectedAccountState = 'connected' | 'needs_reauthorization' | 'disconnected';

export type WirePipesConnectedAccountData = {
  object: 'connected_account';
  id: string;
  data_integration_id: string;
  provider_slug: string;
  user_id: string | null;
  organization_id: string | null;
  scopes: string[];
  state: PipesConnectedAccountState;
  created_at: string;
  updated_at: string;
};

export type WirePipesConnectionFailedData = {
  object: 'connection_failed';
  data_integration_id: string;
  provider_slug: string;
  user_id: string | null;
  organization_id: string | null;
  error_code: string;
  error_reason: string | null;
  provider_error: string | null;
  provider_error_description: string | null;
  created_at: string;
};

export type WireVaultActor = {
  actor_id: string;
  actor_source: 'api' | 'dashboard';
  actor_name: string;
};

/** `vault.data.created` and `vault.data.updated`. */
export type WireVaultDataMutatedData = WireVaultActor & {
  kv_name: string;
  key_id: string;
  key_context: Record<string, unknown>;
};

export type WireVaultDataReadData = WireVaultActor & {
  kv_name: string;
  key_id: string;
};

/** `vault.data.deleted` and `vault.metadata.read`. */
export type WireVaultKvNameData = WireVaultActor & {
  kv_name: string;
};

export type WireVaultKekCreatedData = WireVaultActor & {
  key_name: string;
  key_id: string;
};

export type WireVaultDekReadData = WireVaultActor & {
  key_ids: string[];
  key_context: Record<string, unknown>;
};

export type WireVaultDekDecryptedData = WireVaultActor & {
  key_id: string;
};

export type WireVaultByokKeyVerificationCompletedData = {
  organization_id: string;
  key_provider: 'AWS_KMS' | 'GCP_KMS' | 'AZURE_KEY_VAULT';
  verified: boolean;
};

/**
 * `authentication.sso_started` / `authentication.sso_timed_out`: the authentication-event shape.
 * Not in the SDK; `status` is left open because WorkOS does not document its values here.
 */
export type WireAuthenticationSsoProgressData = {
  email: string | null;
  ip_address: string | null;
  sso?: { connection_id: string; organization_id: string; session_id?: string };
  status: string;
  type: 'sso';
  user_agent: string | null;
  user_id: string | null;
};

export type WireSamlCertificate = {
  certificate_type: string;
  expiry_date: string;
};

export type WireConnectionSamlCertificateRenewalRequiredData = {
  connection: { id: string; organization_id?: string };
  certificate: WireSamlCertificate & { is_expired: boolean };
  days_until_expiry: number;
};

export type WireConnectionSamlCertificateRenewedData = {
  connection: { id: string; organization_id?: string };
  certificate: WireSamlCertificate;
  renewed_at: string;
};

export type WireWaitlistUserData = {
  object: 'waitlist_user';
  id: string;
  email: string;
  state: 'pending' | 'approved' | 'denied';
  approved_at: string | null;
  created_at: string;
  updated_at: string;
};
