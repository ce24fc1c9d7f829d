import { defaults } from '../../defaults.js';
import type { SqlExecutor } from '../../store/sql-executor.js';

/**
 * Cursor pagination as WorkOS does it: cursors are object ids, newest (`desc`) first by default.
 * `after` and `before` bound the list and may come together: a page is the first `limit` objects
 * of the list's order that come after `after` and before `before`. That is what the official
 * SDK's `autoPagination()` relies on: it keeps the `before` a list was started with on every
 * page and moves `after` along (`@workos-inc/node` 11.0.0, `AutoPaginatable.generatePages`).
 */
export interface PageOptions {
  /** @defaultValue `defaults.listPageLimit.value` */
  limit?: number;
  /** Only objects before this id in the list's order, from the start of the list. */
  before?: string;
  /** Only objects after this id in the list's order (the next page). */
  after?: string;
  /** @defaultValue `defaults.listOrder.value` */
  order?: 'asc' | 'desc';
}

/**
 * The `order` values WorkOS's list endpoints take (its API reference: `asc`, `desc`, `normal`).
 * `normal` lists as `desc` does, newest first, as the stand-in WorkOS API the SDK tests run
 * against answers it: it is no third order, and the SDK itself only ever sends `asc` or `desc`.
 */
export const listOrderValues = ['asc', 'desc', 'normal'] as const;

/** The order `value` asks for, or undefined when it is none of {@link listOrderValues}. */
export function listOrderOf(value: string): 'asc' | 'desc' | undefined {
  if (value === 'asc' || value === 'desc') return value;
  return value === 'normal' ? 'desc' : undefined;
}

export interface ListMetadata {
  before: string | null;
  after: string | null;
}

/** A filtered query over one table aliased `t`: conditions with `$n` numbered from 1. */
export interface ListQuery {
  from: string;
  conditions: string[];
  params: unknown[];
}

/** Add a condition whose `?` placeholders take the next param numbers. */
export function addCondition(query: ListQuery, condition: string, ...values: unknown[]): void {
  let sql = condition;
  for (const value of values) {
    query.params.push(value);
    sql = sql.replace('?', `$${query.params.length}`);
  }
  query.conditions.push(sql);
}

/** `?, ?, ?` for an IN list. */
export const placeholders = (count: number): string => Array(count).fill('?').join(', ');

export async function listPage(
  db: SqlExecutor,
  query: ListQuery,
  options: PageOptions,
): Promise<{ rows: Record<string, unknown>[]; listMetadata: ListMetadata }> {
  const limit = options.limit ?? defaults.listPageLimit.value;
  const desc = (options.order ?? defaults.listOrder.value) === 'desc';
  const q: ListQuery = { ...query, conditions: [...query.conditions], params: [...query.params] };
  if (options.after !== undefined) addCondition(q, desc ? 't.id < ?' : 't.id > ?', options.after);
  if (options.before !== undefined) addCondition(q, desc ? 't.id > ?' : 't.id < ?', options.before);
  q.params.push(limit + 1);
  const where = q.conditions.length > 0 ? `WHERE ${q.conditions.join(' AND ')}` : '';
  const sql =
    `SELECT t.* FROM ${q.from} ${where} ` +
    `ORDER BY t.id ${desc ? 'DESC' : 'ASC'} LIMIT $${q.params.length}`;
  const { rows } = await db.query(sql, q.params);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const first = page[0]?.id as string | undefined;
  const last = page[page.length - 1]?.id as string | undefined;
  // `after` stays null at the end of the bounded list, not of the whole one: the SDK pages on
  // while it is set, and past `before` it would list what the caller bounded out.
  const listMetadata: ListMetadata = {
    before: options.after !== undefined && first ? first : null,
    after: more && last ? last : null,
  };
  return { rows: page, listMetadata };
}
