// bench:forward: deliveries per second to a local endpoint that answers at once, against the same
// endpoint fed by a bare loop with the same HTTP client and concurrency (the ceiling); and p99
// ingest latency with forwarding on and off, alternated over several rounds, measured two ways:
//   saturated: 16 connections sending as fast as the server answers (autocannon, closed loop): the
//     latency of a server at its limit is its queue, so this shows the capacity forwarding takes;
//   paced: a fixed rate, half of what the saturated runs with forwarding off answered, latency
//     counted from when each request was due (open loop): what a receiver below its limit, as
//     production runs, feels from turning forwarding on. The 2 ms target is read here, beside a
//     floor: each round, the same paced load against the endpoint that answers at once, whose p99
//     is the machine's and the load generator's alone and shows how far it moves between rounds.
//     With --via serve, also serve's CPU time per request over each paced run (all its threads,
//     from /proc on Linux): what forwarding, or a worker setting, costs at a rate below the limit.
// One process, running the build (dist/, made first), as users run it.
// Prints ratios, not verdicts. Flags: --database postgres | postgres://… (a server: a scratch
// database per run is created and dropped; default SQLite files), --rounds N (ingest off/on pairs,
// default 3), --paced-requests N (requests per paced run, default 3000; 12,000 did not narrow the
// rounds' spread on the 2-core machine), --paced-rate N (requests/s of the paced runs; default
// half the saturated rate with forwarding off, which moves between runs), --via serve (the ingest
// rounds run the built `workos-inbox serve` as a child process, with and without `--forward-to`,
// as users deploy it: its worker and forwarder then run in serve's worker thread; default: an
// inbox and a forwarder in this process), --serve-args='--no-worker-thread …' (more flags for
// each such serve).
// The throughput rounds (--throughput-rounds N, default 3) alternate the bare loop and the
// forwarder, after a warm-up of each (a run of the same size, dropped): a cold HTTP client or a
// cold endpoint process made the first of them look up to twice as slow as it is.
// BENCH_FORWARD_EVENTS sets the number of deliveries per throughput run (default 5000).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type * as CreateForwarder from '../src/forward/create-forwarder.js';
import type * as DeliveryQueries from '../src/forward/delivery-queries.js';
import type * as ParseDestinations from '../src/forward/parse-destinations.js';
import type * as PostDelivery from '../src/forward/post-delivery.js';
import type * as CreateInbox from '../src/inbox/create-inbox.js';
import type * as OpenStore from '../src/store/open-store.js';
import { benchBody, benchNewEvent, benchSecret } from './fixtures/bench-events.js';
import { median } from './fixtures/stats.js';
import { processCpuMs } from './fixtures/process-cpu.js';
import { startServe, stopProcess } from './fixtures/serve-process.js';
import { benchPostgresUrl, stopBenchPostgres } from './fixtures/postgres.js';
import { benchFlags } from './fixtures/flags.js';

const root = new URL('..', import.meta.url).pathname;
const deliveries = Number(process.env.BENCH_FORWARD_EVENTS ?? 5000);
const concurrency = 8;
const { values, number, choice } = benchFlags(
  "npm run bench:forward -- [--database postgres|postgres://…] [--throughput-rounds N] [--rounds N] [--paced-requests N] [--paced-rate N] [--via serve] [--serve-args='--flag …']",
  {
    database: { type: 'string' },
    'throughput-rounds': { type: 'string' },
    rounds: { type: 'string' },
    'paced-requests': { type: 'string' },
    'paced-rate': { type: 'string' },
    via: { type: 'string' },
    'serve-args': { type: 'string' },
  },
);
const databaseFlag = values.database;
const rounds = number('rounds') ?? 3;
const throughputRounds = number('throughput-rounds') ?? 3;
const pacedRequests = number('paced-requests') ?? 3000;
// A fixed paced rate makes runs comparable; by default half of what this run's saturated rounds
// answered.
const pacedRate = number('paced-rate');
const viaServe = choice('via', ['serve']) === 'serve';
// More flags for each `serve` of --via serve, e.g. --serve-args=--no-worker-thread (with `=`: a
// value that starts with `--` is otherwise read as a flag of its own).
const serveArgs = (values['serve-args'] ?? '').split(' ').filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'wi-bench-forward-'));
// The build (dist/), as users run it, in this process too: tsx's transform of src/ wraps each
// function the forwarder creates per delivery in a `__name` call (esbuild's keepNames), ~3 µs per
// delivery in profiles, and the bare loop's requests less (alternated in scratch runs: the
// forwarder from dist/ 5% faster than from src/). `serve` (--via serve) runs the build anyway.
const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) throw new Error('npm run build failed');
// A built module, typed by its source (the same API; the specifier is computed, so the type check
// does not need dist/).
const fromBuild = <Module>(path: string) =>
  import(new URL(`../dist/${path}`, import.meta.url).href) as Promise<Module>;
