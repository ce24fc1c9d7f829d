// The directory mirror: tables, order- and duplicate-proof apply rules, typed reads and a
// WorkOS-compatible read API. See docs/mirror.md.
export { mirrorMigrations } from './mirror-migrations.js';
export { applyMirrorEvent } from './apply/apply-mirror-event.js';
export type { MirrorApplyResult } from './apply/apply-mirror-event.js';
export { mirrorFamilies, mirrorEventsByFamily, mirrorFamilyOf } from './apply/families.js';
export type { MirrorFamily } from './apply/families.js';
export { mirrorTableNames } from './apply/entity-tables.js';
export { createMirrorHandler, UnknownMirrorFamilyError } from './mirror-handler.js';
export type {
  MirrorHandlerOptions,
  MirrorHandlerSource,
  MirrorEventHandler,
  MirrorHandlerContext,
} from './mirror-handler.js';
export { MirrorEventError, mirrorErrorCodes } from './errors.js';
export type { MirrorErrorCode } from './errors.js';
export { eventVersion, normalizeTimestamp } from './version.js';
export {
  createMirror,
  MirrorQueryError,
  MirrorTablesMissingError,
  maxTypedPageSize,
} from './read/create-mirror.js';
export type { Mirror, MirrorCollection, MirrorList, MirrorSource } from './read/create-mirror.js';
export type { PageOptions, ListMetadata } from './read/paginate.js';
export type {
  Directory as MirrorDirectory,
  DirectoryUser as MirrorDirectoryUser,
  DirectoryUserWithGroups as MirrorDirectoryUserWithGroups,
  DirectoryGroup as MirrorDirectoryGroup,
  Organization as MirrorOrganization,
  OrganizationDomain as MirrorOrganizationDomain,
  Connection as MirrorConnection,
  ConnectionDomain as MirrorConnectionDomain,
  User as MirrorUser,
  OrganizationMembership as MirrorOrganizationMembership,
  RoleSlug as MirrorRoleSlug,
} from './read/sdk-objects.js';
export { handleMirrorRequest, maxHttpPageSize } from './http/handle-mirror-request.js';
export type { MirrorHttpRequest, MirrorHttpResponse } from './http/handle-mirror-request.js';
export type { MirrorQuery } from './http/query-params.js';
