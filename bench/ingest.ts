// npm run bench:ingest [-- --duration 10 --rounds 1 --connections 32 --events 1000000
//   --drain-seconds 600 --generator wrk|autocannon --skip-sqlite --skip-postgres --skip-ingest
//   --skip-drain --shares 0.05,0.1]
// --shares adds, per backend, `serve --worker-share <x>` for each x (a sweep of the trade-off).
//
// Ingest throughput of (i) the guide's Complete Example (baseline), (ii) a bare node:http HMAC
// server (ceiling), (iii) `workos-inbox serve` on SQLite and (iv) on PostgreSQL, each with its
// worker on; then a drain/RSS run: N events received by `serve --no-worker` and processed by
// `workos-inbox work`, sampling each child's RSS. The load generator runs in its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { benchPostgresUrl, stopBenchPostgres } from './fixtures/postgres.js';
import { runWrk, wrkInstalled, writeRequests, type LoadResult } from './fixtures/wrk.js';
import { startServe, stopProcess } from './fixtures/serve-process.js';
import { benchFlags } from './fixtures/flags.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');

const { values, number, choice } = benchFlags(
  'npm run bench:ingest -- [--duration S] [--rounds N] [--connections N] [--events N] [--drain-seconds S] [--generator wrk|autocannon] [--skip-sqlite] [--skip-postgres] [--skip-ingest] [--skip-drain] [--shares 0.05,0.1]',
  {
    duration: { type: 'string' },
    connections: { type: 'string' },
    events: { type: 'string' },
    rounds: { type: 'string' },
    'drain-seconds': { type: 'string' },
    generator: { type: 'string' },
    shares: { type: 'string' },
    'skip-sqlite': { type: 'boolean' },
    'skip-postgres': { type: 'boolean' },
    'skip-ingest': { type: 'boolean' },
    'skip-drain': { type: 'boolean' },
  },
);
const has = (name: 'skip-sqlite' | 'skip-postgres' | 'skip-ingest' | 'skip-drain') =>
  values[name] === true;
const durationS = number('duration') ?? 10;
const connections = number('connections') ?? 32;
const drainEvents = number('events') ?? 1_000_000;
// Several short rounds, each running every server once, and the median per server: a load
// spike on a shared machine then skews one round, not one server's whole result.
const rounds = number('rounds') ?? 1;
// Stop measuring the drain after this long (the rate is events done / time spent).
const drainSeconds = number('drain-seconds') ?? 600;
// wrk (C, one thread) leaves the servers more of the two cores than autocannon (JavaScript, which
// also signs every request as it goes); both are supported, the same one runs every server.
const generator =
  choice('generator', ['wrk', 'autocannon']) ?? (wrkInstalled() ? 'wrk' : 'autocannon');

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

function start(args: string[], env: Record<string, string> = {}): ChildProcess {
  const proc = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return proc;
}

function firstJsonLine(proc: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.on('line', (line) => {
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
        rl.close();
      } catch {
        // not our line
      }
    });
    proc.once('exit', (code) => reject(new Error(`child exited with ${String(code)}`)));
  });
}

/** Requests signed in advance for one wrk run: more than the fastest server answers in the run. */
const wrkRequestsPerSecond = 45_000;
let requestFiles = 0;

async function load(url: string, prefix: string, amount = 0): Promise<LoadResult> {
  if (generator === 'wrk' && amount === 0) {
    const requestsFile = join(tmpdir(), `workos-inbox-bench-${process.pid}-${requestFiles++}.txt`);
    await writeRequests(requestsFile, wrkRequestsPerSecond * durationS, prefix);
    const result = await runWrk({ url, connections, seconds: durationS, requestsFile });
    if (result.total > wrkRequestsPerSecond * durationS) {
      console.warn(`  (${prefix}: more requests than signed events; some ids repeated)`);
    }
    return result;
  }
  const proc = start([
    '--import',
    'tsx',
    join(root, 'bench/fixtures/load.ts'),
    url,
    String(connections),
    String(durationS),
    String(amount),
    prefix,
  ]);
  return (await firstJsonLine(proc)) as unknown as LoadResult;
}

/** Samples a process's RSS from /proc every 250 ms. */
function sampleRss(pid: number): { stop(): { peakMb: number; samplesMb: number[] } } {
  const samples: number[] = [];
  const read = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) samples.push(Number(m[1]) / 1024);
    } catch {
      // exited
    }
  };
  const timer = setInterval(read, 250);
  read();
  return {
    stop() {
      clearInterval(timer);
      return { peakMb: Math.max(...samples), samplesMb: samples };
    },
  };
}

