// Field tables for API keys, feature flags, groups, Pipes and Vault, and the wire shapes of the
// subscribable events the SDK passes through (used for validation and samples only).
import { f, shape } from './field-spec.js';
import type { FieldSpec } from './field-spec.js';

/** The SDK camelCases a user owner and passes any other owner through as sent. */
function deserializeApiKeyOwner(owner: unknown): unknown {
  if (
    typeof owner === 'object' &&
    owner !== null &&
    (owner as { type?: unknown }).type === 'user'
  ) {
    const o = owner as { id?: unknown; organization_id?: unknown };
    return { type: 'user', id: o.id, organizationId: o.organization_id };
  }
  return owner;
}

const apiKeyOwnerShape = shape('ApiKeyOwner', [
  f.oneOf('type', ['organization', 'user']),
  f.str('id'),
  f.str('organization_id', { optional: true }),
]);

export const apiKeyShape = shape(
  'ApiKey',
  [
    f.oneOf('object', ['api_key']),
    f.str('id'),
    f.obj('owner', { out: 'convert', convert: deserializeApiKeyOwner, shape: apiKeyOwnerShape }),
    f.str('name'),
    f.str('obfuscated_value'),
    f.nstr('last_used_at'),
    f.arr('permissions', { items: 'string' }),
    ...f.timestamps(),
  ],
  'api_key',
);

export const featureFlagShape = shape(
  'FeatureFlag',
  [
    f.oneOf('object', ['feature_flag']),
    f.str('id'),
    f.str('name'),
    f.str('slug'),
    f.str('description'),
    f.arr('tags', { items: 'string' }),
    f.bool('enabled'),
    f.bool('default_value'),
    ...f.timestamps(),
  ],
  'flag',
);

export const groupShape = shape(
  'Group',
  [
    f.oneOf('object', ['group']),
    f.str('id'),
    f.str('organization_id'),
    f.str('name'),
    f.nstr('description', { optional: true, out: 'orNull' }),
    f.str('created_at', { out: 'date' }),
    f.str('updated_at', { out: 'date' }),
  ],
  'group',
);

export const groupMemberShape = shape('GroupMember', [
  f.str('group_id'),
  f.str('organization_membership_id'),
]);

const pipesOwner: FieldSpec[] = [
  f.str('data_integration_id'),
  f.str('provider_slug'),
  f.nstr('user_id'),
  f.nstr('organization_id'),
];

export const pipesConnectedAccountShape = shape(
  'PipesConnectedAccount',
  [
    f.oneOf('object', ['connected_account']),
    f.str('id'),
    ...pipesOwner,
    f.arr('scopes', { items: 'string' }),
    f.oneOf('state', ['connected', 'needs_reauthorization', 'disconnected']),
    ...f.timestamps(),
  ],
  'connected_account',
);

export const pipesConnectionFailedShape = shape('PipesConnectionFailed', [
  f.oneOf('object', ['connection_failed']),
  ...pipesOwner,
  f.str('error_code'),
  f.nstr('error_reason'),
  f.nstr('provider_error'),
  f.nstr('provider_error_description'),
  f.str('created_at'),
]);

const actor: FieldSpec[] = [
  f.str('actor_id'),
  f.oneOf('actor_source', ['api', 'dashboard']),
  f.str('actor_name'),
];

export const vaultShapes = {
  dataMutated: shape('VaultDataMutated', [
    ...actor,
    f.str('kv_name'),
    f.str('key_id'),
    f.obj('key_context'),
  ]),
  dataRead: shape('VaultDataRead', [...actor, f.str('kv_name'), f.str('key_id')]),
  kvName: shape('VaultKvName', [...actor, f.str('kv_name')]),
  namesListed: shape('VaultActor', actor),
  kekCreated: shape('VaultKekCreated', [...actor, f.str('key_name'), f.str('key_id')]),
  dekRead: shape('VaultDekRead', [
    ...actor,
    f.arr('key_ids', { items: 'string' }),
    f.obj('key_context'),
  ]),
  dekDecrypted: shape('VaultDekDecrypted', [...actor, f.str('key_id')]),
  byokKeyVerificationCompleted: shape('VaultByokKeyVerificationCompleted', [
    f.str('organization_id'),
    f.oneOf('key_provider', ['AWS_KMS', 'GCP_KMS', 'AZURE_KEY_VAULT']),
    f.bool('verified'),
  ]),
};

// Passed through untouched (the SDK has no deserializer): `out` rules are never used.
const ssoRefShape = shape('AuthenticationSso', [
  f.str('connection_id'),
  f.str('organization_id'),
  f.str('session_id', { optional: true }),
]);

export const ssoProgressShape = shape('AuthenticationSsoProgress', [
  f.nstr('email'),
  f.nstr('ip_address'),
  f.obj('sso', { optional: true, shape: ssoRefShape }),
  f.str('status'),
  f.oneOf('type', ['sso']),
  f.nstr('user_agent'),
  f.nstr('user_id'),
]);

const connectionRefShape = shape(
  'ConnectionRef',
  [f.str('id'), f.str('organization_id', { optional: true })],
  'conn',
);

export const samlCertificateRenewalRequiredShape = shape('SamlCertificateRenewalRequired', [
  f.obj('connection', { shape: connectionRefShape }),
  f.obj('certificate', {
    shape: shape('SamlCertificate', [
      f.str('certificate_type'),
      f.str('expiry_date'),
      f.bool('is_expired'),
    ]),
  }),
  f.num('days_until_expiry'),
]);

export const samlCertificateRenewedShape = shape('SamlCertificateRenewed', [
  f.obj('connection', { shape: connectionRefShape }),
  f.obj('certificate', {
    shape: shape('SamlCertificate', [f.str('certificate_type'), f.str('expiry_date')]),
  }),
  f.str('renewed_at'),
]);

export const waitlistUserShape = shape(
  'WaitlistUser',
  [
    f.oneOf('object', ['waitlist_user']),
    f.str('id'),
    f.str('email'),
    f.oneOf('state', ['pending', 'approved', 'denied']),
    f.nstr('approved_at'),
    ...f.timestamps(),
  ],
  'wl_user',
);
