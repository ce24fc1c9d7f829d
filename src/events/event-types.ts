// Name → data maps, and the envelope unions built from them.
import type * as D from './event-data.js';
import type * as M from './event-data-more.js';
import type { KnownEventName, SdkEventName } from './event-names.js';
import type * as W from './wire-data.js';
import type * as X from './wire-data-more.js';

type AuthNames =
  | 'authentication.email_verification_succeeded'
  | 'authentication.mfa_succeeded'
  | 'authentication.oauth_failed'
  | 'authentication.oauth_succeeded'
  | 'authentication.sso_failed'
  | 'authentication.sso_succeeded'
  | 'authentication.passkey_failed'
  | 'authentication.passkey_succeeded'
  | 'authentication.password_failed'
  | 'authentication.password_succeeded'
  | 'authentication.magic_auth_failed'
  | 'authentication.magic_auth_succeeded';

type Crud<P extends string, T> = { [K in `${P}.created` | `${P}.updated` | `${P}.deleted`]: T };
type Each<N extends string, T> = { [K in N]: T };

/** The wire (snake_case) `data` of every typed event, by name. */
export type WireEventDataMap = Each<AuthNames, W.WireAuthenticationEventData> & {
  'authentication.radar_risk_detected': W.WireAuthenticationRadarRiskDetectedData;
  'dsync.activated': W.WireDirectoryData;
  'dsync.deleted': W.WireDeletedDirectoryData;
  'dsync.group.updated': W.WireDirectoryGroupData & {
    previous_attributes: Record<string, unknown>;
  };
  'dsync.user.updated': W.WireDirectoryUserData & { previous_attributes: Record<string, unknown> };
  'email_verification.created': W.WireEmailVerificationData;
  'magic_auth.created': W.WireMagicAuthData;
  'organization_domain.verification_failed': W.WireOrganizationDomainVerificationFailedData;
  'organization_domain.verified': W.WireOrganizationDomainData;
  'flag.rule_updated': X.WireFeatureFlagData;
  'pipes.connected_account.connection_failed': X.WirePipesConnectionFailedData;
  'vault.data.read': X.WireVaultDataReadData;
  'vault.names.listed': X.WireVaultActor;
  'vault.kek.created': X.WireVaultKekCreatedData;
  'vault.dek.read': X.WireVaultDekReadData;
  'vault.dek.decrypted': X.WireVaultDekDecryptedData;
  'vault.byok_key.verification_completed': X.WireVaultByokKeyVerificationCompletedData;
} & Each<
    'connection.activated' | 'connection.deactivated' | 'connection.deleted',
    W.WireConnectionData
  > &
  Each<'dsync.group.created' | 'dsync.group.deleted', W.WireDirectoryGroupData> &
  Each<'dsync.group.user_added' | 'dsync.group.user_removed', W.WireDirectoryGroupMembershipData> &
  Each<'dsync.user.created' | 'dsync.user.deleted', W.WireDirectoryUserData> &
  Each<
    'invitation.accepted' | 'invitation.created' | 'invitation.revoked' | 'invitation.resent',
    W.WireInvitationData
  > &
  Each<'password_reset.created' | 'password_reset.succeeded', W.WirePasswordResetData> &
  Crud<'user', W.WireUserData> &
  Crud<'organization_membership', W.WireOrganizationMembershipData> &
  Crud<'role', W.WireRoleData> &
  Crud<'organization_role', W.WireOrganizationRoleData> &
  Crud<'permission', W.WirePermissionData> &
  Each<'session.created' | 'session.revoked', W.WireSessionData> &
  Crud<'organization', W.WireOrganizationData> &
  Crud<'organization_domain', W.WireOrganizationDomainData> &
  Each<'api_key.created' | 'api_key.revoked', X.WireApiKeyData> &
  Crud<'flag', X.WireFeatureFlagData> &
  Crud<'group', X.WireGroupData> &
  Each<'group.member_added' | 'group.member_removed', X.WireGroupMemberData> &
  Each<
    | 'pipes.connected_account.connected'
    | 'pipes.connected_account.disconnected'
    | 'pipes.connected_account.reauthorization_needed',
    X.WirePipesConnectedAccountData
  > &
  Each<'vault.data.created' | 'vault.data.updated', X.WireVaultDataMutatedData> &
  Each<'vault.data.deleted' | 'vault.metadata.read', X.WireVaultKvNameData> &
  Each<
    'authentication.sso_started' | 'authentication.sso_timed_out',
    X.WireAuthenticationSsoProgressData
  > & {
    'connection.saml_certificate_renewal_required': X.WireConnectionSamlCertificateRenewalRequiredData;
    'connection.saml_certificate_renewed': X.WireConnectionSamlCertificateRenewedData;
  } & Each<
    'waitlist_user.approved' | 'waitlist_user.created' | 'waitlist_user.denied',
    X.WireWaitlistUserData
  >;