const { createForwarder } = await fromBuild<typeof CreateForwarder>('forward/create-forwarder.js');
const { deliveryStats } = await fromBuild<typeof DeliveryQueries>('forward/delivery-queries.js');
const { parseDestinations } = await fromBuild<typeof ParseDestinations>(
  'forward/parse-destinations.js',
);
const { createAgent, postDelivery } = await fromBuild<typeof PostDelivery>(
  'forward/post-delivery.js',
);
const { createInbox } = await fromBuild<typeof CreateInbox>('inbox/create-inbox.js');
const { openStore } = await fromBuild<typeof OpenStore>('store/open-store.js');
const postgresServer =
  databaseFlag === 'postgres'
    ? await benchPostgresUrl()
    : databaseFlag?.startsWith('postgres')
      ? databaseFlag
      : undefined;
const backend = postgresServer ? 'PostgreSQL' : 'SQLite';
const scratch: string[] = [];

/** A fresh database for one run: a SQLite file, or a scratch PostgreSQL database. */
async function freshDatabase(label: string): Promise<string> {
  if (!postgresServer) return join(dir, `${label}.db`);
  const name = `wi_bench_forward_${process.pid}_${scratch.length}`;
  const admin = new pg.Client({ connectionString: postgresServer });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  scratch.push(name);
  const url = new URL(postgresServer);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropScratch(): Promise<void> {
  if (!postgresServer || scratch.length === 0) return;
  const admin = new pg.Client({ connectionString: postgresServer });
  await admin.connect();
  for (const name of scratch) await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.end();
}

function firstJsonLine(
  args: string[],
): Promise<{ value: Record<string, number>; kill: () => void }> {
  const proc = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      // Whole lines only: a JSON line can arrive in two chunks.
      const line = out
        .split('\n')
        .slice(0, -1)
        .find((l) => l.trim().startsWith('{'));
      if (line)
        resolve({ value: JSON.parse(line) as Record<string, number>, kill: () => proc.kill() });
    });
    proc.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

const destinationSettings = (url: string) =>
  parseDestinations(`${url};name=bench;concurrency=${concurrency}`, {
    secret: benchSecret,
    timeoutMs: 10_000,
    concurrency,
    ordered: false,
    maxAttempts: 10,
    backoff: { baseMs: 1000, capMs: 60_000 },
  });

/** CPU time of this process (all its threads) per delivery since `since`, in µs. */
const cpuPerDelivery = (since: NodeJS.CpuUsage, count: number) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / count;
};

async function ceiling(url: URL): Promise<{ rate: number; cpuUs: number }> {
  const agent = createAgent(url, concurrency);
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries) {
        // Each next POST waits for this turn of the event loop, as the forwarder's freed slots
        // do (DestinationRunner.pokeNextTurn): the answers that arrived together are handled
        // first, then their slots' requests go out together. Measured here too (alternated runs,
        // 2-core machine), the bare loop ran 5–15% faster than starting each at once, so the
        // ceiling keeps it.
        await new Promise((resolve) => setImmediate(resolve));
        const body = Buffer.from(benchBody(`event_bare_${next++}`));
        const r = await postDelivery(agent, {
          url,
          body,
          headers: { 'content-type': 'application/json' },
          timeoutMs: 10_000,
        });
        if (r.statusCode !== 204) throw new Error(`bare loop: ${r.error ?? r.statusCode}`);
      }
    }),
  );
  const rate = deliveries / ((performance.now() - started) / 1000);
  const cpuUs = cpuPerDelivery(cpu, deliveries);
  agent.destroy();
  return { rate, cpuUs };
}

