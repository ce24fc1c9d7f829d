import type Database from 'better-sqlite3';
import { openSqlite } from './sqlite-connection.js';

/**
 * Read-only connections. WAL lets them read while a writer commits; each holds at most one read
 * transaction, so `read(fn)` calls that await run side by side on different connections.
 */
export class ReaderPool {
  private readonly idle: Database.Database[] = [];
  private readonly all: Database.Database[] = [];
  private readonly waiting: ((db: Database.Database) => void)[] = [];

  constructor(
    private readonly path: string,
    private readonly max: number,
    private readonly busyTimeoutMs: number,
  ) {}

  async use<T>(fn: (db: Database.Database) => Promise<T> | T): Promise<T> {
    const db = await this.acquire();
    try {
      return await fn(db);
    } finally {
      this.release(db);
    }
  }

  private acquire(): Promise<Database.Database> {
    const db = this.idle.pop();
    if (db) return Promise.resolve(db);
    if (this.all.length < this.max) {
      const opened = openSqlite(this.path, { busyTimeoutMs: this.busyTimeoutMs, readOnly: true });
      this.all.push(opened);
      return Promise.resolve(opened);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(db: Database.Database): void {
    const next = this.waiting.shift();
    if (next) next(db);
    else this.idle.push(db);
  }

  close(): void {
    for (const db of this.all) db.close();
    this.all.length = 0;
    this.idle.length = 0;
  }
}
