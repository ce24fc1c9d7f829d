// npm run bench:mirror — directory mirror apply rate (events/s) over a generated 100k-event
// history (generateDirectoryHistory), on SQLite (a real file, the store's pragmas: WAL,
// synchronous=FULL) and on the local PostgreSQL, with:
//   per-event  one transaction per event, as the worker runs handlers (BEGIN, apply, COMMIT);
//   batched    500 events per transaction (a bulk backfill / replay).
// Baseline, run in the same process on the same events and transaction pattern: a naive mirror
// (one unconditional INSERT … ON CONFLICT DO UPDATE of the event's data, like the guide's
// db.users.update), which is wrong under reordering but shows what the rules cost.
// Also SQLite in memory, to separate the mirror's own cost from the disk's.
// A benchmark, not a test: it prints numbers and ratios; nothing fails on a slow machine.
//
// Per-event runs are bound by one commit (an fsync) per event, so by default they use the first
// 20000 events of the history (--per-event-events N; the rate does not depend on the count).
// Flags: --events N (default 100000), --batch N (default 500), --only sqlite|postgres, --json (the
// ratios as one JSON line at the end, for `npm run bench`). PostgreSQL as
// for the tests: WORKOS_INBOX_TEST_PG, else 127.0.0.1:5432, else an embedded server started for the
// run (bench/fixtures/postgres.ts); a scratch database is created and dropped.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchPostgresUrl, stopBenchPostgres } from './fixtures/postgres.js';
import type { WireEvent } from '../src/events/index.js';
import { applyMirrorEvent } from '../src/mirror/apply/apply-mirror-event.js';
import { mirrorMigrations } from '../src/mirror/mirror-migrations.js';
import type { SqlExecutor } from '../src/store/sql-executor.js';
import { openSqlite } from '../src/store/sqlite/sqlite-connection.js';
import { sqliteExecutor } from '../src/store/sqlite/sqlite-executor.js';
import { postgresExecutor } from '../src/store/postgres/postgres-executor.js';
import { generateDirectoryHistory } from '../src/testing/directory-history.js';
import { benchFlags } from './fixtures/flags.js';

const { values, number, choice } = benchFlags(
  'npm run bench:mirror -- [--events N] [--per-event-events N] [--batch N] [--only sqlite|postgres] [--json]',
  {
    events: { type: 'string' },
    'per-event-events': { type: 'string' },
    batch: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'boolean' },
  },
);
const eventCount = number('events') ?? 100_000;
const only = choice('only', ['sqlite', 'postgres']);
const perEventCount = number('per-event-events') ?? 20_000;
const batchSize = number('batch') ?? 500;
const json = values.json === true;

type Apply = (tx: SqlExecutor, e: WireEvent) => Promise<unknown>;

const naiveTable = `CREATE TABLE naive_objects (id TEXT PRIMARY KEY, event TEXT NOT NULL, data TEXT NOT NULL)`;
const naiveUpsert =
  'INSERT INTO naive_objects (id, event, data) VALUES ($1, $2, $3) ' +
  'ON CONFLICT (id) DO UPDATE SET event = excluded.event, data = excluded.data';
const naiveApply: Apply = (tx, e) => {
  const data = e.data as Record<string, unknown>;
  const user = data.user as Record<string, unknown> | undefined;
  const id = String(data.id ?? user?.id ?? e.id);
  return tx.query(naiveUpsert, [id, e.event, JSON.stringify(data)]);
};
const mirrorApply: Apply = (tx, e) => applyMirrorEvent(tx, e);

/** One fresh database with the mirror's and the baseline's tables. */
interface Session {
  /** Run `events` through `apply` in transactions of `perTx`; milliseconds taken. */
  apply(apply: Apply, events: readonly WireEvent[], perTx: number): Promise<number>;
  close(): Promise<void>;
}

interface Backend {
  name: string;
  open(): Promise<Session>;
  close(): Promise<void>;
}

