// npm run bench:drain — how fast the worker (`workos-inbox work`: the inbox's worker with the
// built-in mirror, no user handler) empties a backlog, in events/s:
//   one directory's history (--events N, default 100000) with one process, on SQLite and on
//     PostgreSQL in the same run;
//   ten directories' history (the same number of events in all) on PostgreSQL with 1, 2 and 4
//     worker processes (--processes 1,2,4).
// Each worker is a child process (bench/fixtures/drain-worker.ts); the clock starts when every
// child has opened its store and stops when nothing is pending, retrying or processing. Printed:
// the rates and the ratios PG/SQLite (one process) and Np/1p (ten directories), which is what to
// compare between runs on a shared machine. A benchmark, not a test: nothing fails when slow.
// Flags: --events N, --directories N (default 10), --processes 1,2,4, --only sqlite|postgres,
// --json (print the summary as one JSON line at the end, for bench:all).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchPostgresUrl, stopBenchPostgres } from './fixtures/postgres.js';
import { mirrorMigrations } from '../src/mirror/mirror-migrations.js';
import { openMigratedStore } from '../src/store/open-store.js';
import type { NewEvent, Store } from '../src/store/types.js';
import { generateDirectoryHistory } from '../src/testing/directory-history.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const eventCount = Number(flag('events', '100000'));
const directories = Number(flag('directories', '10'));
const processCounts = flag('processes', '1,2,4').split(',').map(Number);
const only = flag('only', '');
const json = args.includes('--json');
const workerFile = new URL('./fixtures/drain-worker.ts', import.meta.url).pathname;

/** One directory's (or several) history as the inbox would have stored it. */
function history(organizations: number): NewEvent[] {
  const { events } = generateDirectoryHistory({
    seed: 7,
    organizations,
    usersPerDirectory: Math.min(900, Math.floor(eventCount / organizations / 4)),
    groupsPerDirectory: 6,
    authkitUsersPerOrganization: 0,
    deletedDirectories: 0,
    events: eventCount,
  });
  const receivedAt = new Date();
  return events.slice(0, eventCount).map((wire) => ({
    id: wire.id,
    event: wire.event,
    createdAt: wire.created_at,
    receivedAt,
    rawBody: Buffer.from(JSON.stringify(wire)),
    source: 'webhook',
  }));
}

async function fill(database: string, events: readonly NewEvent[]): Promise<void> {
  const store: Store = await openMigratedStore({ database, migrationSets: [mirrorMigrations] });
  try {
    for (let i = 0; i < events.length; i += 4000) {
      await Promise.all(events.slice(i, i + 4000).map((e) => store.append(e)));
    }
  } finally {
    await store.close();
  }
}

function startWorker(database: string): Promise<ChildProcess> {
  const child = fork(workerFile, [database], {
    execArgv: ['--import', 'tsx', ...(process.env.DRAIN_CPU_PROF ? ['--cpu-prof'] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`drain worker exited ${String(code)}`)));
  });
}

/** Events/s of `processes` workers over the events already in `database`. */
async function drain(database: string, total: number, processes: number): Promise<number> {
  const workers = await Promise.all(Array.from({ length: processes }, () => startWorker(database)));
  const store = await openMigratedStore({ database, migrationSets: [mirrorMigrations] });
  const started = performance.now();
  for (const w of workers) w.send('go');
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const s = await store.stats(new Date(), { estimateDone: true });
    const { pending, processing, retrying } = s.byStatus;
    if (pending + processing + retrying === 0) break;
  }
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve) => {
          w.once('exit', resolve);
          w.send('stop');
        }),
    ),
  );
  const s = await store.stats(new Date());
  await store.close();
  if (s.byStatus.done !== total || s.byStatus.dead !== 0) {
    throw new Error(
      `drain ended with ${s.byStatus.done} done and ${s.byStatus.dead} dead of ${total}`,
    );
  }
  return total / seconds;
}

async function postgresDatabases(): Promise<{
  create(template?: string): Promise<string>;
  urlOf(name: string): string;
  close(): Promise<void>;
}> {
  const adminUrl = await benchPostgresUrl();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const names: string[] = [];
  const urlOf = (name: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    urlOf,
    async create(template) {
      const name = `wi_bench_drain_${process.pid}_${names.length}`;
      names.push(name);
      await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
      return name;
    },
    async close() {
      for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await stopBenchPostgres();
    },
  };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'workos-inbox-bench-drain-'));
  const results: Record<string, number> = {};
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  const one = history(1);
  console.log(`one directory: ${fmt(one.length)} events`);
  try {
    if (only !== 'postgres') {
      const file = join(dir, 'one.db');
      await fill(file, one);
      results.sqlite1 = await drain(file, one.length, 1);
      console.log(`  SQLite, 1 process:      ${fmt(results.sqlite1).padStart(7)} events/s`);
    }
    if (only !== 'sqlite') {
      const dbs = await postgresDatabases();
      try {
        const name = await dbs.create();
        await fill(dbs.urlOf(name), one);
        results.postgres1 = await drain(dbs.urlOf(name), one.length, 1);
        console.log(`  PostgreSQL, 1 process:  ${fmt(results.postgres1).padStart(7)} events/s`);
        const many = history(directories);
        console.log(`${directories} directories: ${fmt(many.length)} events, PostgreSQL`);
        const template = await dbs.create();
        await fill(dbs.urlOf(template), many);
        for (const n of processCounts) {
          const copy = await dbs.create(template);
          results[`postgres${directories}dirs${n}p`] = await drain(dbs.urlOf(copy), many.length, n);
          console.log(
            `  ${n} process${n === 1 ? '' : 'es'}:${' '.repeat(n === 1 ? 13 : 11)}${fmt(results[`postgres${directories}dirs${n}p`]!).padStart(7)} events/s`,
          );
        }
      } finally {
        await dbs.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ratios: Record<string, number> = {};
  if (results.sqlite1 && results.postgres1)
    ratios.postgresOverSqlite = results.postgres1 / results.sqlite1;
  const base = results[`postgres${directories}dirs1p`];
  for (const n of processCounts) {
    const r = results[`postgres${directories}dirs${n}p`];
    if (base && r && n !== 1) ratios[`processes${n}Over1`] = r / base;
  }
  console.log(
    `ratios: ${Object.entries(ratios)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ')}; load average after ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (json)
    console.log(JSON.stringify({ bench: 'drain', events: eventCount, rates: results, ratios }));
}

await main();
