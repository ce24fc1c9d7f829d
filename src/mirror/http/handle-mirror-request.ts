import { invalidParameterAnswer, workosErrorBody } from '../../errors/http-error-body.js';
import type { SqlExecutor } from '../../store/sql-executor.js';
import type { MirrorSource } from '../read/create-mirror.js';
import { MirrorTablesMissingError, runOnSource } from '../read/create-mirror.js';
import type { PageOptions } from '../read/paginate.js';
import { listOrderOf, listOrderValues } from '../read/paginate.js';
import type { WireList } from '../read/wire-queries.js';
import * as q from '../read/wire-queries.js';
import type { WireObject } from '../read/wire-objects.js';
import type { MirrorQuery } from './query-params.js';
import { many, one } from './query-params.js';
import { limits } from '../../limits.js';
import {
  connectionsTable,
  directoriesTable,
  directoryGroupsTable,
  directoryUsersTable,
  organizationDomainsTable,
  organizationMembershipsTable,
  organizationsTable,
  usersTable,
} from '../apply/entity-tables.js';

/** A read request, framework-free. `path` has no query string. */
export interface MirrorHttpRequest {
  method: string;
  path: string;
  query: MirrorQuery;
}

/** Options of {@link handleMirrorRequest}. */
export interface MirrorRequestOptions {
  /**
   * List directory users, directory groups and organization memberships without one of the
   * filters WorkOS requires (it answers 422, and so does the mirror by default): for the CLI's
   * `directory users|groups`, which lists a whole table. @defaultValue false
   */
  unfiltered?: boolean;
}

/** The answer: a status and the JSON body, as the WorkOS REST API would give them. */
export interface MirrorHttpResponse {
  status: number;
  body: unknown;
}

/** The most one page holds over HTTP, as on WorkOS. */
export const maxHttpPageSize = limits.workosListPage;

interface Route {
  /** Singular name for 404 messages, e.g. `Directory User`. */
  entity: string;
  /** The table a list's `after` / `before` must name a row of. */
  table: string;
  list?: (db: SqlExecutor, query: MirrorQuery, page: PageOptions) => Promise<WireList>;
  get: (db: SqlExecutor, id: string) => Promise<WireObject | undefined>;
  /**
   * A list WorkOS answers only with one of these filters (422 otherwise, `workos`), and the
   * filters of this mirror's own that narrow it as well (`ours`, not on WorkOS).
   */
  requireOne?: { workos: readonly string[]; ours?: readonly string[] };
}

const routes: Readonly<Record<string, Route>> = {
  '/directories': {
    entity: 'Directory',
    table: directoriesTable.table,
    list: (db, query, page) =>
      q.listDirectories(
        db,
        {
          organization_id: one(query, 'organization_id'),
          domain: one(query, 'domain'),
          search: one(query, 'search'),
        },
        page,
      ),
    get: q.getDirectory,
  },
  '/directory_users': {
    entity: 'Directory User',
    table: directoryUsersTable.table,
    requireOne: { workos: ['directory', 'group'], ours: ['organization', 'organization_id'] },
    list: (db, query, page) =>
      q.listDirectoryUsers(
        db,
        {
          directory: one(query, 'directory'),
          group: one(query, 'group'),
          organization: one(query, 'organization') ?? one(query, 'organization_id'),
          state: one(query, 'state'),
        },
        page,
      ),
    get: q.getDirectoryUser,
  },
  '/directory_groups': {
    entity: 'Directory Group',
    table: directoryGroupsTable.table,
    requireOne: { workos: ['directory', 'user'], ours: ['organization', 'organization_id'] },
    list: (db, query, page) =>
      q.listDirectoryGroups(
        db,
        {
          directory: one(query, 'directory'),
          user: one(query, 'user'),
          organization: one(query, 'organization') ?? one(query, 'organization_id'),
        },
        page,
      ),
    get: q.getDirectoryGroup,
  },
  '/organizations': {
    entity: 'Organization',
    table: organizationsTable.table,
    list: (db, query, page) => q.listOrganizations(db, { domains: many(query, 'domains') }, page),
    get: q.getOrganization,
  },
  '/organization_domains': {
    entity: 'Organization Domain',
    table: organizationDomainsTable.table,
    get: q.getOrganizationDomain,
  },
  '/connections': {
    entity: 'Connection',
    table: connectionsTable.table,
    list: (db, query, page) =>
      q.listConnections(
        db,
        {
          connection_type: one(query, 'connection_type'),
          organization_id: one(query, 'organization_id'),
          domain: one(query, 'domain'),
        },
        page,
      ),
    get: q.getConnection,
  },
  '/user_management/users': {
    entity: 'User',
    table: usersTable.table,
    list: (db, query, page) =>
      q.listUsers(
        db,
        { email: one(query, 'email'), organization_id: one(query, 'organization_id') },
        page,
      ),
    get: q.getUser,
  },
  '/user_management/organization_memberships': {
    entity: 'Organization Membership',
    table: organizationMembershipsTable.table,
    requireOne: { workos: ['organization_id', 'user_id'] },
    list: (db, query, page) =>
      q.listOrganizationMemberships(
        db,
        {
          user_id: one(query, 'user_id'),
          organization_id: one(query, 'organization_id'),
          statuses: many(query, 'statuses'),
        },
        page,
      ),
    get: q.getOrganizationMembership,
  },
};

