/** Which SQL the database speaks. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * LOWER that folds every letter, as PostgreSQL's does: SQLite's folds ASCII only, so a search for
 * "Ñúñez" missed "ÑÚÑEZ". Every SQLite connection of the store defines it (sqlite-connection.ts);
 * it does not replace LOWER itself, since the mirror's index on LOWER(email) was built with
 * SQLite's own.
 */
export const unicodeLowerSql = (dialect: Dialect): string =>
  dialect === 'sqlite' ? unicodeLowerFunction : 'LOWER';

export const unicodeLowerFunction = 'workos_inbox_lower';

export interface QueryResult<Row> {
  rows: Row[];
  /** Rows inserted, updated or deleted by the statement. */
  rowCount: number;
}

export interface QueryOptions {
  /**
   * The text is constant (never built from values) and runs often: keep it prepared on each
   * connection. On PostgreSQL a named prepared statement, parsed once per connection instead of
   * per run and, once PostgreSQL finds its generic plan no costlier than the plans it made for
   * the first runs' values (it compares after five), planned once too; so it must read well with
   * any values (an index in its order and a LIMIT, a key per row), not on the planner's guess
   * of them. SQLite keeps every statement prepared anyway.
   */
  prepare?: boolean;
}

/**
 * A database connection inside a transaction, the same on both backends.
 *
 * Placeholders are `$1`, `$2`, … on both backends (the SQLite executor rewrites them, and refuses
 * a `?`). Parameter values (docs/store.md, "Query parameters", has the table): string, number (an
 * integer is an INTEGER on SQLite), bigint, boolean (1/0 on SQLite), null, Date (an ISO-8601
 * string on SQLite, timestamptz on PostgreSQL), Uint8Array, and objects as JSON text. Arrays are
 * PostgreSQL arrays, refused on SQLite; undefined is refused on both.
 */
export interface SqlExecutor {
  readonly dialect: Dialect;
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>>;
  /**
   * The driver's own handle for this transaction: a better-sqlite3 `Database` or a pg `PoolClient`.
   * Writes made through it commit or roll back with the event.
   */
  readonly native: unknown;
}
