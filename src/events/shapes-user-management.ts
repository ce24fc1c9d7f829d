// Field tables for AuthKit / User Management events.
import { f, shape } from './field-spec.js';
import type { FieldSpec } from './field-spec.js';
import { roleRefShape } from './shapes-directory.js';

const errorShape = shape('AuthenticationError', [f.str('code'), f.str('message')]);

const ssoShape = shape('AuthenticationSso', [
  f.str('connection_id'),
  f.str('organization_id'),
  f.str('session_id', { optional: true, out: 'ifDefined' }),
]);

export const authenticationTypes = [
  'sso',
  'password',
  'oauth',
  'mfa',
  'magic_auth',
  'email_verification',
  'passkey',
] as const;

export const authenticationShape = shape('AuthenticationEvent', [
  f.nstr('email'),
  f.obj('error', { optional: true, out: 'ifDefined', shape: errorShape }),
  f.nstr('ip_address'),
  f.obj('sso', { optional: true, out: 'nestedIfDefined', shape: ssoShape }),
  f.oneOf('status', ['failed', 'succeeded']),
  f.oneOf('type', authenticationTypes),
  f.nstr('user_agent'),
  f.nstr('user_id'),
]);

export const radarRiskDetectedShape = shape('AuthenticationRadarRiskDetected', [
  f.str('auth_method'),
  f.oneOf('action', ['signup', 'login']),
  f.nstr('control'),
  f.nstr('blocklist_type'),
  f.nstr('ip_address'),
  f.nstr('user_agent'),
  f.str('user_id'),
  f.str('email'),
]);

const userOwned = (object: string, withUpdatedAt: boolean): FieldSpec[] => [
  f.oneOf('object', [object]),
  f.str('id'),
  f.str('user_id'),
  f.str('email'),
  f.str('expires_at'),
  f.str('created_at'),
  ...(withUpdatedAt ? [f.str('updated_at')] : []),
];

export const emailVerificationShape = shape(
  'EmailVerification',
  userOwned('email_verification', true),
  'email_verification',
);
export const magicAuthShape = shape('MagicAuth', userOwned('magic_auth', true), 'magic_auth');
export const passwordResetShape = shape(
  'PasswordReset',
  userOwned('password_reset', false),
  'password_reset',
);

export const invitationShape = shape(
  'Invitation',
  [
    f.oneOf('object', ['invitation']),
    f.str('id'),
    f.str('email'),
    f.oneOf('state', ['pending', 'accepted', 'expired', 'revoked']),
    f.nstr('accepted_at'),
    f.nstr('revoked_at'),
    f.str('expires_at'),
    f.nstr('organization_id'),
    f.nstr('inviter_user_id'),
    f.nstr('accepted_user_id'),
    f.nstr('role_slug'),
    ...f.timestamps(),
  ],
  'invitation',
);

export const userShape = shape(
  'User',
  [
    f.oneOf('object', ['user']),
    f.str('id'),
    f.str('email'),
    f.bool('email_verified'),
    f.nstr('name', { optional: true, out: 'orNull' }),
    f.nstr('first_name'),
    f.nstr('profile_picture_url'),
    f.nstr('last_name'),
    f.nstr('last_sign_in_at'),
    f.nstr('locale'),
    ...f.timestamps(),
    f.nstr('external_id', { optional: true, out: 'orNull' }),
    f.obj('metadata', { optional: true, out: 'orEmptyObject' }),
  ],
  'user',
);

export const sessionAuthMethods = [
  'cross_app_auth',
  'external_auth',
  'impersonation',
  'magic_code',
  'migrated_session',
  'oauth',
  'passkey',
  'password',
  'sso',
  'unknown',
] as const;

const impersonatorShape = shape('Impersonator', [f.str('email'), f.nstr('reason')]);

export const sessionShape = shape(
  'Session',
  [
    // The SDK hard-codes the object name.
    f.oneOf('object', ['session'], { out: 'constant', constant: 'session' }),
    f.str('id'),
    f.str('user_id'),
    f.nstr('ip_address'),
    f.nstr('user_agent'),
    f.str('organization_id', { optional: true, out: 'ifDefined' }),
    f.obj('impersonator', { optional: true, out: 'ifDefined', shape: impersonatorShape }),
    f.oneOf('auth_method', sessionAuthMethods),
    f.oneOf('status', ['active', 'expired', 'revoked']),
    f.str('expires_at'),
    f.nstr('ended_at'),
    ...f.timestamps(),
  ],
  'session',
);

export const organizationMembershipShape = shape(
  'OrganizationMembership',
  [
    f.oneOf('object', ['organization_membership']),
    f.str('id'),
    f.str('user_id'),
    f.str('organization_id'),
    // Real deliveries have been seen without it (workos-node#1319).
    f.str('organization_name', { optional: true }),
    f.oneOf('status', ['active', 'inactive', 'pending']),
    f.bool('directory_managed', { optional: true, out: 'orFalse' }),
    ...f.timestamps(),
    f.obj('role', { shape: roleRefShape }),
    f.arr('roles', { optional: true, nullable: true, out: 'ifTruthy', shape: roleRefShape }),
    f.obj('custom_attributes', { optional: true, out: 'orEmptyObject' }),
  ],
  'om',
);

export const roleShape = shape('RoleEvent', [
  f.oneOf('object', ['role']),
  f.str('slug'),
  f.str('resource_type_slug'),
  f.arr('permissions', { items: 'string' }),
  ...f.timestamps(),
]);

export const organizationRoleShape = shape('OrganizationRoleEvent', [
  f.oneOf('object', ['organization_role']),
  f.str('organization_id'),
  f.str('slug'),
  f.str('name'),
  f.nstr('description'),
  f.str('resource_type_slug'),
  f.arr('permissions', { items: 'string' }),
  ...f.timestamps(),
]);

export const permissionShape = shape(
  'Permission',
  [
    f.oneOf('object', ['permission']),
    f.str('id'),
    f.str('slug'),
    f.str('name'),
    f.nstr('description'),
    f.str('resource_type_slug'),
    f.bool('system'),
    ...f.timestamps(),
  ],
  'perm',
);