function serve(
  database: string,
  extra: string[] = [],
): Promise<{ proc: ChildProcess; base: string }> {
  return startServe(database, extra, {
    onSpawn: (proc) => {
      children.add(proc);
      proc.once('exit', () => children.delete(proc));
    },
  });
}

async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `wi_bench_${Date.now()}`;
  const pgAdmin = await benchPostgresUrl();
  const admin = new pg.Client({ connectionString: pgAdmin });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgAdmin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: pgAdmin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Events stored and events done, read from the database while the server runs. */
async function countEvents(database: string): Promise<{ stored: number; done: number }> {
  const sql =
    "SELECT count(*) AS stored, count(*) FILTER (WHERE status = 'done') AS done FROM workos_inbox_events";
  if (database.startsWith('postgres')) {
    const c = new pg.Client({ connectionString: database });
    await c.connect();
    const { rows } = await c.query<{ stored: string; done: string }>(sql);
    await c.end();
    return { stored: Number(rows[0]?.stored ?? 0), done: Number(rows[0]?.done ?? 0) };
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get() as { stored: number; done: number };
  } finally {
    db.close();
  }
}

const countDone = async (database: string) => (await countEvents(database)).done;

/** What the worker of a `serve` did during and after an ingest run. */
interface WorkerProgress {
  stored: number;
  /** Events done per second while the load ran (from samples taken each second during it). */
  doneRate: number;
  /** Seconds from the end of the load until every stored event was done (null: not within the limit). */
  drainedAfterSeconds: number | null;
}

