// npm run bench:reconcile — reconcile one directory of 100k users and 1k groups, served by the
// stand-in WorkOS API (loopback HTTP, pages of 100, in a process of its own), into an empty mirror
// on SQLite and on PostgreSQL, against a ceiling run in the same process: a bare loop that fetches
// and JSON-parses the same pages with the same client and stores nothing. Several runs, each
// backend's ratio to the ceiling run just before it. A benchmark, not a test: it prints numbers.
// Flags: --users N (100000), --groups N (1000), --runs N (3), --backend sqlite|postgres|both,
// --in-flight N (PostgreSQL's transactions in flight), --pages-per-transaction N (defaults:
// reconcile's own), --json (one JSON line at the end: each backend's median and per-run ratios to
// the ceiling, as fractions, for `npm run bench`).
// Each run also reads the machine's CPU time (Linux /proc/stat: this process, the stand-in, the
// database server, and anything else running, so read it on a quiet machine) and prints the bound
// it sets: a run cannot be shorter than its CPU time over the cores, so the ratio cannot exceed
// ceiling / max(ceiling, CPU / cores), however the work is overlapped.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { mirrorMigrations } from '../src/mirror/mirror-migrations.js';
import { listPages } from '../src/reconcile/list-pages.js';
import { reconcile } from '../src/reconcile/reconcile.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/types.js';
import { WorkosApiClient } from '../src/workos-api/workos-api-client.js';
import { benchPostgresUrl, stopBenchPostgres } from './fixtures/postgres.js';
import { benchFlags } from './fixtures/flags.js';
import { machineBusyMs } from './fixtures/process-cpu.js';

const { values, number, choice } = benchFlags(
  'npm run bench:reconcile -- [--users N] [--groups N] [--runs N] [--backend sqlite|postgres|both] [--in-flight N] [--pages-per-transaction N] [--json]',
  {
    users: { type: 'string' },
    groups: { type: 'string' },
    runs: { type: 'string' },
    backend: { type: 'string' },
    'in-flight': { type: 'string' },
    'pages-per-transaction': { type: 'string' },
    json: { type: 'boolean' },
  },
);
const userCount = number('users') ?? 100_000;
const groupCount = number('groups') ?? 1000;
const runs = number('runs') ?? 3;
const backendFlag = choice('backend', ['sqlite', 'postgres', 'both']) ?? 'both';
// Absent, these leave reconcile's own defaults.
const inFlight = number('in-flight');
const pagesPerTransaction = number('pages-per-transaction');
const json = values.json === true;
const backends: ('sqlite' | 'postgres')[] =
  backendFlag === 'both' ? ['sqlite', 'postgres'] : [backendFlag];

const server = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    fileURLToPath(new URL('./fixtures/reconcile-stand-in.ts', import.meta.url)),
    String(userCount),
    String(groupCount),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string];
const api = JSON.parse(line) as { url: string; apiKey: string; memberships: number };
const client = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });

/** The ceiling: every page the reconcile reads, fetched and parsed, nothing stored. */
async function ceiling(): Promise<number> {
  const started = performance.now();
  let objects = 0;
  for (const [path, params] of [
    ['/directories/directory_1', undefined],
    ['/directory_groups', { directory: 'directory_1' }],
    ['/directory_users', { directory: 'directory_1' }],
  ] as const) {
    if (!params) {
      await client.get(path);
      continue;
    }
    for await (const page of listPages(client, path, params)) objects += page.data.length;
  }
  if (objects !== userCount + groupCount) throw new Error(`ceiling read ${objects} objects`);
  return (performance.now() - started) / 1000;
}

