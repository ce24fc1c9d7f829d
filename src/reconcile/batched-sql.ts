import { MirrorWrites } from '../mirror/apply/mirror-writes.js';
import type { WriteKind } from '../mirror/apply/mirror-writes.js';
import type { SqlExecutor } from '../store/sql-executor.js';

/**
 * The rows a reconcile writes in one transaction, applied with the event path's statements and
 * in its order (`MirrorWrites`): on PostgreSQL one array statement per kind of write (its text
 * does not depend on the number of rows, so it is prepared and planned once), on SQLite one
 * cached one-row statement per row (faster there than a multi-row VALUES whose subqueries SQLite
 * evaluates row by row anyway).
 */
export class PageWrites {
  private readonly writes = new MirrorWrites();

  add(kind: WriteKind, rows: readonly unknown[][]): void {
    if (rows.length === 0) return;
    this.writes.collect((w) => {
      for (const row of rows) w.add(kind, row);
    });
  }

  /** Apply what was added (a dry run only compares: it never calls this). */
  flush(tx: SqlExecutor): Promise<void> {
    return this.writes.flush(tx);
  }
}
