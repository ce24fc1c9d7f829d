// npm run bench — every benchmark, briefly (small sizes: a smoke run of each, minutes not hours),
// then one JSON summary of the ratios each prints (same-run comparisons, which a loaded machine
// distorts less than absolute rates) and the machine, written to bench-results/summary.json and
// printed. Brief sizes: drain 3,000 events (one directory on SQLite and PostgreSQL, then ten
// directories on PostgreSQL with 1, 2 and 4 processes), mirror 10,000 events (1,000 per event),
// events and verify 3 rounds of 150 ms, pull 10,000 events in 2 rounds, reconcile 10,000 users
// and 100 groups in 1 run on SQLite and PostgreSQL, dashboard 600,000 events in 2 rounds of 50
// requests per case, forward on SQLite and on PostgreSQL with 1,000 deliveries per throughput
// round and 1 ingest round of each kind (paced: 1,000 requests). bench:ingest is left out unless
// --ingest is given (it builds, needs wrk or autocannon and takes minutes; run `npm run build`
// first). --full runs each benchmark at its default size instead of briefly.
// A benchmark, not a test: nothing fails on a slow machine; a benchmark that fails is reported.
import { median } from './fixtures/stats.js';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { benchFlags } from './fixtures/flags.js';

const { values } = benchFlags('npm run bench -- [--full] [--ingest]', {
  full: { type: 'boolean' },
  ingest: { type: 'boolean' },
});
const full = values.full === true;
const root = new URL('..', import.meta.url).pathname;

interface Bench {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** The ratios in the benchmark's output. */
  ratios(output: string): Record<string, number>;
}

const num = (s: string | undefined): number => Number((s ?? '').replace(/,/g, ''));
const backendName = (b: string): string =>
  b === 'sqlite' ? 'SQLite' : b === 'postgres' ? 'PostgreSQL' : b;
/** bench/drain.ts's default number of directories for its multi-process runs. */
const directories = 10;

/** Every match of `pattern` (global) as [key, value] by `pick`. */
function each(
  output: string,
  pattern: RegExp,
  pick: (m: RegExpMatchArray) => [string, number],
): Record<string, number> {
  return Object.fromEntries([...output.matchAll(pattern)].map(pick));
}

const lastJson = (output: string): Record<string, unknown> => {
  const line = output
    .split('\n')
    .reverse()
    .find((l) => l.trim().startsWith('{'));
  return line ? (JSON.parse(line) as Record<string, unknown>) : {};
};

/** bench/forward.ts on one backend: throughput to the ceiling, ingest p99 with forwarding on/off. */
function forward(backend: 'sqlite' | 'postgres'): Bench {
  const name = backendName(backend);
  return {
    name: `forward ${name}`,
    args: [
      'bench/forward.ts',
      ...(backend === 'postgres' ? ['--database', 'postgres'] : []),
      ...(full ? [] : ['--rounds', '1', '--paced-requests', '1000']),
    ],
    env: full ? {} : { BENCH_FORWARD_EVENTS: '1000' },
    ratios: (out) => {
      const j = lastJson(out) as Partial<
        Record<'p99Off' | 'p99On' | 'p99PacedOff' | 'p99PacedOn', number[]>
      > & {
        ratio?: number;
      };
      const r: Record<string, number> = {};
      if (j.ratio !== undefined)
        r[`deliveries/s forwarder / ceiling, ${name} (median of the rounds)`] = j.ratio;
      if (j.p99Off?.length && j.p99On?.length)
        r[`ingest p99 saturated, forwarding on / off, ${name} (medians of the rounds)`] =
          median(j.p99On) / median(j.p99Off);
      if (j.p99PacedOff?.length && j.p99PacedOn?.length)
        r[`ingest p99 paced, forwarding on / off, ${name} (medians of the rounds)`] =
          median(j.p99PacedOn) / median(j.p99PacedOff);
      return r;
    },
  };
}

