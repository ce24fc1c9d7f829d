import type { SqlExecutor } from '../../store/sql-executor.js';
import {
  connectionsTable,
  directoriesTable,
  directoryGroupsTable,
  directoryUsersTable,
  groupMembershipsTable,
  organizationDomainsTable,
  organizationMembershipsTable,
  organizationsTable,
  usersTable,
} from '../apply/entity-tables.js';
import type { ListMetadata, ListQuery, PageOptions } from './paginate.js';
import { addCondition, listPage, placeholders } from './paginate.js';
import {
  connectionWire,
  directoryGroupWire,
  directoryUserWire,
  directoryWire,
  organizationDomainWire,
  organizationMembershipWire,
  organizationWire,
  userWire,
} from './wire-objects.js';
import type { WireObject } from './wire-objects.js';

/** A page of objects as the WorkOS REST API returns lists. */
export interface WireList {
  object: 'list';
  data: WireObject[];
  list_metadata: ListMetadata;
}

type Row = Record<string, unknown>;

const live = (table: string): ListQuery => ({
  from: `${table} AS t`,
  conditions: ['t.deleted_at IS NULL'],
  params: [],
});

const liveMembership = (groupId: string, userId: string): string =>
  `EXISTS (SELECT 1 FROM ${groupMembershipsTable} AS m WHERE m.group_id = ${groupId} ` +
  `AND m.user_id = ${userId} AND m.deleted_at IS NULL)`;

// Organizations and connections keep their domains as a JSON array of objects.
function hasDomain(db: SqlExecutor, domains: readonly string[]): string {
  const list = placeholders(domains.length);
  return db.dialect === 'postgres'
    ? `EXISTS (SELECT 1 FROM jsonb_array_elements(t.domains) AS j(v) WHERE j.v->>'domain' IN (${list}))`
    : `EXISTS (SELECT 1 FROM json_each(t.domains) AS j WHERE json_extract(j.value, '$.domain') IN (${list}))`;
}

async function getLive(db: SqlExecutor, table: string, id: string): Promise<Row | undefined> {
  const { rows } = await db.query(
    `SELECT t.* FROM ${table} AS t WHERE t.id = $1 AND t.deleted_at IS NULL`,
    [id],
  );
  return rows[0];
}

async function page(
  db: SqlExecutor,
  query: ListQuery,
  options: PageOptions,
  toWire: (row: Row) => WireObject,
): Promise<WireList> {
  const { rows, listMetadata } = await listPage(db, query, options);
  return { object: 'list', data: rows.map(toWire), list_metadata: listMetadata };
}