async function forwarded(url: URL, label: string): Promise<{ rate: number; cpuUs: number }> {
  const store = await openStore({ database: await freshDatabase(`forward-${label}`) });
  await store.migrate();
  const forwarder = createForwarder({
    store,
    destinations: destinationSettings(url.href),
    idlePollMs: 5,
  });
  await forwarder.register();
  for (let i = 0; i < deliveries; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, deliveries - i) }, (_, k) => {
        const id = `event_fwd_${label}_${i + k}`;
        return store.append(benchNewEvent(id));
      }),
    );
  }
  const cpu = process.cpuUsage();
  const started = performance.now();
  await forwarder.start();
  // Wait on the process's own counter (cheap), then for the outcomes to be recorded: polling the
  // database all along would take the forwarder's thread and skew what is measured.
  while (((await forwarder.metrics.delivered.get()).values[0]?.value ?? 0) < deliveries) {
    await new Promise((r) => setTimeout(r, 5));
  }
  for (;;) {
    const [stats] = await store.read((db) => deliveryStats(db, new Date(), ['bench']));
    const left = stats ? Object.values(stats.byStatus).reduce((a, b) => a + b, 0) : 0;
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const rate = deliveries / ((performance.now() - started) / 1000);
  const cpuUs = cpuPerDelivery(cpu, deliveries);
  await forwarder.close();
  await store.close();
  return { rate, cpuUs };
}

type Load = { kind: 'saturated' } | { kind: 'paced'; rate: number };

/**
 * The load, after a warm-up of the same kind whose latencies are dropped (1,000 requests, or two
 * seconds at the paced rate): a fresh server's first second (JIT, the pool's connections, the
 * forwarder's first claims) would otherwise be most of a 3,000-request run's p99.
 */
async function measuredLoad(target: string, load: Load, prefix: string, cpuOfPid?: number) {
  const run = (count: number, id: string) =>
    firstJsonLine(
      load.kind === 'saturated'
        ? [
            '--import',
            'tsx',
            join(root, 'bench/fixtures/load.ts'),
            target,
            '16',
            '0',
            String(count),
            id,
          ]
        : [
            '--import',
            'tsx',
            join(root, 'bench/fixtures/paced-load.ts'),
            target,
            String(load.rate),
            String(count),
            id,
          ],
    );
  const warm = await run(load.kind === 'saturated' ? 1000 : 2 * load.rate, `${prefix}_warm`);
  warm.kill();
  const count = load.kind === 'saturated' ? 3000 : pacedRequests;
  // The server's CPU over the measured run only (its warm-up excluded), per request.
  const cpuBefore = cpuOfPid === undefined ? undefined : processCpuMs(cpuOfPid);
  const result = await run(count, prefix);
  const cpuAfter = cpuOfPid === undefined ? undefined : processCpuMs(cpuOfPid);
  const cpuMsPerRequest =
    cpuBefore === undefined || cpuAfter === undefined ? NaN : (cpuAfter - cpuBefore) / count;
  return { ...result, cpuMsPerRequest };
}

