import { WorkosInboxError } from '../../errors/workos-inbox-error.js';
import type { SqlExecutor } from '../../store/sql-executor.js';
import type { ListMetadata, PageOptions } from './paginate.js';
import type {
  Connection,
  Directory,
  DirectoryGroup,
  DirectoryUserWithGroups,
  Organization,
  OrganizationDomain,
  OrganizationMembership,
  User,
} from './sdk-objects.js';
import {
  toConnection,
  toDirectory,
  toDirectoryGroup,
  toDirectoryUserWithGroups,
  toOrganization,
  toOrganizationDomain,
  toOrganizationMembership,
  toUser,
} from './sdk-objects.js';
import type { WireList } from './wire-queries.js';
import * as q from './wire-queries.js';
import type { WireObject } from './wire-objects.js';
import { limits } from '../../limits.js';
import { mirrorTableNames } from '../apply/entity-tables.js';

/** Where the mirror reads: a Store (each call in its own read transaction) or an open transaction. */
export type MirrorSource =
  { read<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T> } | SqlExecutor;

/** A page, shaped like the SDK's `List<T>`. */
export interface MirrorList<T> {
  object: 'list';
  data: T[];
  listMetadata: ListMetadata;
}

/** Reads of one kind of object. */
export interface MirrorCollection<T, Filters> {
  /** Live objects matching the filters, one page (`limit` 1–1000, default `defaults.listPageLimit`; newest first). */
  list(options?: Filters & PageOptions): Promise<MirrorList<T>>;
  /** Every live object matching the filters (after `after`, before `before`), page by page. */
  all(options?: Filters & Omit<PageOptions, 'limit'>): AsyncGenerator<T>;
  /** The live object with this id, or undefined (also when deleted). */
  get(id: string): Promise<T | undefined>;
}

/** The typed query API over the mirror tables; objects are shaped as the SDK returns them. */
export interface Mirror {
  directories: MirrorCollection<
    Directory,
    { organizationId?: string; domain?: string; search?: string }
  >;
  directoryUsers: MirrorCollection<
    DirectoryUserWithGroups,
    { directory?: string; group?: string; organization?: string; state?: 'active' | 'inactive' }
  >;
  directoryGroups: MirrorCollection<
    DirectoryGroup,
    { directory?: string; user?: string; organization?: string }
  >;
  organizations: MirrorCollection<Organization, { domains?: readonly string[] }>;
  organizationDomains: MirrorCollection<
    OrganizationDomain,
    { organizationId?: string; domain?: string }
  >;
  connections: MirrorCollection<
    Connection,
    { connectionType?: string; organizationId?: string; domain?: string }
  >;
  users: MirrorCollection<User, { email?: string; organizationId?: string }>;
  organizationMemberships: MirrorCollection<
    OrganizationMembership,
    { userId?: string; organizationId?: string; statuses?: readonly string[] }
  >;
}

/** Bad list options (a limit or an order out of range). */
export class MirrorQueryError extends WorkosInboxError {
  override readonly name = 'MirrorQueryError';
  readonly code = 'invalid_query';
}

/** The most a typed `list()` returns in one page. */
export const maxTypedPageSize = limits.listPage;

/**
 * A mirror table is missing from the database: the inbox was created with `mirror: false`, or
 * the mirror's migrations (`mirrorMigrations`) never ran on it.
 */
export class MirrorTablesMissingError extends WorkosInboxError {
  override readonly name = 'MirrorTablesMissingError';
  readonly code = 'mirror_tables_missing';
}

/** The mirror table a driver's "no such table" (SQLite) or `42P01` (PostgreSQL) error names. */
function missingMirrorTable(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const match =
    code === 'SQLITE_ERROR'
      ? /^no such table: (?:\w+\.)?(\w+)/.exec(error.message)
      : code === '42P01'
        ? /^relation "(?:[^"]*\.)?(\w+)" does not exist/.exec(error.message)
        : null;
  const table = match?.[1];
  return table !== undefined && mirrorTableNames.includes(table) ? table : undefined;
}

export async function runOnSource<T>(
  source: MirrorSource,
  fn: (db: SqlExecutor) => Promise<T>,
): Promise<T> {
  try {
    return await ('read' in source ? source.read(fn) : fn(source));
  } catch (error) {
    const table = missingMirrorTable(error);
    if (table === undefined) throw error;
    // The driver's own words name a table, not why it is missing nor what to do.
    throw new MirrorTablesMissingError(
      `the mirror's table ${table} is not in this database: the inbox was created with mirror: false, or the mirror's migrations have not run on it. Create the tables with createInbox({ mirror: true }) (the default), openStore({ …, migrationSets: [mirrorMigrations] }) or \`workos-inbox migrate\``,
      { cause: error },
    );
  }
}