/** Live groups of each user, by user id, in id order. */
async function groupsOfUsers(
  db: SqlExecutor,
  userIds: readonly string[],
): Promise<Map<string, Row[]>> {
  const byUser = new Map<string, Row[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return byUser;
  const list = userIds.map((_, i) => `$${i + 1}`).join(', ');
  const { rows } = await db.query<Row & { member_user_id: string }>(
    `SELECT m.user_id AS member_user_id, t.* FROM ${groupMembershipsTable} AS m ` +
      `JOIN ${directoryGroupsTable.table} AS t ON t.id = m.group_id ` +
      `WHERE m.user_id IN (${list}) AND m.deleted_at IS NULL AND t.deleted_at IS NULL ` +
      `ORDER BY t.id`,
    userIds,
  );
  for (const row of rows) byUser.get(row.member_user_id)?.push(row);
  return byUser;
}

export interface DirectoryUserFilters {
  directory?: string;
  group?: string;
  organization?: string;
  state?: string;
}

export async function listDirectoryUsers(
  db: SqlExecutor,
  filters: DirectoryUserFilters,
  options: PageOptions,
): Promise<WireList> {
  const q = live(directoryUsersTable.table);
  if (filters.directory !== undefined) addCondition(q, 't.directory_id = ?', filters.directory);
  if (filters.organization !== undefined) {
    addCondition(q, 't.organization_id = ?', filters.organization);
  }
  if (filters.state !== undefined) addCondition(q, 't.state = ?', filters.state);
  if (filters.group !== undefined) addCondition(q, liveMembership('?', 't.id'), filters.group);
  const { rows, listMetadata } = await listPage(db, q, options);
  const groups = await groupsOfUsers(
    db,
    rows.map((r) => r.id as string),
  );
  return {
    object: 'list',
    data: rows.map((r) => directoryUserWire(r, groups.get(r.id as string) ?? [])),
    list_metadata: listMetadata,
  };
}

export async function getDirectoryUser(
  db: SqlExecutor,
  id: string,
): Promise<WireObject | undefined> {
  const row = await getLive(db, directoryUsersTable.table, id);
  if (!row) return undefined;
  const groups = await groupsOfUsers(db, [id]);
  return directoryUserWire(row, groups.get(id) ?? []);
}

export interface DirectoryGroupFilters {
  directory?: string;
  user?: string;
  organization?: string;
}

export function listDirectoryGroups(
  db: SqlExecutor,
  filters: DirectoryGroupFilters,
  options: PageOptions,
): Promise<WireList> {
  const q = live(directoryGroupsTable.table);
  if (filters.directory !== undefined) addCondition(q, 't.directory_id = ?', filters.directory);
  if (filters.organization !== undefined) {
    addCondition(q, 't.organization_id = ?', filters.organization);
  }
  if (filters.user !== undefined) addCondition(q, liveMembership('t.id', '?'), filters.user);
  return page(db, q, options, directoryGroupWire);
}

export async function getDirectoryGroup(
  db: SqlExecutor,
  id: string,
): Promise<WireObject | undefined> {
  const row = await getLive(db, directoryGroupsTable.table, id);
  return row && directoryGroupWire(row);
}

export interface DirectoryFilters {
  organization_id?: string;
  domain?: string;
  /** Case-insensitive substring of the name. */
  search?: string;
}

export function listDirectories(
  db: SqlExecutor,
  filters: DirectoryFilters,
  options: PageOptions,
): Promise<WireList> {
  const q = live(directoriesTable.table);
  if (filters.organization_id !== undefined) {
    addCondition(q, 't.organization_id = ?', filters.organization_id);
  }
  if (filters.domain !== undefined) addCondition(q, 't.domain = ?', filters.domain);
  if (filters.search !== undefined) {
    const pattern = `%${filters.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    addCondition(q, "LOWER(t.name) LIKE LOWER(?) ESCAPE '\\'", pattern);
  }
  return page(db, q, options, directoryWire);
}

export async function getDirectory(db: SqlExecutor, id: string): Promise<WireObject | undefined> {
  const row = await getLive(db, directoriesTable.table, id);
  return row && directoryWire(row);
}

export interface OrganizationFilters {
  /** Organizations with any of these domains. */
  domains?: readonly string[];
}

export function listOrganizations(
  db: SqlExecutor,
  filters: OrganizationFilters,
  options: PageOptions,
): Promise<WireList> {
  const q = live(organizationsTable.table);
  if (filters.domains && filters.domains.length > 0) {
    addCondition(q, hasDomain(db, filters.domains), ...filters.domains);
  }
  return page(db, q, options, organizationWire);
}

export async function getOrganization(
  db: SqlExecutor,
  id: string,
): Promise<WireObject | undefined> {
  const row = await getLive(db, organizationsTable.table, id);
  return row && organizationWire(row);
}

export interface OrganizationDomainFilters {
  organization_id?: string;
  domain?: string;
}

export function listOrganizationDomains(
  db: SqlExecutor,
  filters: OrganizationDomainFilters,
  options: PageOptions,
): Promise<WireList> {
  const q = live(organizationDomainsTable.table);
  if (filters.organization_id !== undefined) {
    addCondition(q, 't.organization_id = ?', filters.organization_id);
  }
  if (filters.domain !== undefined) addCondition(q, 't.domain = ?', filters.domain);
  return page(db, q, options, organizationDomainWire);
}

export async function getOrganizationDomain(
  db: SqlExecutor,
  id: string,
): Promise<WireObject | undefined> {
  const row = await getLive(db, organizationDomainsTable.table, id);
  return row && organizationDomainWire(row);
}

export interface ConnectionFilters {
  connection_type?: string;
  organization_id?: string;
  domain?: string;
}

export function listConnections(
  db: SqlExecutor,
  filters: ConnectionFilters,
  options: PageOptions,
): Promise<WireList> {
  const q = live(connectionsTable.table);
  if (filters.connection_type !== undefined) {
    addCondition(q, 't.connection_type = ?', filters.connection_type);
  }
  if (filters.organization_id !== undefined) {
    addCondition(q, 't.organization_id = ?', filters.organization_id);
  }
  if (filters.domain !== undefined)
    addCondition(q, hasDomain(db, [filters.domain]), filters.domain);
  return page(db, q, options, connectionWire);
}

export async function getConnection(db: SqlExecutor, id: string): Promise<WireObject | undefined> {
  const row = await getLive(db, connectionsTable.table, id);
  return row && connectionWire(row);
}

export interface UserFilters {
  /** Exact, case-insensitive. */
  email?: string;
  /** Users with a live membership in this organization. */
  organization_id?: string;
}

export function listUsers(
  db: SqlExecutor,
  filters: UserFilters,
  options: PageOptions,
): Promise<WireList> {
  const q = live(usersTable.table);
  if (filters.email !== undefined) addCondition(q, 'LOWER(t.email) = LOWER(?)', filters.email);
  if (filters.organization_id !== undefined) {
    addCondition(
      q,
      `EXISTS (SELECT 1 FROM ${organizationMembershipsTable.table} AS om WHERE om.user_id = t.id ` +
        `AND om.organization_id = ? AND om.deleted_at IS NULL)`,
      filters.organization_id,
    );
  }
  return page(db, q, options, userWire);
}

export async function getUser(db: SqlExecutor, id: string): Promise<WireObject | undefined> {
  const row = await getLive(db, usersTable.table, id);
  return row && userWire(row);
}

export interface OrganizationMembershipFilters {
  user_id?: string;
  organization_id?: string;
  statuses?: readonly string[];
}

export function listOrganizationMemberships(
  db: SqlExecutor,
  filters: OrganizationMembershipFilters,
  options: PageOptions,
): Promise<WireList> {
  const q = live(organizationMembershipsTable.table);
  if (filters.user_id !== undefined) addCondition(q, 't.user_id = ?', filters.user_id);
  if (filters.organization_id !== undefined) {
    addCondition(q, 't.organization_id = ?', filters.organization_id);
  }
  if (filters.statuses && filters.statuses.length > 0) {
    addCondition(q, `t.status IN (${placeholders(filters.statuses.length)})`, ...filters.statuses);
  }
  return page(db, q, options, organizationMembershipWire);
}

export async function getOrganizationMembership(
  db: SqlExecutor,
  id: string,
): Promise<WireObject | undefined> {
  const row = await getLive(db, organizationMembershipsTable.table, id);
  return row && organizationMembershipWire(row);
}