async function ingestP99(
  url: URL,
  forwarding: boolean,
  run: number,
  load: Load,
): Promise<{ p99: number; perSecond: number; cpuMsPerRequest: number }> {
  const database = await freshDatabase(`ingest-${forwarding ? 'on' : 'off'}-${run}`);
  if (viaServe) return ingestP99ViaServe(url, forwarding, run, load, database);
  const inbox = await createInbox({ database, secret: benchSecret });
  const forwarder = forwarding
    ? createForwarder({ store: inbox.store, destinations: destinationSettings(url.href) })
    : undefined;
  await forwarder?.start();
  await inbox.start();
  const server = createServer(inbox.node());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/workos`;
  const result = await measuredLoad(target, load, `event_ingest_${load.kind}_${forwarding}_${run}`);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await forwarder?.close();
  await inbox.close();
  if (result.value.non2xx || result.value.errors)
    throw new Error(`ingest load had failures: ${JSON.stringify(result.value)}`);
  return {
    p99: result.value.p99 ?? NaN,
    perSecond: result.value.requestsPerSecond ?? result.value.sentPerSecond ?? NaN,
    // In this process, the bench's own work would count too: measured via serve only.
    cpuMsPerRequest: NaN,
  };
}

/** The same load against `workos-inbox serve` in its own process (--via serve). */
async function ingestP99ViaServe(
  url: URL,
  forwarding: boolean,
  run: number,
  load: Load,
  database: string,
): Promise<{ p99: number; perSecond: number; cpuMsPerRequest: number }> {
  const { proc: serve, base } = await startServe(
    database,
    [
      ...serveArgs,
      ...(forwarding ? ['--forward-to', `${url.href};name=bench;concurrency=${concurrency}`] : []),
    ],
    { cwd: dir },
  );
  const target = `${base}/webhooks/workos`;
  const result = await measuredLoad(
    target,
    load,
    `event_serve_${load.kind}_${forwarding}_${run}`,
    serve.pid,
  );
  await stopProcess(serve);
  if (result.value.non2xx || result.value.errors)
    throw new Error(`ingest load had failures: ${JSON.stringify(result.value)}`);
  return {
    p99: result.value.p99 ?? NaN,
    perSecond: result.value.requestsPerSecond ?? result.value.sentPerSecond ?? NaN,
    cpuMsPerRequest: result.cpuMsPerRequest,
  };
}

const endpoint = await firstJsonLine([
  '--import',
  'tsx',
  join(root, 'bench/fixtures/fast-endpoint.ts'),
]);
const url = new URL(`http://127.0.0.1:${endpoint.value.port}/hook`);
const round2 = (x: number) => Math.round(x * 100) / 100;
try {
  const run = Number(process.env.BENCH_RUN ?? 0);
  console.log(
    `deliveries: ${deliveries} per run, concurrency ${concurrency}, ${backend}; ${throughputRounds} throughput rounds (bare loop, then forwarder) after a warm-up of each; ingest rounds ${viaServe ? 'against `workos-inbox serve` (its own process)' : 'against an inbox in this process'}`,
  );
  // A warm-up of each, as large as a measured run: one of 1,000 left the first round's bare loop
  // at two thirds of the speed of the next ones (the endpoint's process warms up too).
  await ceiling(url);
  await forwarded(url, `${run}-warm`);
  const bares: number[] = [];
  const fwds: number[] = [];
  const shares: number[] = [];
  const bareCpu: number[] = [];
  const fwdCpu: number[] = [];
  for (let round = 0; round < throughputRounds; round++) {
    const b = await ceiling(url);
    const f = await forwarded(url, `${run}-${round}`);
    bares.push(b.rate);
    fwds.push(f.rate);
    shares.push(f.rate / b.rate);
    bareCpu.push(Math.round(b.cpuUs));
    fwdCpu.push(Math.round(f.cpuUs));
    console.log(
      `  round ${round + 1}: bare loop (ceiling) ${b.rate.toFixed(0)} req/s, forwarder ${f.rate.toFixed(0)} deliveries/s = ${(100 * (f.rate / b.rate)).toFixed(1)}% of the ceiling; CPU of this process per delivery ${Math.round(b.cpuUs)} / ${Math.round(f.cpuUs)} µs`,
    );
  }
  const bare = median(bares);
  const fwd = median(fwds);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(
    `  forwarder / ceiling: median ${pct(median(shares))} over ${throughputRounds} rounds (${pct(Math.min(...shares))}–${pct(Math.max(...shares))}) (target >= 50%)`,
  );
  console.log(
    `  CPU per delivery (this process, all threads): bare loop median ${median(bareCpu)} µs, forwarder median ${median(fwdCpu)} µs`,
  );
  // Off and on alternate, so a change in the machine's load hits both alike.
  const off: number[] = [];
  const on: number[] = [];
  const offRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const o = await ingestP99(url, false, run * 100 + round, { kind: 'saturated' });
    off.push(o.p99);
    offRates.push(o.perSecond);
    on.push((await ingestP99(url, true, run * 100 + round, { kind: 'saturated' })).p99);
  }
  const rate = pacedRate ?? Math.max(50, Math.round(median(offRates) / 2));
  const pacedOff: number[] = [];
  const pacedOn: number[] = [];
  const pacedFloor: number[] = [];
  const cpuOff: number[] = [];
  const cpuOn: number[] = [];
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  for (let round = 0; round < rounds; round++) {
    const load = { kind: 'paced', rate } as const;
    const pacedRoundOff = await ingestP99(url, false, run * 100 + round, load);
    pacedOff.push(round2(pacedRoundOff.p99));
    cpuOff.push(round3(pacedRoundOff.cpuMsPerRequest));
    const pacedRoundOn = await ingestP99(url, true, run * 100 + round, load);
    pacedOn.push(round2(pacedRoundOn.p99));
    cpuOn.push(round3(pacedRoundOn.cpuMsPerRequest));
    // The same load against the endpoint that answers at once (no verifying, no storing): what
    // the machine and the load generator alone give, and how much that moves between rounds.
    const floor = await measuredLoad(url.href, load, `event_floor_${run}_${round}`);
    pacedFloor.push(round2(floor.value.p99 ?? NaN));
  }
  const report = (title: string, offs: number[], ons: number[], target: string) => {
    const diffs = ons.map((o, k) => round2(o - offs[k]!));
    console.log(title);
    console.log(`  forwarding off        ${offs.join(', ')} ms (median ${median(offs)})`);
    console.log(`  forwarding on         ${ons.join(', ')} ms (median ${median(ons)})`);
    console.log(
      `  on - off per round    ${diffs.join(', ')} ms (median ${median(diffs)}${target})`,
    );
  };
  report(
    `ingest p99 saturated (3000 requests, 16 connections, mirror worker on; off answered ${offRates.map((r) => r.toFixed(0)).join(', ')} req/s), ${rounds} rounds`,
    off,
    on,
    '',
  );
  report(
    `ingest p99 paced (${pacedRequests} requests at ${rate} req/s, ${pacedRate === undefined ? 'half the saturated rate' : '--paced-rate'}, mirror worker on), ${rounds} rounds`,
    pacedOff,
    pacedOn,
    '; target <= 2 ms',
  );
  console.log(
    `  floor                 ${pacedFloor.join(', ')} ms (the same load against an endpoint that answers at once; spread ${round2(Math.max(...pacedFloor) - Math.min(...pacedFloor))} ms)`,
  );
  if (viaServe) {
    console.log(
      `  serve's CPU per request: off ${cpuOff.join(', ')} ms (median ${median(cpuOff)}), on ${cpuOn.join(', ')} ms (median ${median(cpuOn)}); all its threads, the paced runs only`,
    );
  }
  console.log(
    JSON.stringify({
      backend,
      ingestVia: viaServe ? 'serve' : 'in-process',
      bare,
      forwarded: fwd,
      ratio: median(shares),
      ratios: shares,
      bareCpuUsPerDelivery: bareCpu,
      forwarderCpuUsPerDelivery: fwdCpu,
      p99Off: off,
      p99On: on,
      pacedRate: rate,
      p99PacedOff: pacedOff,
      p99PacedOn: pacedOn,
      p99PacedFloor: pacedFloor,
      ...(viaServe ? { serveCpuMsPerRequestOff: cpuOff, serveCpuMsPerRequestOn: cpuOn } : {}),
    }),
  );
} finally {
  endpoint.kill();
  await dropScratch();
  await stopBenchPostgres();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
