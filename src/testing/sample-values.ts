// Plausible values for a field from its table entry and its name: one generator for every
// event, so a field added to a table gets a sample value without more code.
import type { FieldSpec, Shape } from '../events/field-spec.js';
import type { SampleContext } from './sample-context.js';

const day = 86_400_000;

/** Prefix of `<prefix>_01H…` ids for `*_id` fields. */
const idPrefixes: Record<string, string> = {
  directory_id: 'directory',
  organization_id: 'org',
  user_id: 'user',
  inviter_user_id: 'user',
  accepted_user_id: 'user',
  connection_id: 'conn',
  session_id: 'session',
  group_id: 'group',
  organization_membership_id: 'om',
  data_integration_id: 'data_integration',
  actor_id: 'user',
  key_id: 'key',
};

/** Nullable fields that are `null` in a typical delivery. */
const usuallyNull = new Set([
  'accepted_at',
  'revoked_at',
  'ended_at',
  'accepted_user_id',
  'last_used_at',
  'approved_at',
  'control',
  'blocklist_type',
  'error_reason',
  'provider_error',
  'provider_error_description',
  'reason',
]);

/** Optional fields a typical delivery leaves out. */
const usuallyAbsent = new Set(['error', 'impersonator', 'stripe_customer_id', 'role', 'roles']);

const userAgent =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

function stringFor(spec: FieldSpec, shape: Shape, ctx: SampleContext): string {
  const key = spec.wire;
  if (key === 'id') return ctx.id(shape.idPrefix ?? 'obj');
  const prefix = idPrefixes[key];
  if (prefix !== undefined) return ctx.id(prefix);
  if (key === 'idp_id')
    return `00u${ctx.random.int(1e8, 9e8).toString(36)}${ctx.random.int(1e8, 9e8).toString(36)}`;
  if (key === 'email') return ctx.email;
  if (key === 'first_name') return ctx.firstName;
  if (key === 'last_name') return ctx.lastName;
  if (key === 'domain') return ctx.domain;
  if (key === 'ip_address') return `203.0.113.${ctx.random.int(1, 254)}`;
  if (key === 'user_agent') return userAgent;
  if (key === 'locale') return 'en-US';
  if (key === 'profile_picture_url')
    return `https://workoscdn.com/images/v1/${ctx.random.int(1e6, 9e6)}`;
  if (key === 'expires_at' || key === 'expiry_date') return ctx.iso(day);
  if (key === 'created_at') return ctx.iso(-day);
  if (key.endsWith('_at')) return ctx.iso();
  if (key === 'name') return nameFor(shape, ctx);
  if (key === 'organization_name') return ctx.company;
  if (key.endsWith('slug')) return key === 'provider_slug' ? 'github' : slugFor(shape);
  if (key === 'description') return `Sample ${shape.name} description`;
  if (key === 'external_id') return `ext_${ctx.random.int(10000, 99999)}`;
  if (key === 'external_key') return ctx.newId('ek').slice(3, 19).toLowerCase();
  if (key === 'verification_token') return ctx.newId('tok').slice(4, 24);
  if (key === 'verification_prefix') return 'workos-verification';
  if (key === 'obfuscated_value') return `sk_…${ctx.random.int(1000, 9999)}`;
  if (key === 'kv_name') return `customer-${ctx.random.int(100, 999)}-ssn`;
  if (key === 'key_name' || key === 'actor_name') return `${ctx.firstName} ${ctx.lastName}`;
  if (key === 'auth_method') return 'password';
  if (key === 'error_code') return 'access_denied';
  if (key === 'certificate_type') return 'ResponseSigning';
  if (key === 'code') return 'invalid_credentials';
  if (key === 'message') return 'The credentials provided were invalid.';
  if (key === 'status') return 'started';
  return `${key}_${ctx.random.int(1, 9999)}`;
}

