// npm run bench — every benchmark, briefly (small sizes: a smoke run of each, minutes not hours),
// then one JSON summary of the ratios each prints (same-run comparisons, which a loaded machine
// distorts less than absolute rates) and the machine, written to bench-results/summary.json and
// printed. bench:ingest is left out unless --ingest is given (it builds, needs wrk or autocannon
// and takes minutes; run `npm run build` first). --full runs each benchmark at its default size instead of briefly.
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

const benches: Bench[] = [
  {
    name: 'drain',
    args: ['bench/drain.ts', '--json', ...(full ? [] : ['--events', '3000', '--processes', '1,2'])],
    ratios: (out) => (lastJson(out).ratios ?? {}) as Record<string, number>,
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
        r[`${at} time (b)/(a)`] = num(m[4]);
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
      if (j.pullRatio !== undefined) r['puller/ceiling (median of the rounds)'] = j.pullRatio;
      return r;
    },
  },
  {
    name: 'forward',
    args: ['bench/forward.ts'],
    env: full ? {} : { BENCH_FORWARD_EVENTS: '1000' },
    ratios: (out) => {
      const j = lastJson(out) as Partial<
        Record<'p99Off' | 'p99On' | 'p99PacedOff' | 'p99PacedOn', number[]>
      > & {
        ratio?: number;
      };
      const r: Record<string, number> = {};
      if (j.ratio !== undefined) r['forwarded/bare'] = j.ratio;
      if (j.p99Off?.length && j.p99On?.length)
        r['ingest p99 saturated on/off (medians of the rounds)'] =
          median(j.p99On) / median(j.p99Off);
      if (j.p99PacedOff?.length && j.p99PacedOn?.length)
        r['ingest p99 paced on/off (medians of the rounds)'] =
          median(j.p99PacedOn) / median(j.p99PacedOff);
      return r;
    },
  },
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
  console.log(`\n=== bench:${bench.name} (${bench.args.slice(1).join(' ') || 'defaults'})`);
  const { output, code, seconds } = await run(bench);
  const ratios = Object.fromEntries(
    Object.entries(bench.ratios(output)).map(([k, v]) => [k, Number(v.toFixed(3))]),
  );
  summary.benchmarks[bench.name] = {
    ratios,
    seconds: Math.round(seconds),
    ...(code === 0 ? {} : { failed: `exit code ${String(code)}` }),
  };
}
summary.machine.loadAverageAfter = loadavg().map((l) => Number(l.toFixed(2)));
mkdirSync(new URL('bench-results/', `file://${root}`), { recursive: true });
const json = JSON.stringify(summary, null, 2);
writeFileSync(new URL('bench-results/summary.json', `file://${root}`), `${json}\n`);
console.log(`\nbench-results/summary.json:\n${json}`);
