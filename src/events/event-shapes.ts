// Which table describes each event's `data`. `deserialize: false` marks the names SDK 11.0.0
// passes through untouched (their tables serve validation and samples only).
import type { KnownEventName } from './event-names.js';
import type { Shape } from './field-spec.js';
import * as dir from './shapes-directory.js';
import * as other from './shapes-other.js';
import * as um from './shapes-user-management.js';

export interface EventShape {
  readonly shape: Shape;
  /** Whether the SDK runs a deserializer for this name (else `data` is passed through). */
  readonly deserialize: boolean;
}

const sdk = (shape: Shape): EventShape => ({ shape, deserialize: true });
const raw = (shape: Shape): EventShape => ({ shape, deserialize: false });

const auth = sdk(um.authenticationShape);
const connection = sdk(dir.connectionShape);
const group = sdk(dir.directoryGroupShape);
const membership = sdk(dir.directoryGroupMembershipShape);
const directoryUser = sdk(dir.directoryUserShape);
const invitation = sdk(um.invitationShape);
const passwordReset = sdk(um.passwordResetShape);
const user = sdk(um.userShape);
const orgMembership = sdk(um.organizationMembershipShape);
const role = sdk(um.roleShape);
const orgRole = sdk(um.organizationRoleShape);
const permission = sdk(um.permissionShape);
const session = sdk(um.sessionShape);
const organization = sdk(dir.organizationShape);
const orgDomain = sdk(dir.organizationDomainShape);
const apiKey = sdk(other.apiKeyShape);
const flag = sdk(other.featureFlagShape);
const workosGroup = sdk(other.groupShape);
const groupMember = sdk(other.groupMemberShape);
const connectedAccount = sdk(other.pipesConnectedAccountShape);
const ssoProgress = raw(other.ssoProgressShape);
const waitlistUser = raw(other.waitlistUserShape);

/** The data table of every typed event name. */
export const eventShapes: Readonly<Record<KnownEventName, EventShape>> = {
  'authentication.email_verification_succeeded': auth,
  'authentication.mfa_succeeded': auth,
  'authentication.oauth_failed': auth,
  'authentication.oauth_succeeded': auth,
  'authentication.sso_failed': auth,
  'authentication.sso_succeeded': auth,
  'authentication.passkey_failed': auth,
  'authentication.passkey_succeeded': auth,
  'authentication.password_failed': auth,
  'authentication.password_succeeded': auth,
  'authentication.magic_auth_failed': auth,
  'authentication.magic_auth_succeeded': auth,
  'authentication.radar_risk_detected': sdk(um.radarRiskDetectedShape),
  'connection.activated': connection,
  'connection.deactivated': connection,
  'connection.deleted': connection,
  'dsync.activated': sdk(dir.directoryShape),
  'dsync.deleted': sdk(dir.deletedDirectoryShape),
  'dsync.group.created': group,
  'dsync.group.updated': sdk(dir.updatedDirectoryGroupShape),
  'dsync.group.deleted': group,
  'dsync.group.user_added': membership,
  'dsync.group.user_removed': membership,
  'dsync.user.created': directoryUser,
  'dsync.user.updated': sdk(dir.updatedDirectoryUserShape),
  'dsync.user.deleted': directoryUser,
  'email_verification.created': sdk(um.emailVerificationShape),
  'invitation.accepted': invitation,
  'invitation.created': invitation,
  'invitation.revoked': invitation,
  'invitation.resent': invitation,
  'magic_auth.created': sdk(um.magicAuthShape),
  'password_reset.created': passwordReset,
  'password_reset.succeeded': passwordReset,
  'user.created': user,
  'user.updated': user,
  'user.deleted': user,
  'organization_membership.created': orgMembership,
  'organization_membership.deleted': orgMembership,
  'organization_membership.updated': orgMembership,
  'role.created': role,
  'role.deleted': role,
  'role.updated': role,
  'organization_role.created': orgRole,
  'organization_role.updated': orgRole,
  'organization_role.deleted': orgRole,
  'permission.created': permission,
  'permission.updated': permission,
  'permission.deleted': permission,
  'session.created': session,
  'session.revoked': session,
  'organization.created': organization,
  'organization.updated': organization,
  'organization.deleted': organization,
  'organization_domain.verified': orgDomain,
  'organization_domain.verification_failed': sdk(dir.organizationDomainVerificationFailedShape),
  'organization_domain.created': orgDomain,
  'organization_domain.updated': orgDomain,
  'organization_domain.deleted': orgDomain,
  'api_key.created': apiKey,
  'api_key.revoked': apiKey,
  'flag.created': flag,
  'flag.updated': flag,
  'flag.deleted': flag,
  'flag.rule_updated': flag,
  'group.created': workosGroup,
  'group.updated': workosGroup,
  'group.deleted': workosGroup,
  'group.member_added': groupMember,
  'group.member_removed': groupMember,
  'pipes.connected_account.connected': connectedAccount,
  'pipes.connected_account.connection_failed': sdk(other.pipesConnectionFailedShape),
  'pipes.connected_account.disconnected': connectedAccount,
  'pipes.connected_account.reauthorization_needed': connectedAccount,
  'vault.data.created': sdk(other.vaultShapes.dataMutated),
  'vault.data.updated': sdk(other.vaultShapes.dataMutated),
  'vault.data.read': sdk(other.vaultShapes.dataRead),
  'vault.data.deleted': sdk(other.vaultShapes.kvName),
  'vault.names.listed': sdk(other.vaultShapes.namesListed),
  'vault.metadata.read': sdk(other.vaultShapes.kvName),
  'vault.kek.created': sdk(other.vaultShapes.kekCreated),
  'vault.dek.read': sdk(other.vaultShapes.dekRead),
  'vault.dek.decrypted': sdk(other.vaultShapes.dekDecrypted),
  'vault.byok_key.verification_completed': sdk(other.vaultShapes.byokKeyVerificationCompleted),
  'authentication.sso_started': ssoProgress,
  'authentication.sso_timed_out': ssoProgress,
  'connection.saml_certificate_renewal_required': raw(other.samlCertificateRenewalRequiredShape),
  'connection.saml_certificate_renewed': raw(other.samlCertificateRenewedShape),
  'waitlist_user.approved': waitlistUser,
  'waitlist_user.created': waitlistUser,
  'waitlist_user.denied': waitlistUser,
};

const byName = new Map<string, EventShape>(Object.entries(eventShapes));

/** The table for `name`, or `undefined` for a name this package does not know. */
export function eventShapeFor(name: string): EventShape | undefined {
  return byName.get(name);
}