function nameFor(shape: Shape, ctx: SampleContext): string {
  switch (shape.name) {
    case 'User':
      return `${ctx.firstName} ${ctx.lastName}`;
    case 'Directory':
    case 'DeletedDirectory':
      return `${ctx.company} Okta`;
    case 'DirectoryGroup':
    case 'UpdatedDirectoryGroup':
    case 'Group':
      return ctx.random.pick(['Engineering', 'Sales', 'Support', 'Design']);
    case 'OrganizationRoleEvent':
      return 'Billing Admin';
    case 'Permission':
      return 'Read posts';
    case 'FeatureFlag':
      return 'Advanced dashboard';
    case 'ApiKey':
      return 'Production key';
    default:
      return ctx.company;
  }
}

function slugFor(shape: Shape): string {
  switch (shape.name) {
    case 'Permission':
      return 'posts:read';
    case 'FeatureFlag':
      return 'advanced-dashboard';
    case 'OrganizationRoleEvent':
      return 'org-billing-admin';
    case 'RoleEvent':
    case 'RoleRef':
      return 'member';
    default:
      return 'organization';
  }
}

/** The shapes of a directory group: WorkOS sends the IdP's SCIM Group as its `raw_attributes`. */
const groupShapes = new Set(['DirectoryGroup', 'UpdatedDirectoryGroup']);

function objectFor(spec: FieldSpec, shape: Shape, ctx: SampleContext): Record<string, unknown> {
  switch (spec.wire) {
    case 'raw_attributes':
      // `displayName` is set to the group's `name` once it is known (sampleShape).
      if (groupShapes.has(shape.name)) {
        return scimGroup('', [{ value: ctx.id('directory_user'), display: ctx.email }]);
      }
      return {
        active: true,
        emails: [{ primary: true, type: 'work', value: ctx.email }],
        name: { familyName: ctx.lastName, givenName: ctx.firstName },
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: ctx.email,
      };
    case 'custom_attributes':
      return { department: 'Engineering', job_title: 'Software Engineer' };
    case 'key_context':
      return { organization_id: ctx.id('org') };
    case 'previous_attributes':
      return { updated_at: ctx.iso(-day) };
    default:
      return {};
  }
}

function arrayFor(spec: FieldSpec, ctx: SampleContext): unknown[] {
  if (spec.shape) return [sampleShape(spec.shape, ctx)];
  switch (spec.wire) {
    case 'permissions':
      return ['posts:read', 'posts:write'];
    case 'scopes':
      return ['repo', 'read:user'];
    case 'tags':
      return ['beta'];
    case 'key_ids':
      return [ctx.id('key')];
    default:
      return [];
  }
}

/** A plausible value for one field, or `undefined` to leave an optional field out. */
export function sampleValue(spec: FieldSpec, shape: Shape, ctx: SampleContext): unknown {
  if (spec.optional && usuallyAbsent.has(spec.wire)) return undefined;
  if (spec.nullable && usuallyNull.has(spec.wire)) return null;
  if (spec.values !== undefined) return spec.values[0];
  switch (spec.type) {
    case 'string':
      return stringFor(spec, shape, ctx);
    case 'boolean':
      return spec.wire === 'email_verified' || spec.wire === 'enabled' || spec.wire === 'verified';
    case 'number':
      return 30;
    case 'array':
      return arrayFor(spec, ctx);
    case 'object':
      return spec.shape ? sampleShape(spec.shape, ctx) : objectFor(spec, shape, ctx);
    case 'unknown':
      return null;
  }
}

/** A wire object (snake_case) for `shape`, every field filled in table order. */
export function sampleShape(shape: Shape, ctx: SampleContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of shape.fields) {
    const value = sampleValue(spec, shape, ctx);
    if (value !== undefined) out[spec.wire] = value;
  }
  // A group's SCIM payload names it as the group does.
  if (groupShapes.has(shape.name) && typeof out.name === 'string') {
    out.raw_attributes = { ...(out.raw_attributes as object), displayName: out.name };
  }
  return out;
}

/**
 * The SCIM Group an IdP sends for a directory group, as WorkOS passes it on in `raw_attributes`
 * (a group's, never a user's: `displayName` and `members`, not `userName` and `emails`).
 */
export function scimGroup(
  displayName: string,
  members: ReadonlyArray<{ value: string; display: string }>,
): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName,
    members: members.map((m) => ({ ...m })),
  };
}