/** `memory`: the same statements on an in-memory database: the mirror's CPU cost, no I/O. */
async function sqliteBackend(memory = false): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'workos-inbox-bench-mirror-'));
  let round = 0;
  return {
    name: memory
      ? 'SQLite in memory (CPU cost only, no disk)'
      : 'SQLite file (the store settings: WAL, synchronous=FULL)',
    async open() {
      const path = memory ? ':memory:' : join(dir, `mirror-${round++}.db`);
      const db = openSqlite(path, { busyTimeoutMs: 5000 });
      for (const m of mirrorMigrations.sqlite) db.exec(m.sql);
      db.exec(naiveTable);
      const tx = sqliteExecutor(db);
      return {
        async apply(apply, events, perTx) {
          const started = performance.now();
          for (let i = 0; i < events.length; i += perTx) {
            db.exec('BEGIN IMMEDIATE');
            for (let j = i; j < Math.min(i + perTx, events.length); j++) {
              await apply(tx, events[j]!);
            }
            db.exec('COMMIT');
          }
          return performance.now() - started;
        },
        close: async () => void db.close(),
      };
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresBackend(): Promise<Backend> {
  const adminUrl = await benchPostgresUrl();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const names: string[] = [];
  return {
    name: 'PostgreSQL (loopback, default durability)',
    async open() {
      const name = `wi_bench_mirror_${process.pid}_${names.length}`;
      names.push(name);
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      for (const m of mirrorMigrations.postgres) await client.query(m.sql);
      await client.query(naiveTable);
      const tx = postgresExecutor(client as unknown as pg.PoolClient);
      return {
        async apply(apply, events, perTx) {
          const started = performance.now();
          for (let i = 0; i < events.length; i += perTx) {
            await client.query('BEGIN');
            for (let j = i; j < Math.min(i + perTx, events.length); j++) {
              await apply(tx, events[j]!);
            }
            await client.query('COMMIT');
          }
          return performance.now() - started;
        },
        close: () => client.end(),
      };
    },
    async close() {
      for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await stopBenchPostgres();
    },
  };
}

/**
 * Both mirrors get the same events, in chunks taken in turn (naive, mirror, naive, …), so load
 * from elsewhere on the machine falls on both alike. Returns events/s of each.
 */
async function compare(
  backend: Backend,
  events: readonly WireEvent[],
  perTx: number,
): Promise<{ naive: number; mirror: number }> {
  const naive = await backend.open();
  const mirror = await backend.open();
  const chunk = Math.max(perTx, Math.ceil(events.length / 10 / perTx) * perTx);
  let naiveMs = 0;
  let mirrorMs = 0;
  for (let i = 0; i < events.length; i += chunk) {
    const part = events.slice(i, i + chunk);
    naiveMs += await naive.apply(naiveApply, part, perTx);
    mirrorMs += await mirror.apply(mirrorApply, part, perTx);
  }
  await naive.close();
  await mirror.close();
  return { naive: events.length / (naiveMs / 1000), mirror: events.length / (mirrorMs / 1000) };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const t0 = performance.now();
  const { events: all } = generateDirectoryHistory({
    seed: 42,
    organizations: 8,
    usersPerDirectory: 900,
    groupsPerDirectory: 6,
    authkitUsersPerOrganization: 20,
    events: eventCount,
    deletedDirectories: 2,
  });
  const events = all.slice(0, eventCount);
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.event, (counts.get(e.event) ?? 0) + 1);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  console.log(
    `history: ${events.length} events (generated in ${Math.round(performance.now() - t0)} ms); ` +
      [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  );
  const ratios: Record<string, number> = {};
  const backends: Backend[] = [];
  if (only !== 'postgres') backends.push(await sqliteBackend(), await sqliteBackend(true));
  if (only !== 'sqlite') backends.push(await postgresBackend());
  for (const backend of backends) {
    console.log(`\n${backend.name}`);
    for (const [mode, perTx, subset] of [
      ['per-event', 1, events.slice(0, perEventCount)],
      [`batched ${batchSize}`, batchSize, events],
    ] as const) {
      const { naive, mirror } = await compare(backend, subset, perTx);
      console.log(
        `  ${mode.padEnd(11)} ${String(subset.length).padStart(6)} events: mirror ${fmt(mirror).padStart(7)} events/s, ` +
          `naive baseline ${fmt(naive).padStart(7)} events/s, mirror/naive ${(mirror / naive).toFixed(2)}`,
      );
      ratios[`${backend.name.split(' (')[0]!} ${mode} mirror/naive`] = mirror / naive;
    }
    await backend.close();
  }
  if (json) console.log(JSON.stringify({ bench: 'mirror', ratios }));
}

await main();
