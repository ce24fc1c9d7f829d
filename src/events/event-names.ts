/**
 * Every event name `@workos-inc/node` 11.0.0 types and deserializes (its `EventName`, 84 names),
 * in the SDK's union order.
 */
export const sdkEventNames = [
  'authentication.email_verification_succeeded',
  'authentication.mfa_succeeded',
  'authentication.oauth_failed',
  'authentication.oauth_succeeded',
  'authentication.sso_failed',
  'authentication.sso_succeeded',
  'authentication.passkey_failed',
  'authentication.passkey_succeeded',
  'authentication.password_failed',
  'authentication.password_succeeded',
  'authentication.magic_auth_failed',
  'authentication.magic_auth_succeeded',
  'authentication.radar_risk_detected',
  'connection.activated',
  'connection.deactivated',
  'connection.deleted',
  'dsync.activated',
  'dsync.deleted',
  'dsync.group.created',
  'dsync.group.updated',
  'dsync.group.deleted',
  'dsync.group.user_added',
  'dsync.group.user_removed',
  'dsync.user.created',
  'dsync.user.updated',
  'dsync.user.deleted',
  'email_verification.created',
  'invitation.accepted',
  'invitation.created',
  'invitation.revoked',
  'invitation.resent',
  'magic_auth.created',
  'password_reset.created',
  'password_reset.succeeded',
  'user.created',
  'user.updated',
  'user.deleted',
  'organization_membership.created',
  'organization_membership.deleted',
  'organization_membership.updated',
  'role.created',
  'role.deleted',
  'role.updated',
  'organization_role.created',
  'organization_role.updated',
  'organization_role.deleted',
  'permission.created',
  'permission.updated',
  'permission.deleted',
  'session.created',
  'session.revoked',
  'organization.created',
  'organization.updated',
  'organization.deleted',
  'organization_domain.verified',
  'organization_domain.verification_failed',
  'organization_domain.created',
  'organization_domain.updated',
  'organization_domain.deleted',
  'api_key.created',
  'api_key.revoked',
  'flag.created',
  'flag.updated',
  'flag.deleted',
  'flag.rule_updated',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.member_added',
  'group.member_removed',
  'pipes.connected_account.connected',
  'pipes.connected_account.connection_failed',
  'pipes.connected_account.disconnected',
  'pipes.connected_account.reauthorization_needed',
  'vault.data.created',
  'vault.data.updated',
  'vault.data.read',
  'vault.data.deleted',
  'vault.names.listed',
  'vault.metadata.read',
  'vault.kek.created',
  'vault.dek.read',
  'vault.dek.decrypted',
  'vault.byok_key.verification_completed',
] as const;

/**
 * Names a webhook endpoint can subscribe to (SDK 11.0.0 `CreateWebhookEndpointEvents`) that the
 * SDK's `Event` union lacks. The SDK passes their `data` through untouched (snake_case), and so
 * do we; they are typed here with their wire shape.
 */
export const extraEventNames = [
  'authentication.sso_started',
  'authentication.sso_timed_out',
  'connection.saml_certificate_renewal_required',
  'connection.saml_certificate_renewed',
  'waitlist_user.approved',
  'waitlist_user.created',
  'waitlist_user.denied',
] as const;

/** Every event name this package types: the SDK's 84, then the 7 extra subscribable ones. */
export const eventNames = [...sdkEventNames, ...extraEventNames] as const;

/** A name the SDK 11.0.0 deserializes (camelCase data). */
export type SdkEventName = (typeof sdkEventNames)[number];
/** A subscribable name the SDK does not know (raw snake_case data). */
export type ExtraEventName = (typeof extraEventNames)[number];
/** One of the 91 {@link eventNames}. */
export type KnownEventName = (typeof eventNames)[number];

/**
 * An event name: one of the known names (editors complete them) or any other string, because
 * WorkOS adds events before any SDK types them and those must still be received and stored.
 */
export type EventName = KnownEventName | (string & {});

const known: ReadonlySet<string> = new Set(eventNames);

/** Whether `name` is one of the {@link eventNames}. */
export function isKnownEventName(name: string): name is KnownEventName {
  return known.has(name);
}