function unprocessable(field: string, problem: string): MirrorHttpResponse {
  return invalidParameterAnswer(field, problem);
}

function pageFromQuery(query: MirrorQuery): PageOptions | MirrorHttpResponse {
  const rawLimit = one(query, 'limit');
  let limit: number | undefined;
  if (rawLimit !== undefined) {
    limit = /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= maxHttpPageSize)) {
      return unprocessable('limit', `limit must be an integer from 1 to ${maxHttpPageSize}`);
    }
  }
  const orderText = one(query, 'order');
  const order = orderText === undefined ? undefined : listOrderOf(orderText);
  if (orderText !== undefined && order === undefined) {
    return unprocessable(
      'order',
      `order must be ${listOrderValues.map((o) => `'${o}'`).join(', ')} ('normal' is 'desc')`,
    );
  }
  // Both cursors together bound the list on both sides: the official SDK's `autoPagination()`
  // of a list started with `before` sends them so from its second page on.
  return { limit, order, before: one(query, 'before'), after: one(query, 'after') };
}

function splitPath(path: string): { base: string; id?: string } | undefined {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (routes[trimmed]) return { base: trimmed };
  const slash = trimmed.lastIndexOf('/');
  const base = trimmed.slice(0, slash);
  const id = trimmed.slice(slash + 1);
  if (!routes[base] || id === '') return undefined;
  try {
    return { base, id: decodeURIComponent(id) };
  } catch {
    return { base, id };
  }
}

/**
 * Whether `path` is one of the mirror's routes (a collection or one object in it). The server
 * asks this before answering, so the routes live in one table: {@link handleMirrorRequest}'s.
 */
export function isMirrorPath(path: string): boolean {
  return splitPath(path) !== undefined;
}

/**
 * Answer a WorkOS REST read (`GET /directory_users?group=…`, `GET /organizations/:id` …) from the
 * mirror, with the API's JSON shapes, filters, cursor pagination and 404/422 bodies, so the
 * official SDK pointed at this server works unchanged. As WorkOS, it answers 422 to a list of
 * directory users, directory groups or organization memberships without one of the filters WorkOS
 * requires (see {@link MirrorRequestOptions.unfiltered}), and to an `after` / `before` that names
 * no object; the two together bound the list on both sides. On a database without the mirror's
 * tables it answers 501 `mirror_tables_missing`, saying how to create them. Returns `null` when
 * the path is not a mirror route. Authentication is the caller's job (the server checks the admin
 * token first).
 */
export async function handleMirrorRequest(
  source: MirrorSource,
  request: MirrorHttpRequest,
  options: MirrorRequestOptions = {},
): Promise<MirrorHttpResponse | null> {
  try {
    return await answerMirrorRequest(source, request, options);
  } catch (error) {
    if (!(error instanceof MirrorTablesMissingError)) throw error;
    // A database without the mirror's tables is a setup to change, not a fault that passes: 501
    // (not 500 or 503, which the SDK retries, three times by default, before it fails the same).
    return {
      status: 501,
      body: workosErrorBody({ status: 501, code: error.code, message: error.message }),
    };
  }
}

async function answerMirrorRequest(
  source: MirrorSource,
  request: MirrorHttpRequest,
  options: MirrorRequestOptions,
): Promise<MirrorHttpResponse | null> {
  const match = splitPath(request.path);
  if (!match) return null;
  const route = routes[match.base]!;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return {
      status: 405,
      body: workosErrorBody({
        status: 405,
        code: 'method_not_allowed',
        message: `Method ${request.method} not allowed: the mirror is read-only`,
      }),
    };
  }
  const { id } = match;
  if (id !== undefined) {
    const object = await runOnSource(source, (db) => route.get(db, id));
    if (!object) {
      return {
        status: 404,
        body: workosErrorBody({
          status: 404,
          code: 'entity_not_found',
          message: `${route.entity} not found: '${id}'.`,
          entity_id: id,
        }),
      };
    }
    return { status: 200, body: object };
  }
  const list = route.list;
  if (!list) return null;
  const page = pageFromQuery(request.query);
  if ('status' in page) return page;
  const required = route.requireOne;
  if (required && !options.unfiltered) {
    const filters = [...required.workos, ...(required.ours ?? [])];
    if (!filters.some((name) => one(request.query, name) !== undefined)) {
      const ours = required.ours?.length ? ` (or this mirror's ${required.ours[0]})` : '';
      return unprocessable(
        required.workos[0]!,
        `one of ${required.workos.join(', ')} is required${ours}`,
      );
    }
  }
  return runOnSource(source, async (db) => {
    for (const field of ['after', 'before'] as const) {
      const cursor = page[field];
      if (cursor !== undefined && !(await hasRow(db, route.table, cursor))) {
        return unprocessable(
          field,
          `${field}: no ${route.entity} ${cursor} (a cursor is the id of an object a list returned)`,
        );
      }
    }
    return { status: 200, body: await list(db, request.query, page) };
  });
}

/**
 * Whether `table` has a row `id`, deleted ones too: a cursor's position is its id, and an object
 * deleted while a client pages past it still marks its place.
 */
async function hasRow(db: SqlExecutor, table: string, id: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 AS found FROM ${table} WHERE id = $1`, [id]);
  return rows.length > 0;
}
