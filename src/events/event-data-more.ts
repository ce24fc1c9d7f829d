// Deserialized (camelCase) `data`, continued: API keys, flags, groups, Pipes, Vault.
import type { PipesConnectedAccountState } from './wire-data-more.js';

export type ApiKeyData = {
  object: 'api_key';
  id: string;
  owner:
    { type: 'organization'; id: string } | { type: 'user'; id: string; organizationId: string };
  name: string;
  obfuscatedValue: string;
  lastUsedAt: string | null;
  permissions: string[];
  createdAt: string;
  updatedAt: string;
};

export type FeatureFlagData = {
  object: 'feature_flag';
  id: string;
  name: string;
  slug: string;
  description: string;
  tags: string[];
  enabled: boolean;
  defaultValue: boolean;
  createdAt: string;
  updatedAt: string;
};

/** `group.*`: the one family where the SDK turns timestamps into `Date` objects. */
export type GroupData = {
  object: 'group';
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export type GroupMemberData = {
  groupId: string;
  organizationMembershipId: string;
};

export type PipesConnectedAccountData = {
  object: 'connected_account';
  id: string;
  dataIntegrationId: string;
  providerSlug: string;
  userId: string | null;
  organizationId: string | null;
  scopes: string[];
  state: PipesConnectedAccountState;
  createdAt: string;
  updatedAt: string;
};

export type PipesConnectionFailedData = {
  object: 'connection_failed';
  dataIntegrationId: string;
  providerSlug: string;
  userId: string | null;
  organizationId: string | null;
  errorCode: string;
  errorReason: string | null;
  providerError: string | null;
  providerErrorDescription: string | null;
  createdAt: string;
};

export type VaultActor = {
  actorId: string;
  actorSource: 'api' | 'dashboard';
  actorName: string;
};

export type VaultDataMutatedData = VaultActor & {
  kvName: string;
  keyId: string;
  keyContext: Record<string, unknown>;
};

export type VaultDataReadData = VaultActor & {
  kvName: string;
  keyId: string;
};

export type VaultKvNameData = VaultActor & {
  kvName: string;
};

export type VaultKekCreatedData = VaultActor & {
  keyName: string;
  keyId: string;
};

export type VaultDekReadData = VaultActor & {
  keyIds: string[];
  keyContext: Record<string, unknown>;
};

export type VaultDekDecryptedData = VaultActor & {
  keyId: string;
};

export type VaultByokKeyVerificationCompletedData = {
  organizationId: string;
  keyProvider: 'AWS_KMS' | 'GCP_KMS' | 'AZURE_KEY_VAULT';
  verified: boolean;
};
