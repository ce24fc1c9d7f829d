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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchPostgresUrl, stopBenchPostgres } from './fixtures/postgres.js';
import { mirrorMigrations } from '../src/mirror/mirror-migrations.js';
import { openMigratedStore } from '../src/store/open-store.js';
import type { NewEvent, Store } from '../src/store/types.js';
import { generateDirectoryHistory } from '../src/testing/directory-history.js';
import { appendBacklog, asReceived } from '../test/helpers/backlog.js';
import { benchFlags } from './fixtures/flags.js';

const { values, number, choice } = benchFlags(
  'npm run bench:drain -- [--events N] [--directories N] [--processes 1,2,4] [--only sqlite|postgres] [--json]',
  {
    events: { type: 'string' },
    directories: { type: 'string' },
    processes: { type: 'string', default: '1,2,4' },
    only: { type: 'string' },
    json: { type: 'boolean' },
  },
);
const eventCount = number('events') ?? 100_000;
const directories = number('directories') ?? 10;
const processCounts = values.processes.split(',').map(Number);
const only = choice('only', ['sqlite', 'postgres']);
const json = values.json === true;
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
  return asReceived(events.slice(0, eventCount), new Date());
}

async function fill(database: string, events: readonly NewEvent[]): Promise<void> {
  const store: Store = await openMigratedStore({ database, migrationSets: [mirrorMigrations] });
  try {
    await appendBacklog(store, events);
  } finally {
    await store.close();
  }
}

function startWorker(database: string): Promise<ChildProcess> {
  const child = fork(workerFile, [database], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.DRAIN_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.DRAIN_CPU_PROF}`]
        : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`drain worker exited ${String(code)}`)));
  });
}

/** CPU time (user + system) of the PostgreSQL server processes serving `database`, in µs. */
async function postgresBackendCpuUs(store: Store): Promise<number> {
  const { rows } = await store.read((db) =>
    db.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    ),
  );
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime, stime.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Not on this machine (a remote server) or gone: not counted.
    }
  }
  return (ticks / 100) * 1e6;
}

/**
 * Whether any event is still pending, retrying or processing: the poll that ends a drain. It
 * stops at the first open row; counting them (`store.stats`) took 60–90 ms of the PostgreSQL
 * server's CPU per poll over a 30,000-event backlog, a third of a core taken from the workers.
 */
async function anyOpen(store: Store): Promise<boolean> {
  const { rows } = await store.read((db) =>
    db.query(
      `SELECT 1 AS open FROM workos_inbox_events
       WHERE status IN ('pending', 'retrying', 'processing') LIMIT 1`,
    ),
  );
  return rows.length > 0;
}

interface DrainResult {
  eventsPerSecond: number;
  /** CPU per event of the worker processes, and of the database server's processes (PostgreSQL). */
  workerCpuUs: number;
  databaseCpuUs: number;
}

/** Events/s of `processes` workers over the events already in `database`. */
async function drain(database: string, total: number, processes: number): Promise<DrainResult> {
  const workers = await Promise.all(Array.from({ length: processes }, () => startWorker(database)));
  const store = await openMigratedStore({ database, migrationSets: [mirrorMigrations] });
  const started = performance.now();
  for (const w of workers) w.send('go');
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    if (!(await anyOpen(store))) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const databaseCpuUs = store.dialect === 'postgres' ? await postgresBackendCpuUs(store) : 0;
  const workerCpuUs = await Promise.all(
    workers.map(
      (w) =>
        new Promise<number>((resolve) => {
          let cpuUs = 0;
          w.once('message', (m) => (cpuUs = (m as { cpuUs: number }).cpuUs));
          w.once('exit', () => resolve(cpuUs));
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
  return {
    eventsPerSecond: total / seconds,
    workerCpuUs: workerCpuUs.reduce((a, b) => a + b, 0) / total,
    databaseCpuUs: databaseCpuUs / total,
  };
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
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

function report(label: string, r: DrainResult): void {
  const cpu = r.databaseCpuUs > 0 ? `, database ${fmt(r.databaseCpuUs)} µs` : '';
  console.log(
    `  ${label.padEnd(24)} ${fmt(r.eventsPerSecond).padStart(7)} events/s; CPU per event: worker ${fmt(r.workerCpuUs)} µs${cpu}`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'workos-inbox-bench-drain-'));
  const results: Record<string, DrainResult> = {};
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, load average ${load()}`,
  );
  const one = history(1);
  console.log(`one directory: ${fmt(one.length)} events`);
  const many = `postgres${directories}dirs`;
  try {
    if (only !== 'postgres') {
      const file = join(dir, 'one.db');
      await fill(file, one);
      report('SQLite, 1 process', (results.sqlite1 = await drain(file, one.length, 1)));
    }
    if (only !== 'sqlite') {
      const dbs = await postgresDatabases();
      try {
        const name = await dbs.create();
        await fill(dbs.urlOf(name), one);
        report(
          'PostgreSQL, 1 process',
          (results.postgres1 = await drain(dbs.urlOf(name), one.length, 1)),
        );
        const events = history(directories);
        console.log(`${directories} directories: ${fmt(events.length)} events, PostgreSQL`);
        const template = await dbs.create();
        await fill(dbs.urlOf(template), events);
        for (const n of processCounts) {
          const copy = await dbs.create(template);
          const r = await drain(dbs.urlOf(copy), events.length, n);
          report(`${n} process${n === 1 ? '' : 'es'}`, (results[`${many}${n}p`] = r));
        }
      } finally {
        await dbs.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ratios: Record<string, number> = {};
  const { sqlite1, postgres1 } = results;
  if (sqlite1 && postgres1) {
    ratios.postgresOverSqlite = postgres1.eventsPerSecond / sqlite1.eventsPerSecond;
    // CPU per event, worker and database together: what the rate would be on an idle machine.
    ratios.sqliteCpuOverPostgresCpu =
      (sqlite1.workerCpuUs + sqlite1.databaseCpuUs) /
      (postgres1.workerCpuUs + postgres1.databaseCpuUs);
  }
  const base = results[`${many}1p`];
  for (const n of processCounts) {
    const r = results[`${many}${n}p`];
    if (base && r && n !== 1)
      ratios[`processes${n}Over1`] = r.eventsPerSecond / base.eventsPerSecond;
  }
  console.log(
    `ratios: ${Object.entries(ratios)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ')}; load average after ${load()}`,
  );
  if (json) {
    console.log(
      JSON.stringify({ bench: 'drain', events: eventCount, results, ratios, loadAfter: loadavg() }),
    );
  }
}

await main();
