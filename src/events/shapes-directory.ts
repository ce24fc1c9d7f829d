// Field tables for Directory Sync, SSO connections, organizations and their domains.
import { f, shape } from './field-spec.js';
import type { FieldSpec } from './field-spec.js';

export const roleRefShape = shape('RoleRef', [f.str('slug')]);

const directoryUserFields = (objectRule: Partial<FieldSpec>): FieldSpec[] => [
  f.oneOf('object', ['directory_user'], objectRule),
  f.str('id'),
  f.str('directory_id'),
  // Not in the SDK's own webhook fixture: older deliveries omit these three.
  f.nstr('organization_id', { optional: true }),
  f.obj('raw_attributes'),
  f.obj('custom_attributes', { optional: true }),
  f.str('idp_id'),
  f.nstr('first_name'),
  f.nstr('email', { optional: true }),
  f.nstr('last_name'),
  f.oneOf('state', ['active', 'inactive']),
  f.obj('role', { optional: true, out: 'ifDefined', shape: roleRefShape }),
  f.arr('roles', { optional: true, out: 'ifDefined', shape: roleRefShape }),
  ...f.timestamps(),
];

export const directoryUserShape = shape('DirectoryUser', directoryUserFields({}), 'directory_user');

/** `dsync.user.updated`: the SDK hard-codes `object: 'directory_user'` and adds the raw diff. */
export const updatedDirectoryUserShape = shape(
  'UpdatedDirectoryUser',
  [
    ...directoryUserFields({ out: 'constant', constant: 'directory_user' }),
    f.obj('previous_attributes'),
  ],
  'directory_user',
);

const directoryGroupFields: FieldSpec[] = [
  f.str('id'),
  f.str('idp_id'),
  f.str('directory_id'),
  f.nstr('organization_id', { optional: true }),
  f.str('name'),
  ...f.timestamps(),
  f.obj('raw_attributes'),
];

/** The SDK's directory group has no `object` field: WorkOS sends one, the SDK drops it. */
export const directoryGroupShape = shape('DirectoryGroup', directoryGroupFields, 'directory_group');

export const updatedDirectoryGroupShape = shape(
  'UpdatedDirectoryGroup',
  [...directoryGroupFields, f.obj('previous_attributes')],
  'directory_group',
);

export const directoryGroupMembershipShape = shape('DirectoryGroupMembership', [
  f.str('directory_id'),
  f.obj('user', { out: 'nested', shape: directoryUserShape }),
  f.obj('group', { out: 'nested', shape: directoryGroupShape }),
]);

const domainRefShape = (object: string, idPrefix: string) =>
  shape(`${object}Ref`, [f.oneOf('object', [object]), f.str('id'), f.str('domain')], idPrefix);

export const directoryTypes = [
  'azure scim v2.0',
  'bamboohr',
  'breathe hr',
  'cezanne hr',
  'cyberark scim v2.0',
  'fourth hr',
  'gsuite directory',
  'generic scim v2.0',
  'hibob',
  'jump cloud scim v2.0',
  'okta scim v2.0',
  'onelogin scim v2.0',
  'people hr',
  'personio',
  'pingfederate scim v2.0',
  'rippling scim v2.0',
  'sftp',
  'sftp workday',
  'workday',
] as const;

const directoryHead: FieldSpec[] = [f.oneOf('object', ['directory']), f.str('id')];
const directoryTail: FieldSpec[] = [
  f.oneOf('type', directoryTypes),
  f.oneOf('state', ['active', 'deleting', 'inactive', 'invalid_credentials', 'validating']),
  f.str('name'),
  f.str('organization_id', { optional: true }),
];

export const directoryShape = shape(
  'Directory',
  [
    ...directoryHead,
    f.str('external_key'),
    ...directoryTail,
    f.arr('domains', { shape: domainRefShape('organization_domain', 'org_domain') }),
    ...f.timestamps(),
  ],
  'directory',
);

export const deletedDirectoryShape = shape(
  'DeletedDirectory',
  [...directoryHead, ...directoryTail, ...f.timestamps()],
  'directory',
);

export const connectionTypes = [
  'ADFSSAML',
  'AdpOidc',
  'AppleOAuth',
  'Auth0SAML',
  'AzureSAML',
  'CasSAML',
  'CleverOIDC',
  'ClassLinkSAML',
  'CloudflareSAML',
  'CyberArkSAML',
  'DuoSAML',
  'EntraIdOIDC',
  'GenericOIDC',
  'GenericSAML',
  'GitHubOAuth',
  'GoogleOAuth',
  'GoogleSAML',
  'JumpCloudSAML',
  'KeycloakSAML',
  'LastPassSAML',
  'LoginGovOidc',
  'MagicLink',
  'MicrosoftOAuth',
  'MiniOrangeSAML',
  'NetIqSAML',
  'OktaOIDC',
  'OktaSAML',
  'OneLoginSAML',
  'OracleSAML',
  'PingFederateSAML',
  'PingOneSAML',
  'RipplingSAML',
  'SalesforceOAuth',
  'SalesforceSAML',
  'ShibbolethGenericSAML',
  'ShibbolethSAML',
  'SimpleSamlPhpSAML',
  'VMwareSAML',
] as const;

export const connectionShape = shape(
  'Connection',
  [
    f.oneOf('object', ['connection']),
    f.str('id'),
    f.str('organization_id', { optional: true, out: 'ifDefined' }),
    f.str('name'),
    f.oneOf('connection_type', connectionTypes, { key: 'type' }),
    f.oneOf('state', ['draft', 'active', 'inactive', 'validating']),
    f.arr('domains', { shape: domainRefShape('connection_domain', 'conn_domain') }),
    ...f.timestamps(),
  ],
  'conn',
);

export const organizationDomainShape = shape(
  'OrganizationDomain',
  [
    f.oneOf('object', ['organization_domain']),
    f.str('id'),
    f.str('domain'),
    f.str('organization_id'),
    f.oneOf('state', ['verified', 'pending', 'failed']),
    f.str('verification_token', { optional: true, out: 'ifDefined' }),
    f.oneOf('verification_strategy', ['dns', 'manual']),
    f.str('verification_prefix', { optional: true, out: 'ifDefined' }),
    ...f.timestamps(),
  ],
  'org_domain',
);

export const organizationDomainVerificationFailedShape = shape(
  'OrganizationDomainVerificationFailed',
  [
    f.str('reason'),
    f.obj('organization_domain', { out: 'nested', shape: organizationDomainShape }),
  ],
);

export const organizationShape = shape(
  'Organization',
  [
    f.oneOf('object', ['organization']),
    f.str('id'),
    f.str('name'),
    f.bool('allow_profiles_outside_organization'),
    f.arr('domains', { out: 'nested', shape: organizationDomainShape }),
    f.str('stripe_customer_id', { optional: true, out: 'ifDefined' }),
    ...f.timestamps(),
    f.nstr('external_id', { optional: true, out: 'orNull' }),
    f.obj('metadata', { optional: true, out: 'orEmptyObject' }),
  ],
  'org',
);
