import type { SqlExecutor } from '../../store/sql-executor.js';
import {
  connectionsTable,
  organizationDomainsTable,
  organizationMembershipsTable,
  organizationsTable,
  usersTable,
} from '../apply/entity-tables.js';
import type { PageOptions } from './paginate.js';
import { addCondition, placeholders } from './paginate.js';
import type { WireList } from './query-helpers.js';
import { getLive, hasDomain, live, page } from './query-helpers.js';
import {
  connectionWire,
  organizationDomainWire,
  organizationMembershipWire,
  organizationWire,
  userWire,
} from './wire-objects.js';
import type { WireObject } from './wire-objects.js';

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