const benches: Bench[] = [
  {
    name: 'drain',
    args: [
      'bench/drain.ts',
      '--json',
      ...(full ? [] : ['--events', '3000']),
      '--processes',
      '1,2,4',
    ],
    ratios: (out) => {
      const j = lastJson(out) as { ratios?: Record<string, number> };
      const r: Record<string, number> = {};
      for (const [key, value] of Object.entries(j.ratios ?? {})) {
        const n = /^processes(\d+)Over1$/.exec(key)?.[1];
        const name =
          key === 'postgresOverSqlite'
            ? 'events/s PostgreSQL / SQLite, one directory, 1 process'
            : key === 'sqliteCpuOverPostgresCpu'
              ? 'CPU per event SQLite / PostgreSQL (worker + database), one directory'
              : n
                ? `events/s ${n} processes / 1, ${directories} directories, PostgreSQL`
                : key;
        r[name] = value;
      }
      return r;
    },
  },
  {
    name: 'mirror',
    args: [
      'bench/mirror.ts',
      '--json',
      ...(full ? [] : ['--events', '10000', '--per-event-events', '1000']),
    ],
    ratios: (out) => (lastJson(out).ratios ?? {}) as Record<string, number>,
  },
  {
    name: 'events',
    args: ['bench/events.ts'],
    env: full ? {} : { BENCH_ROUNDS: '3', BENCH_ROUND_MS: '150' },
    ratios: (out) =>
      each(out, /^(\(\w\)[^\n]*?)\s+[\d,]+ ops\/s\s+([\d.]+)× \(a\)$/gm, (m) => [
        m[1]!.trim(),
        num(m[2]),
      ]),
  },
  {
    name: 'verify',
    args: ['bench/verify.ts'],
    env: full ? {} : { BENCH_ROUNDS: '3', BENCH_ROUND_MS: '150' },
    ratios: (out) => {
      const sizes = [...out.matchAll(/^body (\d+) bytes/gm)].map((m) => m[1]!);
      const lines = [
        ...out.matchAll(
          /^ {2}(wall clock|CPU time) *: \(b\)\/\(d\) = ([\d.]+)x.*\(c\)\/\(d\) = ([\d.]+)x.*\(b\)\/\(a\) = ([\d.]+)x/gm,
        ),
      ];
      const r: Record<string, number> = {};
      lines.forEach((m, i) => {
        const at = `${sizes[Math.floor(i / 2)] ?? '?'}B ${m[1]!}`;
        r[`${at} (b)/(d)`] = num(m[2]);
        r[`${at} (c)/(d)`] = num(m[3]);
        r[`${at} (b)/(a)`] = num(m[4]);
      });
      return r;
    },
  },
  {
    name: 'pull',
    args: ['bench/pull.ts', '--json', ...(full ? [] : ['--events', '10000', '--rounds', '2'])],
    ratios: (out) => {
      const j = lastJson(out) as { pullRatio?: number };
      const r: Record<string, number> = {};
      if (j.pullRatio !== undefined)
        r['events/s puller / ceiling, SQLite (median of the rounds)'] = j.pullRatio;
      return r;
    },
  },
  {
    name: 'reconcile',
    args: [
      'bench/reconcile.ts',
      '--json',
      ...(full ? [] : ['--users', '10000', '--groups', '100', '--runs', '1']),
    ],
    ratios: (out) => {
      const j = lastJson(out) as { reconcileRatio?: Record<string, number> };
      const r: Record<string, number> = {};
      for (const [backend, ratio] of Object.entries(j.reconcileRatio ?? {}))
        r[`users/s reconciled / ceiling, ${backendName(backend)} (median of the runs)`] = ratio;
      return r;
    },
  },
  {
    name: 'dashboard',
    args: ['bench/dashboard.ts', '--json'],
    // 600,000: the fewest (rounded up) with a cursor for the deep page, which needs 1,001 rows
    // matching its filter (bench/dashboard.ts's header); inserted in seconds.
    env: full ? {} : { BENCH_EVENTS: '600000', BENCH_ROUNDS: '2', BENCH_REQUESTS: '50' },
    ratios: (out) => {
      const j = lastJson(out) as { ratios?: Record<string, number>; deepCursor?: boolean };
      const r: Record<string, number> = {};
      for (const [page, ratio] of Object.entries(j.ratios ?? {})) {
        // Too few events for the deep page's cursor: that case read the filtered first page.
        if (page.includes('page after') && j.deepCursor === false) continue;
        r[`events page p50 / store.list first page p50, SQLite: ${page}`] = ratio;
      }
      return r;
    },
  },
  forward('sqlite'),
  forward('postgres'),
];
if (values.ingest === true) {
  benches.push({
    name: 'ingest',
    args: [
      'bench/ingest.ts',
      '--skip-drain',
      ...(full ? [] : ['--rounds', '1', '--duration', '4']),
    ],
    ratios: (out) =>
      each(out, /^\| ([^|]+?) \| [\d,]+ \| [\d.]+ \| [\d.]+ \| ([\d.]+) \|/gm, (m) => [
        `${m[1]!} × baseline`,
        num(m[2]),
      ]),
  });
}

function run(bench: Bench): Promise<{ output: string; code: number | null; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', ...bench.args], {
    cwd: root,
    env: { ...process.env, ...bench.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    process.stdout.write(chunk);
  });
  return new Promise((resolve) =>
    child.on('exit', (code) =>
      resolve({ output, code, seconds: (performance.now() - started) / 1000 }),
    ),
  );
}

const summary = {
  date: new Date().toISOString(),
  mode: full ? 'full' : 'quick',
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageBefore: loadavg().map((l) => Number(l.toFixed(2))),
    loadAverageAfter: [] as number[],
  },
  benchmarks: {} as Record<
    string,
    { ratios: Record<string, number>; seconds: number; failed?: string }
  >,
};
for (const bench of benches) {
  const settings = [
    ...Object.entries(bench.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ...bench.args.slice(1),
  ];
  console.log(`\n=== bench:${bench.name} (${settings.join(' ') || 'defaults'})`);
  const { output, code, seconds } = await run(bench);
  const ratios = Object.fromEntries(
    Object.entries(bench.ratios(output)).map(([k, v]) => [k, Number(v.toFixed(3))]),
  );
  summary.benchmarks[bench.name] = {
    ratios,
    seconds: Math.round(seconds),
    ...(code !== 0
      ? { failed: `exit code ${String(code)}` }
      : Object.keys(ratios).length === 0
        ? { failed: 'no ratios found in its output' }
        : {}),
  };
}
summary.machine.loadAverageAfter = loadavg().map((l) => Number(l.toFixed(2)));
mkdirSync(new URL('bench-results/', `file://${root}`), { recursive: true });
const json = JSON.stringify(summary, null, 2);
writeFileSync(new URL('bench-results/summary.json', `file://${root}`), `${json}\n`);
console.log(`\nbench-results/summary.json:\n${json}`);
