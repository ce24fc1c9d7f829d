// The mirror's typed objects are exactly what `@workos-inc/node` 11.0.0 returns for the same API
// response: these functions replicate its deserializers field for field (including which keys
// are omitted when absent), so code can switch between the SDK and the mirror.
import type { WireObject } from './wire-objects.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire values are whatever WorkOS sent */
type W = Record<string, any>;

export interface RoleSlug {
  slug: string;
}

export interface DirectoryGroup {
  id: string;
  idpId: string;
  directoryId: string;
  organizationId: string | null;
  name: string;
  createdAt: string;
  updatedAt: string;
  rawAttributes: any;
}

export interface DirectoryUser {
  object: 'directory_user';
  id: string;
  directoryId: string;
  organizationId: string | null;
  rawAttributes: any;
  customAttributes: Record<string, unknown>;
  idpId: string;
  firstName: string | null;
  email: string | null;
  lastName: string | null;
  state: 'active' | 'inactive';
  role?: RoleSlug;
  roles?: RoleSlug[];
  createdAt: string;
  updatedAt: string;
}

export interface DirectoryUserWithGroups extends DirectoryUser {
  groups: DirectoryGroup[];
}

export interface Directory {
  object: 'directory';
  id: string;
  domain: string;
  externalKey: string;
  name: string;
  organizationId?: string;
  /** As the SDK maps it: `linked` → `active`, `unlinked` → `inactive`. */
  state: string;
  type: string;
  createdAt: string;
  updatedAt: string;
}

export interface OrganizationDomain {
  object: 'organization_domain';
  id: string;
  domain: string;
  organizationId: string;
  state: string;
  verificationToken?: string;
  verificationStrategy: string;
  verificationPrefix?: string;
  createdAt: string;
  updatedAt: string;
}

export interface Organization {
  object: 'organization';
  id: string;
  name: string;
  allowProfilesOutsideOrganization: boolean;
  domains: OrganizationDomain[];
  stripeCustomerId?: string;
  createdAt: string;
  updatedAt: string;
  externalId: string | null;
  metadata: Record<string, string>;
}

export interface ConnectionDomain {
  object: 'connection_domain';
  id: string;
  domain: string;
}

export interface Connection {
  object: 'connection';
  id: string;
  organizationId?: string;
  name: string;
  /** The API's `connection_type`, renamed as the SDK does. */
  type: string;
  state: string;
  domains: ConnectionDomain[];
  createdAt: string;
  updatedAt: string;
}

export interface User {
  object: 'user';
  id: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  firstName: string | null;
  profilePictureUrl: string | null;
  lastName: string | null;
  lastSignInAt: string | null;
  locale: string | null;
  createdAt: string;
  updatedAt: string;
  externalId: string | null;
  metadata: Record<string, string>;
}

export interface OrganizationMembership {
  object: 'organization_membership';
  id: string;
  userId: string;
  organizationId: string;
  organizationName: string;
  status: string;
  directoryManaged: boolean;
  createdAt: string;
  updatedAt: string;
  role: RoleSlug;
  roles?: RoleSlug[];
  customAttributes: Record<string, unknown>;
}

export const toDirectoryGroup = (g: W): DirectoryGroup => ({
  id: g.id,
  idpId: g.idp_id,
  directoryId: g.directory_id,
  organizationId: g.organization_id,
  name: g.name,
  createdAt: g.created_at,
  updatedAt: g.updated_at,
  rawAttributes: g.raw_attributes,
});

export const toDirectoryUserWithGroups = (u: W): DirectoryUserWithGroups => ({
  object: u.object,
  id: u.id,
  directoryId: u.directory_id,
  organizationId: u.organization_id,
  rawAttributes: u.raw_attributes,
  customAttributes: u.custom_attributes,
  idpId: u.idp_id,
  firstName: u.first_name,
  email: u.email,
  lastName: u.last_name,
  state: u.state,
  ...(u.role !== undefined && { role: u.role }),
  ...(u.roles !== undefined && { roles: u.roles }),
  createdAt: u.created_at,
  updatedAt: u.updated_at,
  groups: ((u.groups ?? []) as W[]).map(toDirectoryGroup),
});

const sdkDirectoryState = (state: string): string =>
  state === 'linked' ? 'active' : state === 'unlinked' ? 'inactive' : state;

export const toDirectory = (d: W): Directory => ({
  object: d.object,
  id: d.id,
  domain: d.domain,
  externalKey: d.external_key,
  name: d.name,
  organizationId: d.organization_id,
  state: sdkDirectoryState(d.state),
  type: d.type,
  createdAt: d.created_at,
  updatedAt: d.updated_at,
});

export const toOrganizationDomain = (d: W): OrganizationDomain => ({
  object: d.object,
  id: d.id,
  domain: d.domain,
  organizationId: d.organization_id,
  state: d.state,
  ...(d.verification_token !== undefined && { verificationToken: d.verification_token }),
  verificationStrategy: d.verification_strategy,
  ...(d.verification_prefix !== undefined && { verificationPrefix: d.verification_prefix }),
  createdAt: d.created_at,
  updatedAt: d.updated_at,
});

export const toOrganization = (o: W): Organization => ({
  object: o.object,
  id: o.id,
  name: o.name,
  allowProfilesOutsideOrganization: o.allow_profiles_outside_organization,
  domains: ((o.domains ?? []) as W[]).map(toOrganizationDomain),
  ...(typeof o.stripe_customer_id === 'undefined'
    ? undefined
    : { stripeCustomerId: o.stripe_customer_id }),
  createdAt: o.created_at,
  updatedAt: o.updated_at,
  externalId: o.external_id ?? null,
  metadata: o.metadata ?? {},
});

export const toConnection = (c: W): Connection => ({
  object: c.object,
  id: c.id,
  ...(c.organization_id !== undefined && { organizationId: c.organization_id }),
  name: c.name,
  type: c.connection_type,
  state: c.state,
  domains: c.domains,
  createdAt: c.created_at,
  updatedAt: c.updated_at,
});

export const toUser = (u: W): User => ({
  object: u.object,
  id: u.id,
  email: u.email,
  emailVerified: u.email_verified,
  name: u.name ?? null,
  firstName: u.first_name,
  profilePictureUrl: u.profile_picture_url,
  lastName: u.last_name,
  lastSignInAt: u.last_sign_in_at,
  locale: u.locale,
  createdAt: u.created_at,
  updatedAt: u.updated_at,
  externalId: u.external_id ?? null,
  metadata: u.metadata ?? {},
});

export const toOrganizationMembership = (m: W): OrganizationMembership => ({
  object: m.object,
  id: m.id,
  userId: m.user_id,
  organizationId: m.organization_id,
  organizationName: m.organization_name,
  status: m.status,
  directoryManaged: m.directory_managed ?? false,
  createdAt: m.created_at,
  updatedAt: m.updated_at,
  role: m.role,
  ...(m.roles && { roles: m.roles }),
  customAttributes: m.custom_attributes ?? {},
});

export type { WireObject };