async function openBackend(backend: 'sqlite' | 'postgres') {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'bench-reconcile-'));
    const store = await openStore({
      database: join(dir, 'inbox.db'),
      migrationSets: [mirrorMigrations],
    });
    return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const url = await benchPostgresUrl();
  const schema = `bench_reconcile_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ database: url, schema, migrationSets: [mirrorMigrations] });
  return {
    store,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** Machine CPU seconds (every core) over the last timed reconcile run, if /proc/stat is there. */
let runCpuSeconds: number | undefined;

async function reconcileRun(backend: 'sqlite' | 'postgres'): Promise<number> {
  const { store, cleanup } = await openBackend(backend);
  let s: Store | undefined = store;
  try {
    await store.migrate();
    const busyBefore = machineBusyMs();
    const started = performance.now();
    const result = await reconcile({
      db: store,
      api: client,
      scope: { directory: 'directory_1' },
      ...(inFlight !== undefined ? { transactionsInFlight: inFlight } : {}),
      ...(pagesPerTransaction !== undefined ? { pagesPerTransaction } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    const busyAfter = machineBusyMs();
    runCpuSeconds =
      busyBefore === undefined || busyAfter === undefined
        ? undefined
        : (busyAfter - busyBefore) / 1000;
    const c = result.counts;
    if (
      c.directory_users.created !== userCount ||
      c.directory_groups.created !== groupCount ||
      c.directory_group_memberships.created !== api.memberships
    ) {
      throw new Error(`unexpected counts ${JSON.stringify(c)}`);
    }
    await store.close();
    s = undefined;
    return seconds;
  } finally {
    await s?.close();
    await cleanup();
  }
}

const usersPerSecond = (seconds: number) => Math.round(userCount / seconds).toLocaleString('en');
const load = async () =>
  (await import('node:os'))
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

console.log(
  `directory: ${userCount.toLocaleString('en')} users, ${groupCount.toLocaleString('en')} groups, ${api.memberships.toLocaleString('en')} memberships; pages of 100`,
);
await ceiling(); // warm-up: JIT, sockets
const ratios: Record<string, number[]> = {};
const bounds: Record<string, number[]> = {};
const cores = availableParallelism();
for (let run = 1; run <= runs; run++) {
  for (const backend of backends) {
    const bare = await ceiling();
    const ours = await reconcileRun(backend);
    const ratio = (bare / ours) * 100;
    (ratios[backend] ??= []).push(ratio);
    console.log(
      `run ${run} ${backend.padEnd(8)} ceiling ${usersPerSecond(bare)} users/s (${bare.toFixed(2)} s), reconcile ${usersPerSecond(ours)} users/s (${ours.toFixed(2)} s): ${ratio.toFixed(1)}% of the ceiling; load ${await load()}`,
    );
    if (runCpuSeconds !== undefined) {
      const floor = Math.max(bare, runCpuSeconds / cores);
      (bounds[backend] ??= []).push((bare / floor) * 100);
      console.log(
        `  machine CPU over the reconcile: ${runCpuSeconds.toFixed(2)} s on ${cores} cores, so it takes at least ${floor.toFixed(2)} s: at most ${((bare / floor) * 100).toFixed(1)}% of the ceiling`,
      );
    }
  }
}
const targets: Record<string, number> = { sqlite: 60, postgres: 40 };
const medians: Record<string, number> = {};
for (const [backend, list] of Object.entries(ratios)) {
  const sorted = [...list].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  medians[backend] = median;
  console.log(
    `${backend}: median ${median.toFixed(1)}% of the ceiling, range ${sorted[0]!.toFixed(1)}–${sorted.at(-1)!.toFixed(1)}% over ${list.length} runs (target >= ${targets[backend]}%)`,
  );
  const bound = [...(bounds[backend] ?? [])].sort((a, b) => a - b);
  if (bound.length > 0) {
    console.log(
      `${backend}: bound set by the machine's CPU, median ${bound[Math.floor(bound.length / 2)]!.toFixed(1)}% (${bound[0]!.toFixed(1)}–${bound.at(-1)!.toFixed(1)}%)`,
    );
  }
}
if (json) {
  // The same figures as above, as fractions of the ceiling (bench:pull's pullRatio is one too).
  const fraction = (pct: number) => pct / 100;
  console.log(
    JSON.stringify({
      bench: 'reconcile',
      users: userCount,
      groups: groupCount,
      memberships: api.memberships,
      reconcileRatio: Object.fromEntries(
        Object.entries(medians).map(([backend, m]) => [backend, fraction(m)]),
      ),
      reconcileRatios: Object.fromEntries(
        Object.entries(ratios).map(([backend, list]) => [backend, list.map(fraction)]),
      ),
    }),
  );
}
server.kill('SIGTERM');
await stopBenchPostgres();
