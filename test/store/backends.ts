// Run one test suite against both backends: a SQLite file per test, and on PostgreSQL one
// database per test file with a fresh schema per test (cheap isolation).
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { NewEvent, Store, StoreOptions } from '../../src/store/types.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';

export interface TestDb {
  /** Options naming this test's own database. */
  options: StoreOptions;
  /** Open a store on it (closed after the test). */
  open(extra?: Partial<StoreOptions>): Promise<Store>;
  /** Run SQL directly, bypassing the store (to inspect or tamper). */
  sql<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  fresh(): TestDb;
}

/** Call at the top of a test file; gives both backends for `describe.each`. */
export function useBackends(): Backend[] {
  const opened: Store[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  let pgUrl = '';

  beforeAll(async () => {
    const db = await createTestDatabase('wi_store');
    pgUrl = db.url;
    cleanups.push(db.drop);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close().catch(() => {})));
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const track = async (options: StoreOptions): Promise<Store> => {
    const store = await openStore(options);
    opened.push(store);
    return store;
  };

  const sqlite: Backend = {
    name: 'sqlite',
    fresh() {
      const temp = createTempSqlitePath();
      cleanups.push(temp.cleanup);
      const options: StoreOptions = { database: temp.path };
      return {
        options,
        open: (extra) => track({ ...options, ...extra }),
        sql: async <Row>(text: string, params: unknown[] = []) => {
          const db = new Database(temp.path);
          try {
            const statement = db.prepare(text);
            return (
              statement.reader ? statement.all(...params) : (statement.run(...params), [])
            ) as Row[];
          } finally {
            db.close();
          }
        },
      };
    },
  };

  const postgres: Backend = {
    name: 'postgres',
    fresh() {
      const schema = `s_${randomBytes(4).toString('hex')}`;
      const options: StoreOptions = {
        get database() {
          return pgUrl;
        },
        schema,
      };
      return {
        options,
        open: (extra) => track({ database: pgUrl, schema, ...extra }),
        sql: async <Row>(text: string, params: unknown[] = []) => {
          const client = new pg.Client({
            connectionString: pgUrl,
            options: `-c search_path=${schema}`,
          });
          await client.connect();
          try {
            return (await client.query(text, params)).rows as Row[];
          } finally {
            await client.end();
          }
        },
      };
    },
  };

  return [sqlite, postgres];
}

let counter = 0;

/** A verified event as the receiver would append it. */
export function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  counter++;
  const id = overrides.id ?? `event_${randomBytes(6).toString('hex')}_${counter}`;
  const body = { id, event: overrides.event ?? 'dsync.user.created', data: { n: counter } };
  return {
    id,
    event: 'dsync.user.created',
    createdAt: '2026-01-02T03:04:05.678Z',
    rawBody: Buffer.from(JSON.stringify(body)),
    source: 'webhook',
    receivedAt: new Date('2026-01-02T03:04:06.000Z'),
    ...overrides,
  };
}

/** A test's clock: every timestamp the store sees is derived from here. */
export const t0 = new Date('2026-01-02T03:05:00.000Z');
export const at = (ms: number) => new Date(t0.getTime() + ms);