function pageOptions(options: PageOptions): PageOptions {
  const { limit, before, after, order } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > maxTypedPageSize)) {
    throw new MirrorQueryError(
      `limit must be an integer from 1 to ${maxTypedPageSize}, got ${limit}`,
    );
  }
  if (order !== undefined && order !== 'asc' && order !== 'desc') {
    throw new MirrorQueryError(`order must be 'asc' or 'desc', got ${String(order)}`);
  }
  return { limit, before, after, order };
}

function collection<T, F, WF>(
  source: MirrorSource,
  filters: (options: F) => WF,
  list: (db: SqlExecutor, filters: WF, page: PageOptions) => Promise<WireList>,
  get: (db: SqlExecutor, id: string) => Promise<WireObject | undefined>,
  convert: (wire: WireObject) => T,
): MirrorCollection<T, F> {
  const listPage = async (options: F & PageOptions): Promise<MirrorList<T>> => {
    const page = pageOptions(options);
    const result = await runOnSource(source, (db) => list(db, filters(options), page));
    return { object: 'list', data: result.data.map(convert), listMetadata: result.list_metadata };
  };
  return {
    list: (options = {} as F & PageOptions) => listPage(options),
    async *all(options = {} as F & PageOptions) {
      let after = options.after;
      for (;;) {
        const page = await listPage({ ...options, limit: maxTypedPageSize, after });
        yield* page.data;
        if (!page.listMetadata.after) return;
        after = page.listMetadata.after;
      }
    },
    get: async (id) => {
      const wire = await runOnSource(source, (db) => get(db, id));
      return wire && convert(wire);
    },
  };
}

/**
 * The typed query API over the mirror tables. Deleted rows are never returned.
 *
 * @example
 * const mirror = createMirror(inbox.store);
 * const { data } = await mirror.directoryUsers.list({ group: 'directory_group_…', state: 'active' });
 */
export function createMirror(source: MirrorSource): Mirror {
  return {
    directories: collection(
      source,
      (o: { organizationId?: string; domain?: string; search?: string }) => ({
        organization_id: o.organizationId,
        domain: o.domain,
        search: o.search,
      }),
      q.listDirectories,
      q.getDirectory,
      toDirectory,
    ),
    directoryUsers: collection(
      source,
      (o: q.DirectoryUserFilters) => ({
        directory: o.directory,
        group: o.group,
        organization: o.organization,
        state: o.state,
      }),
      q.listDirectoryUsers,
      q.getDirectoryUser,
      toDirectoryUserWithGroups,
    ),
    directoryGroups: collection(
      source,
      (o: q.DirectoryGroupFilters) => ({
        directory: o.directory,
        user: o.user,
        organization: o.organization,
      }),
      q.listDirectoryGroups,
      q.getDirectoryGroup,
      toDirectoryGroup,
    ),
    organizations: collection(
      source,
      (o: { domains?: readonly string[] }) => ({ domains: o.domains }),
      q.listOrganizations,
      q.getOrganization,
      toOrganization,
    ),
    organizationDomains: collection(
      source,
      (o: { organizationId?: string; domain?: string }) => ({
        organization_id: o.organizationId,
        domain: o.domain,
      }),
      q.listOrganizationDomains,
      q.getOrganizationDomain,
      toOrganizationDomain,
    ),
    connections: collection(
      source,
      (o: { connectionType?: string; organizationId?: string; domain?: string }) => ({
        connection_type: o.connectionType,
        organization_id: o.organizationId,
        domain: o.domain,
      }),
      q.listConnections,
      q.getConnection,
      toConnection,
    ),
    users: collection(
      source,
      (o: { email?: string; organizationId?: string }) => ({
        email: o.email,
        organization_id: o.organizationId,
      }),
      q.listUsers,
      q.getUser,
      toUser,
    ),
    organizationMemberships: collection(
      source,
      (o: { userId?: string; organizationId?: string; statuses?: readonly string[] }) => ({
        user_id: o.userId,
        organization_id: o.organizationId,
        statuses: o.statuses,
      }),
      q.listOrganizationMemberships,
      q.getOrganizationMembership,
      toOrganizationMembership,
    ),
  };
}
