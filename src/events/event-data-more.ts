// Deserialized (camelCase) `data`, continued: API keys, flags, groups, Pipes, Vault.
import type { PipesConnectedAccountState } from './wire-data-more.js';

export interface ApiKeyData {
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
}

export interface FeatureFlagData {
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
}

/** `group.*`: the one family where the SDK turns timestamps into `Date` objects. */
export interface GroupData {
  object: 'group';
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupMemberData {
  groupId: string;
  organizationMembershipId: string;
}

export interface PipesConnectedAccountData {
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
}

export interface PipesConnectionFailedData {
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
}

export interface VaultActor {
  actorId: string;
  actorSource: 'api' | 'dashboard';
  actorName: string;
}

export interface VaultDataMutatedData extends VaultActor {
  kvName: string;
  keyId: string;
  keyContext: Record<string, unknown>;
}

export interface VaultDataReadData extends VaultActor {
  kvName: string;
  keyId: string;
}

export interface VaultKvNameData extends VaultActor {
  kvName: string;
}

export interface VaultKekCreatedData extends VaultActor {
  keyName: string;
  keyId: string;
}

export interface VaultDekReadData extends VaultActor {
  keyIds: string[];
  keyContext: Record<string, unknown>;
}

export interface VaultDekDecryptedData extends VaultActor {
  keyId: string;
}

export interface VaultByokKeyVerificationCompletedData {
  organizationId: string;
  keyProvider: 'AWS_KMS' | 'GCP_KMS' | 'AZURE_KEY_VAULT';
  verified: boolean;
}