type SdkDataMap = Each<AuthNames, D.AuthenticationEventData> & {
  'authentication.radar_risk_detected': D.AuthenticationRadarRiskDetectedData;
  'dsync.activated': D.DirectoryData;
  'dsync.deleted': D.DeletedDirectoryData;
  'dsync.group.updated': D.DirectoryGroupData & D.PreviousAttributes;
  'dsync.user.updated': D.DirectoryUserData & D.PreviousAttributes;
  'email_verification.created': D.EmailVerificationData;
  'magic_auth.created': D.MagicAuthData;
  'organization_domain.verification_failed': D.OrganizationDomainVerificationFailedData;
  'organization_domain.verified': D.OrganizationDomainData;
  'flag.rule_updated': M.FeatureFlagData;
  'pipes.connected_account.connection_failed': M.PipesConnectionFailedData;
  'vault.data.read': M.VaultDataReadData;
  'vault.names.listed': M.VaultActor;
  'vault.kek.created': M.VaultKekCreatedData;
  'vault.dek.read': M.VaultDekReadData;
  'vault.dek.decrypted': M.VaultDekDecryptedData;
  'vault.byok_key.verification_completed': M.VaultByokKeyVerificationCompletedData;
} & Each<
    'connection.activated' | 'connection.deactivated' | 'connection.deleted',
    D.ConnectionData
  > &
  Each<'dsync.group.created' | 'dsync.group.deleted', D.DirectoryGroupData> &
  Each<'dsync.group.user_added' | 'dsync.group.user_removed', D.DirectoryGroupMembershipData> &
  Each<'dsync.user.created' | 'dsync.user.deleted', D.DirectoryUserData> &
  Each<
    'invitation.accepted' | 'invitation.created' | 'invitation.revoked' | 'invitation.resent',
    D.InvitationData
  > &
  Each<'password_reset.created' | 'password_reset.succeeded', D.PasswordResetData> &
  Crud<'user', D.UserData> &
  Crud<'organization_membership', D.OrganizationMembershipData> &
  Crud<'role', D.RoleData> &
  Crud<'organization_role', D.OrganizationRoleData> &
  Crud<'permission', D.PermissionData> &
  Each<'session.created' | 'session.revoked', D.SessionData> &
  Crud<'organization', D.OrganizationData> &
  Crud<'organization_domain', D.OrganizationDomainData> &
  Each<'api_key.created' | 'api_key.revoked', M.ApiKeyData> &
  Crud<'flag', M.FeatureFlagData> &
  Crud<'group', M.GroupData> &
  Each<'group.member_added' | 'group.member_removed', M.GroupMemberData> &
  Each<
    | 'pipes.connected_account.connected'
    | 'pipes.connected_account.disconnected'
    | 'pipes.connected_account.reauthorization_needed',
    M.PipesConnectedAccountData
  > &
  Each<'vault.data.created' | 'vault.data.updated', M.VaultDataMutatedData> &
  Each<'vault.data.deleted' | 'vault.metadata.read', M.VaultKvNameData>;

/**
 * The deserialized `data` of every typed event, by name: camelCase for the SDK's 84 names, the
 * wire shape for the 7 names the SDK passes through.
 */
export type EventDataMap = SdkDataMap & Omit<WireEventDataMap, SdkEventName>;

/** Envelope fields of a deserialized event, as SDK 11.0.0 returns them. */
export interface EventBase {
  id: string;
  /** As sent: a string, never a `Date`. */
  createdAt: string;
  /** Passed through unchanged (snake_case keys); the key is present and `undefined` when absent. */
  context: Record<string, unknown> | undefined;
}

/** Envelope fields of an event on the wire. */
export interface WireEventBase {
  id: string;
  created_at: string;
  context?: Record<string, unknown>;
  /** Sent by some deliveries (`"event"`); dropped by deserialization. */
  object?: string;
}

/**
 * Every known event, deserialized, discriminated by `event`: `switch (event.event)` narrows
 * `data`. As in the SDK, an event with an unknown name is typed as this union too and reaches a
 * `switch`'s `default` branch at run time, with its raw `data` ({@link UnknownEvent}).
 */
export type Event = {
  [N in KnownEventName]: EventBase & { event: N; data: EventDataMap[N] };
}[KnownEventName];

/** An event whose name this package does not know: `data` is passed through as sent. */
export interface UnknownEvent extends EventBase {
  event: string;
  data: Record<string, unknown>;
}

/**
 * Any event envelope on the wire, known name or not: what `checkEnvelope` guarantees and what
 * the inbox stores. Narrow it with {@link KnownWireEvent} / {@link WireEventByName}.
 */
export interface WireEvent extends WireEventBase {
  event: string;
  data: Record<string, unknown>;
}

/** Every known event on the wire (snake_case), discriminated by `event`. */
export type KnownWireEvent = {
  [N in KnownEventName]: WireEventBase & { event: N; data: WireEventDataMap[N] };
}[KnownEventName];

/** The deserialized event for a name: `UnknownEvent` for a name outside the known ones. */
export type EventByName<N extends string> = N extends KnownEventName
  ? Extract<Event, { event: N }>
  : UnknownEvent;

/** The wire event for a name: the loose {@link WireEvent} for a name outside the known ones. */
export type WireEventByName<N extends string> = N extends KnownEventName
  ? Extract<KnownWireEvent, { event: N }>
  : WireEvent;