const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run npm run bench:ingest (it builds first)`);
  const dir = mkdtempSync(join(tmpdir(), 'workos-inbox-bench-'));
  const results: Array<{ name: string; r: LoadResult }> = [];
  const cleanups: Array<() => Promise<void>> = [];
  try {
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}`,
    );
    console.log(
      `load: ${generator === 'wrk' ? 'wrk (1 thread)' : 'autocannon'} in its own process, ${connections} connections, ${durationS} s per server per round, ${rounds} round(s) (median req/s shown), unique signed events${generator === 'wrk' ? '' : ' (install wrk for a lighter load generator)'}\n`,
    );

    type Target = { name: string; run: (prefix: string) => Promise<LoadResult> };
    const viaChild = (fixture: string, path: string) => async (prefix: string) => {
      const proc = start(['--import', 'tsx', join(root, 'bench/fixtures', fixture)]);
      const port = (await firstJsonLine(proc)).port as number;
      try {
        return await load(`http://127.0.0.1:${port}${path}`, prefix);
      } finally {
        await stopProcess(proc);
      }
    };
    let sqliteRssPeak = 0;
    const progress = new Map<string, WorkerProgress[]>();
    const viaServe =
      (database: () => Promise<string>, extra: string[] = []) =>
      async (prefix: string) => {
        const db = await database();
        const s = await serve(db, extra);
        const rss = sampleRss(s.proc.pid!);
        try {
          const withWorker = !extra.includes('--no-worker');
          // Sample the worker's progress while the load runs (not after: it speeds up the moment
          // requests stop).
          const samples: Array<{ at: number; stored: number; done: number }> = [];
          let sampling = withWorker;
          const sampler = (async () => {
            const t0 = performance.now();
            while (sampling) {
              await new Promise((res) => setTimeout(res, 1000));
              if (!sampling) break;
              const c = await countEvents(db);
              samples.push({ at: (performance.now() - t0) / 1000, ...c });
            }
          })();
          const result = await load(`${s.base}/webhooks/workos`, prefix);
          sampling = false;
          await sampler;
          if (withWorker) {
            // The worker yields to requests while they arrive: show how far it got, and how long
            // the backlog took once they stopped.
            const loadEnd = performance.now();
            const after = await countEvents(db);
            let drainedAfterSeconds: number | null = null;
            for (let c = after; (performance.now() - loadEnd) / 1000 < drainSeconds;) {
              if (c.done >= c.stored) {
                drainedAfterSeconds = (performance.now() - loadEnd) / 1000;
                break;
              }
              await new Promise((res) => setTimeout(res, 100));
              c = await countEvents(db);
            }
            // Only the seconds in which events kept arriving (wrk starts after its requests file
            // is written, and the last sample may fall after the end).
            const arriving = samples.filter((x, i) => i > 0 && x.stored > samples[i - 1]!.stored);
            const first = arriving[0];
            const last = arriving.at(-1);
            const key = prefix.replace(/^r\d+_/, '');
            const list = progress.get(key) ?? [];
            list.push({
              stored: after.stored,
              doneRate:
                first && last && last.at > first.at
                  ? (last.done - first.done) / (last.at - first.at)
                  : 0,
              drainedAfterSeconds,
            });
            progress.set(key, list);
          }
          return result;
        } finally {
          sqliteRssPeak = Math.max(sqliteRssPeak, rss.stop().peakMb);
          await stopProcess(s.proc);
        }
      };
    let n = 0;
    const sqliteFile = async () => join(dir, `ingest-${n++}.db`);
    const pgDatabase = async () => {
      const db = await createPgDatabase();
      cleanups.push(db.drop);
      return db.url;
    };
    const targets: Target[] = [
      {
        name: '(i) guide Complete Example (baseline)',
        run: viaChild('guide-express.ts', '/webhooks/workos'),
      },
      { name: '(ii) bare node:http + HMAC (ceiling)', run: viaChild('bare-http.ts', '/') },
      { name: '(iii) workos-inbox serve, SQLite, worker on', run: viaServe(sqliteFile) },
      {
        name: '(iii-b) serve --no-worker, SQLite (receiver only)',
        run: viaServe(sqliteFile, ['--no-worker']),
      },
      {
        name: '(iii-c) serve --worker-share 1, SQLite (worker never yields)',
        run: viaServe(sqliteFile, ['--worker-share', '1']),
      },
      {
        name: '(iii-d) serve --no-worker-thread, SQLite (worker on the main thread)',
        run: viaServe(sqliteFile, ['--no-worker-thread']),
      },
    ];
    const shares = (values.shares ?? '').split(',').filter(Boolean);
    for (const share of shares) {
      targets.push({
        name: `(iii-s) serve --worker-share ${share}, SQLite`,
        run: viaServe(sqliteFile, ['--worker-share', share]),
      });
    }
    // --skip-sqlite keeps the baseline and the ceiling (every ratio needs them).
    if (has('skip-sqlite')) targets.splice(2, targets.length - 2);
    if (!has('skip-postgres')) {
      targets.push({
        name: '(iv) workos-inbox serve, PostgreSQL, worker on',
        run: viaServe(pgDatabase),
      });
      targets.push({
        name: '(iv-b) serve --no-worker, PostgreSQL (receiver only)',
        run: viaServe(pgDatabase, ['--no-worker']),
      });
      targets.push({
        name: '(iv-c) serve --no-worker-thread, PostgreSQL (worker on the main thread)',
        run: viaServe(pgDatabase, ['--no-worker-thread']),
      });
      for (const share of shares) {
        targets.push({
          name: `(iv-s) serve --worker-share ${share}, PostgreSQL`,
          run: viaServe(pgDatabase, ['--worker-share', share]),
        });
      }
    }
    const perTarget = targets.map(() => [] as LoadResult[]);
    for (let round = 0; round < (has('skip-ingest') ? 0 : rounds); round++) {
      for (const [i, target] of targets.entries()) {
        perTarget[i]!.push(await target.run(`r${round}_t${i}`));
      }
    }
    const median = (xs: LoadResult[]): LoadResult =>
      [...xs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(xs.length / 2)]!;
    if (!has('skip-ingest')) {
      targets.forEach((t, i) => results.push({ name: t.name, r: median(perTarget[i]!) }));
    }
    // Issue #14 item 2: the answer rate with the worker on against the same backend's receiver
    // only, round by round (the two ran back to back), beside the worker's rate during the load.
    const answerRatios = (on: number, only: number): string =>
      perTarget[on]!.map((r, round) => {
        const alone = perTarget[only]![round]!.requestsPerSecond;
        const done = progress.get(`t${on}`)?.[round]?.doneRate ?? 0;
        return `${fmt(r.requestsPerSecond / alone, 2)} (worker ${fmt(done)}/s)`;
      }).join(', ');
    const underLoad: string[] = [];
    const at = (prefix: string) => targets.findIndex((t) => t.name.startsWith(prefix));
    for (const [label, on, only] of [
      ['SQLite', '(iii) ', '(iii-b) '],
      ['SQLite, worker on the main thread', '(iii-d) ', '(iii-b) '],
      ['PostgreSQL', '(iv) ', '(iv-b) '],
      ['PostgreSQL, worker on the main thread', '(iv-c) ', '(iv-b) '],
    ] as const) {
      if (perTarget[at(on)]?.length && perTarget[at(only)]?.length)
        underLoad.push(`  ${label}: ${answerRatios(at(on), at(only))}`);
    }
    targets.forEach((t, i) => {
      const only = t.name.startsWith('(iii-s) ')
        ? at('(iii-b) ')
        : t.name.startsWith('(iv-s) ')
          ? at('(iv-b) ')
          : -1;
      if (only >= 0 && perTarget[i]?.length && perTarget[only]?.length)
        underLoad.push(`  ${t.name}: ${answerRatios(i, only)}`);
    });
    if (underLoad.length > 0) {
      console.log(
        '\nAnswer rate with the worker on / receiver only, per round (target: >= 0.80 with the worker >= 1,000 events/s):',
      );
      for (const line of underLoad) console.log(line);
    }
    const sqliteRss = { peakMb: sqliteRssPeak };

    if (results.length > 0) {
      const base = results[0]?.r.requestsPerSecond ?? 0;
      const ceiling = results[1]?.r.requestsPerSecond ?? 0;
      console.log(
        '| server | req/s | p50 ms | p99 ms | × baseline | × ceiling | non-2xx | errors |',
      );
      console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
      for (const { name, r } of results) {
        console.log(
          `| ${name} | ${fmt(r.requestsPerSecond)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.requestsPerSecond / base, 2)} | ${fmt(r.requestsPerSecond / ceiling, 2)} | ${r.non2xx} | ${r.errors + r.timeouts} |`,
        );
      }
      console.log(`\nserve RSS during the ingest runs: peak ${fmt(sqliteRss.peakMb, 1)} MB`);
    }
    if (progress.size > 0) {
      console.log(
        '\nThe worker of each `serve` (built-in mirror, no user handler), which yields to requests while they arrive (`shareUnderLoad`):',
      );
      console.log(
        '| server | stored | done per second during the load | backlog drained after the load in |',
      );
      console.log('|---|---:|---:|---:|');
      targets.forEach((t, i) => {
        for (const p of progress.get(`t${i}`) ?? []) {
          console.log(
            `| ${t.name} | ${fmt(p.stored)} | ${fmt(p.doneRate)} | ${p.drainedAfterSeconds === null ? `not within ${drainSeconds} s` : `${fmt(p.drainedAfterSeconds, 1)} s`} |`,
          );
        }
      });
    }

    if (!has('skip-drain')) {
      // Drain/RSS run on SQLite: receive N events with the worker off, then drain them.
      const drainDb = join(dir, 'drain.db');
      const r = await serve(drainDb, ['--no-worker']);
      const rss = sampleRss(r.proc.pid!);
      const t0 = performance.now();
      const ingest = await load(`${r.base}/webhooks/workos`, 'drain', drainEvents);
      const ingestS = (performance.now() - t0) / 1000;
      const recvRss = rss.stop();
      await stopProcess(r.proc);
      const w = start([cli, 'work', '--database', drainDb, '--log-level', 'warn']);
      const wRss = sampleRss(w.pid!);
      const t1 = performance.now();
      let done = 0;
      while (done < ingest.ok && (performance.now() - t1) / 1000 < drainSeconds) {
        await new Promise((res) => setTimeout(res, 1000));
        done = await countDone(drainDb);
      }
      const drainS = (performance.now() - t1) / 1000;
      const workRss = wRss.stop();
      await stopProcess(w);
      const tenthPeaks = (xs: number[]) =>
        Array.from({ length: 10 }, (_, i) =>
          fmt(
            Math.max(
              ...xs.slice(Math.floor((xs.length * i) / 10), Math.floor((xs.length * (i + 1)) / 10)),
            ),
            0,
          ),
        ).join(' ');
      const q = (xs: number[], f: number) =>
        xs[Math.min(xs.length - 1, Math.floor(xs.length * f))] ?? 0;
      console.log(
        `\nDrain/RSS run (${fmt(drainEvents)} events, SQLite; --events to change; autocannon, which can send an exact number of requests):`,
      );
      console.log(
        `  received: ${fmt(ingest.ok)} in ${fmt(ingestS, 1)} s = ${fmt(ingest.ok / ingestS)} req/s (p99 ${ingest.p99} ms), non-2xx ${ingest.non2xx}`,
      );
      console.log(
        `  receiver RSS MB at 10% / 25% / 50% / 75% / 90% / 100% of the run: ${[0.1, 0.25, 0.5, 0.75, 0.9, 0.999].map((f) => fmt(q(recvRss.samplesMb, f), 1)).join(' / ')} (peak ${fmt(recvRss.peakMb, 1)}; highest in each tenth: ${tenthPeaks(recvRss.samplesMb)})`,
      );
      console.log(
        `  drained by \`workos-inbox work\` (no user handler; built-in mirror on): ${fmt(done)} in ${fmt(drainS, 1)} s = ${fmt(done / drainS)} events/s`,
      );
      console.log(
        `  worker RSS MB at 10% / 50% / 100%: ${fmt(q(workRss.samplesMb, 0.1), 1)} / ${fmt(q(workRss.samplesMb, 0.5), 1)} / ${fmt(q(workRss.samplesMb, 0.999), 1)} (peak ${fmt(workRss.peakMb, 1)})`,
      );
    }
  } finally {
    for (const c of children) c.kill('SIGKILL');
    for (const c of cleanups) await c().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    await stopBenchPostgres();
  }
}

await main();
