import type { SqlExecutor } from '../../store/sql-executor.js';
import { groupMembershipsTable } from '../apply/entity-tables.js';
import type { ListMetadata, ListQuery, PageOptions } from './paginate.js';
import { listPage, placeholders } from './paginate.js';
import type { WireObject } from './wire-objects.js';

/** A page of objects as the WorkOS REST API returns lists. */
export interface WireList {
  object: 'list';
  data: WireObject[];
  list_metadata: ListMetadata;
}

export type Row = Record<string, unknown>;

export const live = (table: string): ListQuery => ({
  from: `${table} AS t`,
  conditions: ['t.deleted_at IS NULL'],
  params: [],
});

export const liveMembership = (groupId: string, userId: string): string =>
  `EXISTS (SELECT 1 FROM ${groupMembershipsTable} AS m WHERE m.group_id = ${groupId} ` +
  `AND m.user_id = ${userId} AND m.deleted_at IS NULL)`;

// Organizations and connections keep their domains as a JSON array of objects.
export function hasDomain(db: SqlExecutor, domains: readonly string[]): string {
  const list = placeholders(domains.length);
  return db.dialect === 'postgres'
    ? `EXISTS (SELECT 1 FROM jsonb_array_elements(t.domains) AS j(v) WHERE j.v->>'domain' IN (${list}))`
    : `EXISTS (SELECT 1 FROM json_each(t.domains) AS j WHERE json_extract(j.value, '$.domain') IN (${list}))`;
}

export async function getLive(
  db: SqlExecutor,
  table: string,
  id: string,
): Promise<Row | undefined> {
  const { rows } = await db.query(
    `SELECT t.* FROM ${table} AS t WHERE t.id = $1 AND t.deleted_at IS NULL`,
    [id],
  );
  return rows[0];
}

export async function page(
  db: SqlExecutor,
  query: ListQuery,
  options: PageOptions,
  toWire: (row: Row) => WireObject,
): Promise<WireList> {
  const { rows, listMetadata } = await listPage(db, query, options);
  return { object: 'list', data: rows.map(toWire), list_metadata: listMetadata };
}
